// Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // Confirm before a destructive or bulk action: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
})();

/* The Thai file control: say which files were chosen (templates/includes/file_picker.html). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("thai-file-input")) { return; }
    var names = input.parentNode.querySelector(".thai-file-names");
    if (!names) { return; }
    var files = Array.prototype.map.call(input.files, function (file) { return file.name; });
    names.textContent = files.length
      ? names.getAttribute("data-some").replace("%(n)s", files.length) + " " + files.join(", ")
      : names.getAttribute("data-none");
  });
})();

/* A form that comes back with errors: focus goes to the first field in error, and each error
   message is tied to its field for screen readers. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelectorAll("main .is-invalid");
    Array.prototype.forEach.call(invalid, function (field) {
      var feedback = field.parentNode && field.parentNode.querySelector(".invalid-feedback");
      if (feedback) {
        if (!feedback.id) { feedback.id = (field.id || field.name) + "-error"; }
        var described = (field.getAttribute("aria-describedby") || "").split(" ");
        if (described.indexOf(feedback.id) < 0) { described.push(feedback.id); }
        field.setAttribute("aria-describedby", described.join(" ").trim());
      }
      field.setAttribute("aria-invalid", "true");
    });
    if (invalid.length) { invalid[0].focus(); }
  });
})();
