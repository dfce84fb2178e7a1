/* Inbox list: "select all" for the supervisor's bulk reassignment. */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (toggle) {
    var form = toggle.closest("form");
    toggle.addEventListener("change", function () {
      form.querySelectorAll("input[name='task_id']").forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });
})();
