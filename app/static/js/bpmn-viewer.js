/* The case's process diagram: bpmn-js NavigatedViewer (served from static/vendor), with the
   completed, current and failed elements marked. Data comes from the page's data-bpmn-diagrams URL. */
(function () {
  "use strict";

  function say(container, message) {
    container.textContent = "";
    var p = document.createElement("p");
    p.className = "meta";
    p.textContent = message;
    container.appendChild(p);
  }

  function mark(viewer, ids, className) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    (ids || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, className);
      }
    });
  }

  function draw(container, data) {
    container.textContent = "";
    (data.diagrams || []).forEach(function (diagram, index) {
      var figure = document.createElement("figure");
      figure.className = "bpmn-figure";
      var caption = document.createElement("figcaption");
      caption.textContent = diagram.title;
      var canvas = document.createElement("div");
      canvas.className = "bpmn-canvas";
      canvas.id = "bpmn-canvas-" + index;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "Diagram proses " + diagram.title);
      figure.appendChild(caption);
      figure.appendChild(canvas);
      container.appendChild(figure);
      var viewer = new window.BpmnJS({ container: canvas });
      viewer.importXML(diagram.xml).then(function () {
        viewer.get("canvas").zoom("fit-viewport");
        mark(viewer, diagram.completed, "sp-completed");
        mark(viewer, diagram.current, "sp-current");
        mark(viewer, diagram.failed, "sp-failed");
        canvas.setAttribute("data-rendered", "true");
      }).catch(function () {
        say(canvas, "Diagram tidak dapat ditampilkan.");
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-bpmn-diagrams]").forEach(function (container) {
      if (typeof window.BpmnJS !== "function") {
        say(container, "Penampil diagram belum terpasang (jalankan make assets).");
        return;
      }
      fetch(container.getAttribute("data-bpmn-diagrams"), {
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
        say(container, "Diagram tidak dapat dimuat.");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
