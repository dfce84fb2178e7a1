/* Conditional fields of JSON Schema forms (app/jsonforms/render.py): a field with data-show-when
   is shown only while its condition holds; hidden fields are disabled so they are not submitted.
   Without JavaScript every field stays visible and the server's validation decides. */
(function () {
  "use strict";

  function valuesOf(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name || el.disabled) {
        return;
      }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        return;
      }
      if (el.type === "hidden" && el.value === "") {
        return;
      }
      if (el.value !== "") {
        values.push(el.value);
      }
    });
    return values;
  }

  function holds(spec, values) {
    return values.some(function (value) {
      var number = parseFloat(value);
      if ("const" in spec && String(spec["const"]) !== value) { return false; }
      if ("enum" in spec && spec["enum"].map(String).indexOf(value) < 0) { return false; }
      if ("gt" in spec && !(number > spec.gt)) { return false; }
      if ("gte" in spec && !(number >= spec.gte)) { return false; }
      if ("lt" in spec && !(number < spec.lt)) { return false; }
      if ("lte" in spec && !(number <= spec.lte)) { return false; }
      return true;
    });
  }

  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (box) {
      var specs = JSON.parse(box.getAttribute("data-show-when"));
      var show = specs.some(function (spec) { return holds(spec, valuesOf(form, spec.field)); });
      box.hidden = !show;
      box.classList.toggle("jf-required", show);
      box.querySelectorAll("input, select, textarea").forEach(function (el) {
        el.disabled = !show;
      });
    });
  }

  document.querySelectorAll("[data-jsonform]").forEach(function (box) {
    var form = box.closest("form");
    if (!form || form.hasAttribute("data-jsonform-ready")) {
      return;
    }
    form.setAttribute("data-jsonform-ready", "true");
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
