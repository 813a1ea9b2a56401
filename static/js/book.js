// The report book page: "make the book" is sent in the background and the status box is
// polled every second (a progress bar, then the download link). Works whether the task runs
// in a worker (the request answers at once) or in the web process (it answers when done).
// No inline script: CSP.
(function () {
  "use strict";
  var form = document.querySelector("form.book-generate");
  var box = document.querySelector("#book-status");
  if (!form || !box || !window.fetch) { return; }
  var timer = null;
  var statusUrl = null;
  var following = false;  // following "the newest draft" while the request runs

  function csrf() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function show(html) {
    box.innerHTML = html;
    var status = box.querySelector(".book-status");
    if (status && !following) { statusUrl = status.getAttribute("data-status-url"); }
    return status ? status.getAttribute("data-state") : "";
  }

  function poll() {
    if (!statusUrl) { return; }
    fetch(statusUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        var finished = /data-state="(ready|failed)"/.test(html);
        // While this request runs, the newest draft may still be an older, finished one:
        // keep the starting bar until this request's own book shows up.
        if (following && finished) { return; }
        show(html);
        if (finished) { stop(); }
      })
      .catch(function () { /* the next tick tries again */ });
  }

  function start() { if (!timer) { timer = window.setInterval(poll, 1000); } }
  function stop() { if (timer) { window.clearInterval(timer); timer = null; } }

  // A book still being made when the page opens: follow it.
  var current = box.querySelector(".book-status");
  if (current && ["queued", "building"].indexOf(current.getAttribute("data-state")) >= 0) {
    statusUrl = current.getAttribute("data-status-url");
    start();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    box.innerHTML = '<div class="book-status" data-state="queued"><label class="form-label small mb-1" for="book-progress">' +
      "กำลังเริ่มจัดทำ" + '</label><progress id="book-progress" class="w-100 book-progress" max="100" value="0"></progress></div>';
    // While the request runs, follow the office's newest draft (the request makes it).
    statusUrl = form.getAttribute("data-latest-url") || statusUrl;
    following = true;
    start();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        following = false;
        statusUrl = data.status_url;
        poll();
      })
      .catch(function () { window.location.reload(); })
      .then(function () { button.disabled = false; });
  });
})();
