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
