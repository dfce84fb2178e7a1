/* Process heatmap: each BPMN diagram of the service in a bpmn-js NavigatedViewer (static/vendor), with
   every user task and call activity coloured by severity and labelled with its duration in working days,
   count and breach rate. Data comes from the JSON URL in data-heatmap-source. */
(function () {
  "use strict";

  var number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });

  function say(container, message) {
    container.textContent = "";
    var p = document.createElement("p");
    p.className = "meta";
    p.textContent = message;
    container.appendChild(p);
  }

  function badge(element) {
    var box = document.createElement("div");
    box.className = "heat-badge heat-" + element.severity;
    box.setAttribute("data-element", element.id);
    if (!element.count) {
      box.textContent = "belum ada data";
      return box;
    }
    var first = document.createElement("span");
    first.textContent = "⌀ " + number.format(element.avg_working_days) + " · p90 " +
      number.format(element.p90_working_days) + " hk";
    var second = document.createElement("span");
    second.textContent = "n=" + element.count + " · " +
      number.format((element.breach_rate || 0) * 100) + "% terlambat";
    box.appendChild(first);
    box.appendChild(second);
    box.title = element.name + (element.sla_working_days ? " (SLA " + element.sla_working_days + " hari kerja)" : "");
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

  function draw(container, data) {
    container.textContent = "";
    data.diagrams.forEach(function (diagram, index) {
      var figure = document.createElement("figure");
      figure.className = "bpmn-figure";
      var caption = document.createElement("figcaption");
      caption.textContent = diagram.title;
      var holder = document.createElement("div");
      holder.className = "bpmn-canvas heat-canvas";
      holder.id = "heat-canvas-" + index;
      holder.setAttribute("role", "img");
      holder.setAttribute("aria-label", "Peta panas " + diagram.title);
      figure.appendChild(caption);
      figure.appendChild(holder);
      container.appendChild(figure);
      var viewer = new window.BpmnJS({ container: holder });
      viewer.importXML(diagram.xml).then(function () {
        viewer.get("canvas").zoom("fit-viewport");
        holder.setAttribute("data-overlays", String(decorate(viewer, diagram)));
        holder.setAttribute("data-rendered", "true");
      }).catch(function () {
        say(holder, "Diagram tidak dapat ditampilkan.");
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-heatmap-source]").forEach(function (container) {
      if (typeof window.BpmnJS !== "function") {
        say(container, "Penampil diagram belum terpasang (jalankan make assets).");
        return;
      }
      fetch(container.getAttribute("data-heatmap-source"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }).then(function (data) {
        draw(container, data);
      }).catch(function () {
        say(container, "Data peta panas tidak dapat dimuat.");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
