/* The error summary of a form that came back with errors (templates/_error_summary.html, GOV.UK pattern):
   focused when the page loads so screen readers announce it and keyboard users start there; a link moves
   focus to its field (the first control of a group) and scrolls the field's label into view. */
(function () {
  "use strict";

  function control(element) {
    if (element.matches("input, select, textarea, button")) {
      return element;
    }
    return element.querySelector("input:not([type=hidden]), select, textarea") || element;
  }

  function labelOf(field) {
    var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
    var group = field.closest("fieldset");
    return label || (group && group.querySelector("legend")) || field;
  }

  document.querySelectorAll("[data-error-summary]").forEach(function (summary, index) {
    if (summary.hasAttribute("data-error-summary-ready")) {
      return;
    }
    summary.setAttribute("data-error-summary-ready", "true");
    if (index === 0) {
      summary.focus();
    }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link ? document.getElementById(decodeURIComponent(link.hash.slice(1))) : null;
      if (!target) {
        return;
      }
      event.preventDefault();
      var field = control(target);
      labelOf(field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  });
})();
