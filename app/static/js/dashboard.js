/* Dashboard and transparency charts: every canvas with a data-chart attribute (a JSON spec written by
   the server: type, labels, datasets) becomes a Chart.js chart. Chart.js is served from static/vendor. */
(function () {
  "use strict";

  var PALETTE = ["#0b4f8a", "#2e9e5b", "#c0392b", "#d49b00", "#6c3483", "#1f8a8a"];
  var MUTED = "#b8c4d0";
  var ALERT = "#c0392b";
  var LINE = "#d49b00";

  function say(canvas, message) {
    var p = document.createElement("p");
    p.className = "meta chart-empty";
    p.textContent = message;
    canvas.parentNode.insertBefore(p, canvas);
    canvas.hidden = true;
  }

  function dataset(spec, index) {
    var colour = spec.muted ? MUTED : (spec.alert ? ALERT : PALETTE[index % PALETTE.length]);
    var set = { label: spec.label, data: spec.data, backgroundColor: colour, borderColor: colour };
    if (spec.line) {
      set.type = "line";
      set.backgroundColor = LINE;
      set.borderColor = LINE;
      set.fill = false;
      set.tension = 0.2;
      set.order = -1;
    }
    return set;
  }

  function config(spec) {
    return {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: window.spLocale(),
        plugins: { legend: { position: "bottom" } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    };
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    canvases.forEach(function (canvas) {
      var spec;
      try {
        spec = JSON.parse(canvas.getAttribute("data-chart"));
      } catch (err) {
        say(canvas, window.spText("charts.unreadable"));
        return;
      }
      if (typeof window.Chart !== "function") {
        say(canvas, window.spText("charts.library_missing"));
        return;
      }
      if (!spec.labels || spec.labels.length === 0) {
        say(canvas, window.spText("charts.no_data"));
        canvas.setAttribute("data-rendered", "empty");
        return;
      }
      new window.Chart(canvas, config(spec));
      canvas.setAttribute("data-rendered", "true");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
