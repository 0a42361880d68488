// Draws the chart described by a <script type="application/json"> element next to a <canvas>.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var kind = canvas.dataset.kind || "bar";
    var options = { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } };
    if (kind === "radar") {
      options.scales = { r: { min: 0, max: 100, ticks: { stepSize: 20 } } };
    } else {
      options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
    }
    new Chart(canvas, {
      type: kind,
      data: { labels: data.labels, datasets: [{ label: data.label, data: data.values,
        backgroundColor: data.colors || "rgba(29, 78, 137, 0.25)", borderColor: data.colors || "rgb(29, 78, 137)",
        borderWidth: 2 }] },
      options: options
    });
  });
})();
