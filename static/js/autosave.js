// Autosave of office forms (<form data-autosave hx-post=...>). The form is never replaced by
// the server's answer, so what the user typed stays on the page whatever happens. A refused
// or stale save pauses autosave until the user saves by hand; a network failure retries.
(function () {
  "use strict";
  var RETRY_MS = 15000;

  function statusBox() { return document.getElementById("save-status"); }

  document.body.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form && form.dataset.autosavePaused === "1") {
      event.preventDefault();
    }
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (!event.target.matches || !event.target.matches("form[data-autosave]")) return;
    var box = statusBox();
    if (box) { box.classList.remove("is-error"); box.textContent = "กำลังบันทึก…"; }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-autosave]")) return;
    var xhr = event.detail.xhr;
    var box = statusBox();
    if (xhr && (xhr.status === 409 || xhr.status === 422 || xhr.status === 403)) {
      form.dataset.autosavePaused = "1";
      if (box) box.classList.add("is-error");
    }
  });

  function networkFailure(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-autosave]")) return;
    var box = statusBox();
    if (box) {
      box.classList.add("is-error");
      box.textContent = "บันทึกไม่สำเร็จ: เชื่อมต่อเครื่องแม่ข่ายไม่ได้ ข้อความที่พิมพ์ยังอยู่ในหน้านี้ ระบบจะลองบันทึกใหม่อัตโนมัติ";
    }
    window.setTimeout(function () { htmx.trigger(form, "change"); }, RETRY_MS);
  }
  document.body.addEventListener("htmx:sendError", networkFailure);
  document.body.addEventListener("htmx:timeout", networkFailure);

  // A full (non-htmx) save resumes autosave on the page that comes back.
  window.addEventListener("beforeunload", function (event) {
    var box = statusBox();
    if (box && box.classList.contains("is-error")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
