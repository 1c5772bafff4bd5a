// The board's charts: per-unit percentages (bars, with the goal) and the unit's trend (line).
(function () {
  "use strict";
  const source = document.getElementById("board-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const red = "#a4161a", green = "#198754", grey = "#6c757d", gold = "#f4c430";

  const units = document.getElementById("units-chart");
  if (units && data.labels.length) {
    new Chart(units, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.strings.percent, data: data.percent,
            backgroundColor: data.percent.map((p) => (p !== null && p >= data.goal ? green : red)) },
          { label: data.strings.forecast, data: data.forecast, backgroundColor: gold },
        ],
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        scales: { x: { min: 0, max: 100, ticks: { callback: (v) => v + "%" } }, y: { ticks: { autoSkip: false } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  const trend = document.getElementById("trend-chart");
  if (trend && data.trend.labels.length) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: data.strings.percent, data: data.trend.percent, borderColor: red, backgroundColor: red,
            pointRadius: data.trend.labels.length > 60 ? 0 : 3, tension: 0.2 },
          { label: data.strings.forecast, data: data.trend.forecast, borderColor: gold, backgroundColor: gold,
            borderDash: [4, 4], spanGaps: true, pointRadius: 3 },
          { label: data.strings.goal, data: data.trend.labels.map(() => data.goal), borderColor: grey,
            borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + "%" } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
})();
