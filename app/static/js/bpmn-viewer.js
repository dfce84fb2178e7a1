/* The case's process diagram, with the completed, current and failed elements marked.
   Data comes from the page's data-bpmn-diagrams URL; drawing is shared (bpmn-diagrams.js). */
(function () {
  "use strict";

  function mark(viewer, ids, className) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    (ids || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, className);
      }
    });
  }

  window.SatuPintuDiagrams.load("data-bpmn-diagrams", {
    canvasClass: "bpmn-canvas",
    idPrefix: "bpmn-canvas-",
    labelKey: "diagram.case_label",
    failMessage: window.spText("diagram.load_failed"),
    decorate: function (viewer, diagram) {
      mark(viewer, diagram.completed, "sp-completed");
      mark(viewer, diagram.current, "sp-current");
      mark(viewer, diagram.failed, "sp-failed");
    }
  });
})();
