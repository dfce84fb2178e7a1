// Autosave a draft form a few seconds after the applicant stops typing (the page works without it).
// The server stores every valid field and answers with the messages of the others (JSON), which are shown
// next to their fields; a field that became valid loses its message.
(function () {
  function showErrors(form, errors) {
    form.querySelectorAll("[data-field]").forEach(function (box) {
      var name = box.getAttribute("data-field");
      var messages = errors[name];
      var note = box.querySelector(".field-error");
      var controls = box.querySelectorAll("input:not([type=hidden]), select, textarea");
      box.classList.toggle("has-error", !!messages);
      if (!messages) {
        if (note) { note.remove(); }
        controls.forEach(function (el) { el.removeAttribute("aria-invalid"); });
        return;
      }
      if (!note) {
        note = document.createElement("p");
        note.className = "field-error";
        note.id = (controls[0] ? controls[0].id.replace(/-1$/, "") : name) + "-error";
        box.appendChild(note);
      }
      note.textContent = messages.join(" ");
      controls.forEach(function (el) {
        el.setAttribute("aria-invalid", "true");
        var described = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (described.indexOf(note.id) < 0) { described.push(note.id); }
        el.setAttribute("aria-describedby", described.join(" "));
      });
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var dirty = false;
    var timer = null;
    var status = form.querySelector("[data-autosave-status]");
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      if (!dirty) { return; }
      dirty = false;
      var data = new FormData(form);
      data.set("next", "data");
      fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin", redirect: "manual",
                                     headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().then(function (body) {
            if (body.error) { say(body.error.message); return; }
            showErrors(form, body.errors || {});
            say(body.message || "");
          }, function () { say(window.spText(r.ok ? "autosave.saved" : "autosave.not_saved")); });
        })
        .catch(function () { dirty = true; say(window.spText("autosave.offline")); timer = setTimeout(save, 10000); });
    }
    form.addEventListener("input", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, 3000);
    });
  });
})();
