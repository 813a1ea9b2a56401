// The profile answer editor: Quill (static/vendor/quill) over the plain <textarea name="html">.
// Without JavaScript the textarea is the editor; with it, Quill writes its HTML back into the
// textarea on every change and the form autosaves through htmx (see profile_answer_edit.html).
// The server sanitises whatever arrives; nothing here is trusted.
(function () {
  "use strict";
  var form = document.querySelector("[data-profile-editor]");
  if (!form || !window.Quill) return;

  var textarea = form.querySelector("textarea[name=html]");
  var toolbar = document.getElementById("answer-toolbar");
  var holder = document.getElementById("answer-editor");
  var imageInput = document.getElementById("answer-image-input");
  var notApplicable = document.getElementById("id_not_applicable");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function setStatus(text, isError) {
    var status = document.querySelector("#autosave-box .autosave-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function upload(file) {
    if (["image/jpeg", "image/png"].indexOf(file.type) === -1) {
      setStatus("รับเฉพาะรูปภาพ JPEG หรือ PNG ไฟล์ " + file.name + " ไม่ได้อัปโหลด", true);
      return;
    }
    var data = new FormData();
    data.append("image", file);
    setStatus("กำลังอัปโหลดรูปภาพ…", false);
    fetch(form.getAttribute("data-upload-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok || !body.url) throw new Error((body.messages || []).join(" ") || "อัปโหลดรูปภาพไม่สำเร็จ");
          return body.url;
        });
      })
      .then(function (url) {
        var range = quill.getSelection(true);
        quill.insertEmbed(range ? range.index : quill.getLength(), "image", url, "user");
        setStatus("แทรกรูปภาพแล้ว", false);
      })
      .catch(function (error) {
        setStatus(error.message || "อัปโหลดรูปภาพไม่สำเร็จ", true);
      });
  }

  function table() {
    quill.focus();
    return quill.getModule("table");
  }

  toolbar.hidden = false;
  holder.hidden = false;
  textarea.classList.add("d-none");

  var quill = new window.Quill(holder, {
    theme: "snow",
    modules: {
      table: true,
      uploader: {
        mimetypes: ["image/png", "image/jpeg"],
        handler: function (range, files) {
          files.forEach(upload);
        },
      },
      toolbar: {
        container: toolbar,
        handlers: {
          image: function () { imageInput.click(); },
          tableInsert: function () { table().insertTable(3, 3); },
          tableRowBelow: function () { table().insertRowBelow(); },
          tableColumnRight: function () { table().insertColumnRight(); },
          tableDeleteRow: function () { table().deleteRow(); },
          tableDeleteColumn: function () { table().deleteColumn(); },
          tableDelete: function () { table().deleteTable(); },
        },
      },
    },
  });
  if (textarea.value.trim()) {
    quill.setContents(quill.clipboard.convert({ html: textarea.value }), "silent");
  }

  quill.on("text-change", function () {
    textarea.value = quill.root.innerHTML;
    setStatus("มีการแก้ไขที่ยังไม่ได้บันทึก…", false);
    form.dispatchEvent(new CustomEvent("profilechanged", { bubbles: true }));
  });

  imageInput.addEventListener("change", function () {
    if (imageInput.files.length) upload(imageInput.files[0]);
    imageInput.value = "";
  });

  function followNotApplicable() {
    quill.enable(!notApplicable.checked);
    holder.classList.toggle("is-disabled", notApplicable.checked);
  }
  notApplicable.addEventListener("change", followNotApplicable);
  followNotApplicable();

  // htmx leaves the page alone on a server error or a lost connection: say so, keep the text.
  document.body.addEventListener("htmx:responseError", function (event) {
    setStatus("บันทึกอัตโนมัติไม่สำเร็จ (รหัส " + event.detail.xhr.status + ") ข้อความที่พิมพ์ยังอยู่ในแบบฟอร์ม", true);
  });
  document.body.addEventListener("htmx:sendError", function () {
    setStatus("บันทึกอัตโนมัติไม่สำเร็จ: ติดต่อเซิร์ฟเวอร์ไม่ได้ ข้อความที่พิมพ์ยังอยู่ในแบบฟอร์ม", true);
  });
})();
