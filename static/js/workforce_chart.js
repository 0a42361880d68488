/* Workforce dashboard: head count by role, then by certificate level (data from json_script). */
(function () {
  "use strict";
  var canvas = document.getElementById("workforce-chart");
  var source = document.getElementById("workforce-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function column(rows, i) { return rows.map(function (r) { return r[i]; }); }
  function fill(rows, colour) { return rows.map(function () { return colour; }); }
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: column(data.roles, 0).concat(column(data.levels, 0)),
      datasets: [{ label: canvas.dataset.label, data: column(data.roles, 1).concat(column(data.levels, 1)),
        backgroundColor: fill(data.roles, "#3b6ea5").concat(fill(data.levels, "#c47f17")) }]
    },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
