/* Coverage over time against the target line; data from the page's json_script, Chart.js vendored. */
(function () {
  "use strict";
  var canvas = document.getElementById("coverage-chart");
  var source = document.getElementById("coverage-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "覆盖率（%）", data: data.coverage, borderColor: "#1d4e89", backgroundColor: "#1d4e89", tension: 0 },
        { label: "目标（%）", data: data.target, borderColor: "#b3261e", backgroundColor: "#b3261e",
          borderDash: [6, 4], stepped: "after", pointRadius: 2 }
      ]
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
  canvas.dataset.rendered = "true";
  window.coverageChart = chart;
})();
