// Dashboard charts: each <canvas data-chart='{...}'> carries its numbers (the
// same numbers are in a table next to it). Clicking a bar opens the list behind it.
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#0d6efd", "#6c757d", "#198754", "#fd7e14", "#6f42c1"];
  var fontFamily = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.font.family = fontFamily;

  function passMarkPlugin(value) {
    return {
      id: "passMark",
      afterDatasetsDraw: function (chart) {
        var horizontal = chart.options.indexAxis === "y";
        var scale = horizontal ? chart.scales.x : chart.scales.y;
        if (!scale || value === undefined || value === null) {
          return;
        }
        var position = scale.getPixelForValue(value);
        var area = chart.chartArea;
        var context = chart.ctx;
        context.save();
        context.strokeStyle = "#dc3545";
        context.setLineDash([6, 4]);
        context.beginPath();
        if (horizontal) {
          context.moveTo(position, area.top);
          context.lineTo(position, area.bottom);
        } else {
          context.moveTo(area.left, position);
          context.lineTo(area.right, position);
        }
        context.stroke();
        context.restore();
      }
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colour,
        borderColor: colour,
        tension: 0.2,
        spanGaps: true
      };
    });
    var valueAxis = { min: spec.min || 0, max: spec.max || 100 };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: { legend: { position: "bottom" } },
        onClick: function (event, elements) {
          if (spec.links && elements.length) {
            window.location.href = spec.links[elements[0].index];
          }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = spec.links && elements.length ? "pointer" : "default";
        }
      },
      plugins: [passMarkPlugin(spec.passMark)]
    });
  });
})();
