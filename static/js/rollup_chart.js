/* Report roll-up: person-times per service domain, stacked by target group (data from json_script). */
(function () {
  "use strict";
  var canvas = document.getElementById("rollup-chart");
  var source = document.getElementById("rollup-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  new Chart(canvas, {
    type: "bar", data: JSON.parse(source.textContent),
    options: {responsive: true, maintainAspectRatio: false, animation: false,
      scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}
  });
})();
