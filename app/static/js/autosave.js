// Autosave a draft form a few seconds after the applicant stops typing (the page works without it).
(function () {
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
      fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
        .then(function (r) {
          say(r.ok || r.type === "opaqueredirect" || r.status === 0 ? "Draf tersimpan otomatis." : "Ada isian yang perlu diperiksa; simpan untuk melihat pesannya.");
        })
        .catch(function () { dirty = true; say("Belum tersimpan: koneksi terputus. Akan dicoba lagi."); timer = setTimeout(save, 10000); });
    }
    form.addEventListener("input", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, 3000);
    });
  });
})();
