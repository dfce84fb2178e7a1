/* Upload progress on the apply wizard's documents step (app/templates/portal/apply_documents.html).
   With JavaScript a requirement's file is checked here first (type and size, with the server's own
   rules and messages from the form's data- attributes), then sent with XMLHttpRequest while a
   <progress> bar and an aria-live percentage show how far it got; the row is updated from the JSON
   answer without reloading the page. The server stays the judge: its refusal (409/413/415/422) is
   shown in the row, and anything unexpected falls back to the normal form submit, which works
   without JavaScript. */
(function () {
  "use strict";

  var SHOWN_STATUSES = [409, 413, 415, 422];

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot).toLowerCase() : "";
  }

  function precheck(form, file) {
    var accept = (form.getAttribute("data-accept") || "").split(",").filter(Boolean);
    var ext = extensionOf(file.name);
    if (accept.length && accept.indexOf(ext) < 0) {
      return ext ? form.getAttribute("data-msg-type").replace("{ext}", ext) : form.getAttribute("data-msg-no-ext");
    }
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (maxBytes && file.size > maxBytes) {
      return form.getAttribute("data-msg-size");
    }
    return null;
  }

  function enhance(form) {
    var row = form.closest("li") || form.parentNode;
    var input = form.querySelector("input[type=file]");
    var button = form.querySelector("button[type=submit]");
    var bar = form.querySelector("[data-upload-bar]");
    var progress = bar.querySelector("progress");
    var percent = bar.querySelector("[data-upload-percent]");
    var error = form.querySelector("[data-upload-error]");
    var done = row.querySelector("[data-upload-done]");
    var busy = false;

    function showError(message) {
      error.textContent = message;
      error.hidden = false;
    }

    function setProgress(value) {
      var rounded = Math.max(0, Math.min(100, Math.round(value)));
      progress.value = rounded;
      var text = rounded + "%";
      if (percent.textContent !== text) {
        percent.textContent = text;
      }
    }

    function fallBack() {
      busy = false;
      form.removeAttribute("data-uploading");
      HTMLFormElement.prototype.submit.call(form);  // the server answers with its page
    }

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file || busy || !window.XMLHttpRequest || !window.FormData) {
        return;  // nothing chosen (the browser says so) or no XHR: the normal submit
      }
      event.preventDefault();
      error.hidden = true;
      error.textContent = "";
      var problem = precheck(form, file);
      if (problem) {
        showError(problem);
        input.focus();
        return;
      }
      busy = true;
      form.setAttribute("data-uploading", "true");
      button.disabled = true;
      bar.hidden = false;
      setProgress(0);

      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && e.total > 0) {
          setProgress((e.loaded / e.total) * 100);
        }
      };
      xhr.onload = function () {
        button.disabled = false;
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (ignored) {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && body && body.filename) {
          busy = false;
          form.removeAttribute("data-uploading");
          setProgress(100);
          percent.textContent = "100% · " + (body.message || "");
          done.querySelector("[data-upload-filename]").textContent = body.filename;
          done.hidden = false;
          input.value = "";
          form.setAttribute("data-uploaded", body.filename);
          return;
        }
        if (SHOWN_STATUSES.indexOf(xhr.status) >= 0 && body && body.error && body.error.message) {
          busy = false;
          form.removeAttribute("data-uploading");
          bar.hidden = true;
          showError(body.error.message);
          return;
        }
        fallBack();  // a signed-out session, an expired form, a server error: let the page handle it
      };
      xhr.onerror = fallBack;
      xhr.onabort = fallBack;
      xhr.ontimeout = fallBack;
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload-progress]").forEach(enhance);
})();
