/* Public pages stay light on a phone: Chart.js (about 200 KB) and the chart code are fetched only when the
   visitor opens the charts (<details data-lazy-charts>); the tables above carry the same figures. */
(function () {
  "use strict";
  function load(src, then) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = then;
    document.head.appendChild(script);
  }
  document.querySelectorAll("details[data-lazy-charts]").forEach(function (details) {
    var loaded = false;
    details.addEventListener("toggle", function () {
      if (!details.open || loaded) { return; }
      loaded = true;
      load(details.dataset.lazyCharts, function () { load(details.dataset.chartCode, function () {}); });
    });
  });
})();
