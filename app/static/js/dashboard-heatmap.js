/* Process heatmap: each BPMN diagram of the service in a bpmn-js NavigatedViewer (static/vendor), with
   every user task and call activity coloured by severity and labelled with its duration in working days,
   count and breach rate. Data comes from the JSON URL in data-heatmap-source; drawing is shared
   (bpmn-diagrams.js). */
(function () {
  "use strict";

  var number = new Intl.NumberFormat(window.spLocale(), { maximumFractionDigits: 1 });

  function badge(element) {
    var box = document.createElement("div");
    box.className = "heat-badge heat-" + element.severity;
    box.setAttribute("data-element", element.id);
    if (!element.count) {
      box.textContent = window.spText("heatmap.no_data");
      return box;
    }
    var first = document.createElement("span");
    first.textContent = window.spText("heatmap.durations", { avg: number.format(element.avg_working_days),
      p90: number.format(element.p90_working_days) });
    var second = document.createElement("span");
    second.textContent = window.spText("heatmap.late", { count: element.count,
      rate: number.format((element.breach_rate || 0) * 100) + "%" });
    box.appendChild(first);
    box.appendChild(second);
    box.title = element.sla_working_days ?
      window.spText("heatmap.with_sla", { name: element.name, days: element.sla_working_days }) : element.name;
    return box;
  }

  function decorate(viewer, diagram) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    var added = 0;
    diagram.elements.forEach(function (element) {
      if (!registry.get(element.id)) {
        return;
      }
      canvas.addMarker(element.id, "heat-" + element.severity);
      overlays.add(element.id, "heatmap", { position: { bottom: 4, left: -4 }, html: badge(element) });
      added += 1;
    });
    return added;
  }

  window.SatuPintuDiagrams.load("data-heatmap-source", {
    canvasClass: "bpmn-canvas heat-canvas",
    idPrefix: "heat-canvas-",
    labelKey: "heatmap.diagram_label",
    failMessage: window.spText("heatmap.load_failed"),
    decorate: function (viewer, diagram, canvas) {
      canvas.setAttribute("data-overlays", String(decorate(viewer, diagram)));
    }
  });
})();
