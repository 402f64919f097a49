/* The insight charts. A page marks each chart as
 *   <canvas data-chart="bar|stacked|scatter|matrix" data-source="JSON url">
 * with role="img", an aria-label and aria-describedby naming the table that
 * holds the same numbers. This script fetches the JSON ({columns, rows, chart}),
 * draws its `chart` with Chart.js, and leaves the instance on the element
 * (canvas.chart) and data-chart-ready="true" once drawn. Charts inside content
 * that htmx swaps in are drawn again from their new source.
 */
(function () {
  "use strict";

  // The proficiency shades of the FOP matrix table (site.css td.level-N).
  const LEVELS = ["#f1f3f6", "#dce8f8", "#a9c6ee", "#1f3f7a"];
  const BASE = ["#1f5fbf", "#e07b00", "#1e6b3a", "#a4262c", "#6b3fa0", "#0f7c8c"];

  function colour(index) {
    // Past the base colours, spread hues by the golden angle so they stay apart.
    return BASE[index] || `hsl(${Math.round(index * 137.5) % 360} 55% 42%)`;
  }

  function axis(title, extra) {
    return Object.assign({ title: { display: Boolean(title), text: title || "" } }, extra);
  }

  function tooltip(label, extra) {
    return { tooltip: { callbacks: Object.assign({ label }, extra) } };
  }

  function bars(payload, stacked) {
    const unit = payload.unit || "";
    return {
      type: "bar",
      data: {
        labels: payload.labels,
        datasets: payload.datasets.map((set, index) =>
          Object.assign({ backgroundColor: colour(index) }, set)),
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          x: axis(payload.xTitle, { stacked }),
          // Counts are whole numbers; shares may fall between.
          y: axis(payload.yTitle || (unit === "%" ? "Per cent" : ""), {
            stacked, beginAtZero: true, max: payload.max,
            ticks: { precision: unit ? undefined : 0 },
          }),
        },
        plugins: tooltip((item) => `${item.dataset.label}: ${item.formattedValue} ${unit}`),
      },
    };
  }

  function scatter(payload) {
    return {
      type: "scatter",
      data: {
        // clip: points at 0 or 1 sit on the chart's edge; let them show whole.
        datasets: payload.datasets.map((set, index) => Object.assign({
          backgroundColor: colour(index), borderColor: colour(index), pointRadius: 4, clip: 6,
        }, set)),
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          x: axis(payload.xTitle, { min: 0, max: 1 }),
          y: axis(payload.yTitle, { min: 0, max: 1 }),
        },
        plugins: Object.assign({ legend: { position: "bottom" } }, tooltip((item) => [
          item.dataset.label,
          item.raw.standard,
          `${payload.xTitle} ${item.raw.x}, ${payload.yTitle} ${item.raw.y}`,
        ])),
      },
    };
  }

  function matrix(payload) {
    const columns = payload.xLabels.length || 1;
    const rows = payload.yLabels.length || 1;
    const text = (ref) => payload.yTexts[payload.yLabels.indexOf(ref)] || "";
    const category = (labels, extra) => Object.assign({
      type: "category", labels, offset: true, grid: { display: false },
    }, extra);
    return {
      type: "matrix",
      data: {
        datasets: payload.datasets.map((set) => Object.assign({
          backgroundColor: (context) => LEVELS[(context.raw && context.raw.v) || 0],
          borderColor: "#ffffff",
          borderWidth: 1,
          width: ({ chart }) => (chart.chartArea || {}).width / columns - 1,
          height: ({ chart }) => (chart.chartArea || {}).height / rows - 1,
        }, set)),
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          x: category(payload.xLabels, {
            position: "top",
            ticks: { autoSkip: false, maxRotation: 90 },
          }),
          // Top down, in the order of the table beside it.
          y: category(payload.yLabels, { reverse: true, ticks: { autoSkip: false } }),
        },
        plugins: Object.assign({ legend: { display: false } }, tooltip((item) => [
          item.raw.x,
          `${item.raw.y} ${text(item.raw.y)}`,
          payload.levels[item.raw.v] || String(item.raw.v),
        ], { title: () => "" })),
      },
    };
  }

  const BUILDERS = {
    bar: (payload) => bars(payload, false),
    stacked: (payload) => bars(payload, true),
    scatter,
    matrix,
  };

  // With the chart focused, the arrow keys step through its marks and show
  // each one's tooltip, as hovering does; Home, End and Escape as expected.
  function marks(chart) {
    return chart.data.datasets.flatMap((set, datasetIndex) =>
      chart.isDatasetVisible(datasetIndex)
        ? set.data.map((_value, index) => ({ datasetIndex, index }))
        : []);
  }

  function step(event) {
    const chart = event.currentTarget.chart;
    const all = chart ? marks(chart) : [];
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    const known = event.key in moves || ["Home", "End", "Escape"].includes(event.key);
    if (!all.length || !known) return;
    event.preventDefault();
    const shown = chart.tooltip.getActiveElements()[0];
    const at = shown ? all.findIndex((mark) =>
      mark.datasetIndex === shown.datasetIndex && mark.index === shown.index) : -1;
    let next = event.key === "Home" ? 0
      : event.key === "End" ? all.length - 1
      : at + (moves[event.key] || 0);
    if (at === -1 && moves[event.key] === -1) next = all.length - 1;
    const active = event.key === "Escape" ? [] : [all[(next + all.length) % all.length]];
    chart.setActiveElements(active);
    chart.tooltip.setActiveElements(active, { x: 0, y: 0 });
    chart.update();
  }

  function fail(canvas, why) {
    canvas.dataset.chartError = why;
    const note = document.createElement("p");
    note.className = "error";
    note.textContent = "The chart could not be drawn; the table gives the same numbers.";
    canvas.insertAdjacentElement("afterend", note);
  }

  async function draw(canvas) {
    const build = BUILDERS[canvas.dataset.chart];
    if (!build || typeof Chart === "undefined") return fail(canvas, "unknown chart");
    canvas.dataset.chartDrawn = canvas.dataset.source;
    try {
      const response = await fetch(canvas.dataset.source, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const config = build((await response.json()).chart);
      // Charts appear without movement for people who ask for less of it.
      if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
        config.options.animation = false;
      }
      if (canvas.chart) canvas.chart.destroy();
      canvas.chart = new Chart(canvas, config);
      if (!canvas.dataset.keys) {
        canvas.addEventListener("keydown", step);
        canvas.dataset.keys = "arrows";
        canvas.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight Home End Escape");
      }
      canvas.dataset.chartReady = "true";
    } catch (error) {
      fail(canvas, String(error));
    }
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      if (canvas.dataset.chartDrawn !== canvas.dataset.source) draw(canvas);
    });
  }

  function forget(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      if (canvas.chart) canvas.chart.destroy();
    });
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:beforeSwap", (event) => forget(event.detail.target));
  // After an outerHTML swap the old target is detached: look at the whole page.
  document.addEventListener("htmx:afterSettle", () => drawAll(document));
})();
