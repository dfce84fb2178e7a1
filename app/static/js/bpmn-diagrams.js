/* Shared by the case diagram and the process heatmap: fetch the page's diagram JSON
   ({diagrams: [{title, xml, ...}]}) and show each diagram in a bpmn-js NavigatedViewer (static/vendor).
   Each page passes a `decorate(viewer, diagram, canvas)` that marks or labels the elements, a `labelKey`
   (the spText message naming a diagram, with %(title)s) and a `failMessage`. */
window.SatuPintuDiagrams = (function () {
  "use strict";

  function say(container, message) {
    container.textContent = "";
    var p = document.createElement("p");
    p.className = "meta";
    p.textContent = message;
    container.appendChild(p);
  }

  function draw(container, data, options) {
    container.textContent = "";
    (data.diagrams || []).forEach(function (diagram, index) {
      var figure = document.createElement("figure");
      figure.className = "bpmn-figure";
      var caption = document.createElement("figcaption");
      caption.textContent = diagram.title;
      var canvas = document.createElement("div");
      canvas.className = options.canvasClass;
      canvas.id = options.idPrefix + index;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", window.spText(options.labelKey, { title: diagram.title }));
      figure.appendChild(caption);
      figure.appendChild(canvas);
      container.appendChild(figure);
      var viewer = new window.BpmnJS({ container: canvas });
      viewer.importXML(diagram.xml).then(function () {
        viewer.get("canvas").zoom("fit-viewport");
        options.decorate(viewer, diagram, canvas);
        canvas.setAttribute("data-rendered", "true");
      }).catch(function () {
        say(canvas, window.spText("diagram.draw_failed"));
      });
    });
  }

  /* Render every element carrying `attribute` (its value is the JSON URL) once the page is ready. */
  function load(attribute, options) {
    function start() {
      document.querySelectorAll("[" + attribute + "]").forEach(function (container) {
        if (typeof window.BpmnJS !== "function") {
          say(container, window.spText("diagram.viewer_missing"));
          return;
        }
        fetch(container.getAttribute(attribute), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        }).then(function (data) {
          draw(container, data, options);
        }).catch(function () {
          say(container, options.failMessage);
        });
      });
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  return { say: say, load: load };
})();
