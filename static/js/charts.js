/* Charts of the national dashboard and the office home: Chart.js (vendored) drawing the data
   the page carries in <script type="application/json" id="...-chart-data">. Each chart also
   has its table beside it, for people who read. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.font.family = "Sarabun, Garuda, sans-serif";
  Chart.defaults.animation = false;

  function draw(canvasId, spec) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !spec || !spec.labels || !spec.labels.length) { return; }
    var stacked = spec.kind === "stacked";
    new Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set) {
          return { label: set.label, data: set.data, backgroundColor: set.color, borderColor: set.color, fill: false, tension: 0.2 };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  ["national-chart-data", "office-chart-data"].forEach(function (id) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var data = JSON.parse(node.textContent);
    Object.keys(data).forEach(function (key) { draw("chart-" + key, data[key]); });
  });
})();
