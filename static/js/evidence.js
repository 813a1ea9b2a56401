// Evidence uploads: drag and drop, one request per file with its own progress bar, the
// budget checked in the browser first (the server checks again). No inline script: CSP.
(function () {
  "use strict";
  if (window.pmqaEvidence) { return; }
  window.pmqaEvidence = true;

  function panelOf(el) { return el.closest(".evidence-panel"); }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) { return field.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function human(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(2) + " MB"; }
    if (bytes >= 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return bytes + " ไบต์";
  }

  function isPdf(file) { return /\.pdf$/i.test(file.name); }
  function isPhoto(file) { return /\.(jpe?g|png)$/i.test(file.name); }

  function remainingOf(panel) {
    var list = panel.querySelector(".evidence-list");
    return parseInt((list || panel).getAttribute("data-remaining"), 10) || 0;
  }

  function refreshList(panel) {
    var selector = panel.getAttribute("data-list");
    if (window.htmx) {
      window.htmx.ajax("GET", panel.getAttribute("data-panel-url"), { target: selector, select: selector, swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }

  function row(form, file) {
    var li = document.createElement("li");
    li.className = "mb-1 evidence-progress-row";
    var name = document.createElement("span");
    name.className = "me-2";
    name.textContent = file.name + " (" + human(file.size) + ")";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var status = document.createElement("span");
    status.className = "ms-2 small evidence-progress-status";
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    form.querySelector(".evidence-progress").appendChild(li);
    return { li: li, bar: bar, status: status };
  }

  function fail(ui, message) {
    ui.status.textContent = message;
    ui.status.classList.add("text-danger");
    ui.li.classList.add("is-refused");
  }

  function uploadAll(form, files) {
    var panel = panelOf(form);
    var kind = form.querySelector("select[name=kind]");
    if (!kind.value) {
      kind.reportValidity();
      return;
    }
    var remaining = remainingOf(panel);
    var photoMax = parseInt(panel.getAttribute("data-photo-max"), 10);
    var budget = parseInt(panel.getAttribute("data-budget"), 10);
    var outstanding = 0;
    var done = function () {
      outstanding -= 1;
      if (outstanding === 0) { refreshList(panel); }
    };
    Array.prototype.forEach.call(files, function (file) {
      var ui = row(form, file);
      if (!isPdf(file) && !isPhoto(file)) {
        fail(ui, "รับเฉพาะไฟล์ PDF และภาพถ่าย JPEG หรือ PNG");
        return;
      }
      if (isPdf(file) && file.size > remaining) {
        fail(ui, "ขนาด " + human(file.size) + " เกินพื้นที่ที่เหลือ " + human(remaining) + " (รวมทั้งประเด็นไม่เกิน " + human(budget) + ")");
        return;
      }
      if (isPhoto(file) && file.size > photoMax) {
        fail(ui, "ไฟล์ภาพขนาด " + human(file.size) + " เกินขีดจำกัด " + human(photoMax) + " ต่อภาพ");
        return;
      }
      if (isPdf(file)) { remaining -= file.size; }
      outstanding += 1;
      var data = new FormData();
      data.append("kind", kind.value);
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", panel.getAttribute("data-upload-url"));
      xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { ui.bar.value = Math.round((event.loaded * 100) / event.total); }
      });
      xhr.addEventListener("load", function () {
        var payload = {};
        try { payload = JSON.parse(xhr.responseText); } catch (e) { payload = { ok: false, messages: ["เซิร์ฟเวอร์ตอบกลับไม่ถูกต้อง (" + xhr.status + ")"] }; }
        ui.bar.value = 100;
        if (payload.ok) {
          ui.status.textContent = (payload.messages || []).join(" ");
          ui.li.classList.add("is-done");
        } else {
          fail(ui, (payload.messages || []).join(" "));
          if (isPdf(file)) { remaining += file.size; }
        }
        done();
      });
      xhr.addEventListener("error", function () {
        fail(ui, "ส่งไฟล์ไม่สำเร็จ กรุณาตรวจสอบการเชื่อมต่อแล้วลองใหม่");
        done();
      });
      xhr.send(data);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form.evidence-upload");
    if (!form) { return; }
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) { input.reportValidity(); return; }
    uploadAll(form, input.files);
    input.value = "";
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = event.target.closest && event.target.closest("[data-evidence-drop]");
      if (!zone) { return; }
      event.preventDefault();
      zone.classList.add("is-over");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-evidence-drop]");
    if (zone) { zone.classList.remove("is-over"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-evidence-drop]");
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("is-over");
    uploadAll(zone.closest("form.evidence-upload"), event.dataTransfer.files);
  });
})();
