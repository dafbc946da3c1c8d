// Chart builders over uPlot (history, slices, learning curves, Pareto front) and ECharts
// (parallel coordinates, which uPlot does not draw). Each chart is created once and then fed
// new data; its container carries data-points with the number of points it shows.
"use strict";

const COLORS = { COMPLETE: "#079455", PRUNED: "#dc6803", RUNNING: "#2f6fde", PAUSED: "#98a2b3", FAILED: "#d92d20", WAITING: "#98a2b3" };
const DECISION_COLORS = { STOP: "#d92d20", PAUSE: "#dc6803", PROMOTE: "#079455", CLONED: "#7a5af8", LEASE_EXPIRED: "#667085", CONTINUE: "#2f6fde" };

function chartWidth(container) {
  return Math.max(280, container.clientWidth || container.parentElement.clientWidth - 32);
}

function setPoints(container, n) {
  container.setAttribute("data-points", String(n));
}

function pointsSeries(label, color, size) {
  return { label, stroke: color, fill: color + "55", paths: () => null, points: { show: true, size: size || 5, stroke: color, fill: color + "55" } };
}

// Replaces the chart in `container` when its layout (the key) changes, else only its data.
function uplotChart(container, key, makeOpts, data) {
  const charts = window.hypatia.charts;
  const old = charts[container.id];
  if (old && old.key === key) {
    old.plot.setData(data);
    return old.plot;
  }
  if (old) old.plot.destroy();
  container.replaceChildren();
  const plot = new uPlot(makeOpts(chartWidth(container)), data, container);
  charts[container.id] = { key, plot };
  return plot;
}

function emptyNote(container, text) {
  const charts = window.hypatia.charts;
  if (charts[container.id]) {
    charts[container.id].plot.destroy();
    delete charts[container.id];
  }
  container.replaceChildren(el("p", { class: "muted", text }));
  setPoints(container, 0);
}

// Values (points) and the best value so far (a step line) against x.
function historyChart(container, xs, ys, best, opts) {
  if (xs.length === 0) return emptyNote(container, "No complete trial yet.");
  uplotChart(container, "history:" + opts.yLabel + ":" + opts.time, (width) => ({
    width, height: 260,
    scales: { x: { time: !!opts.time } },
    axes: [{ label: opts.xLabel }, { label: opts.yLabel, size: 70 }],
    series: [{ label: opts.xLabel }, pointsSeries("value", "#2f6fde", 5),
      { label: "best so far", stroke: "#d92d20", width: 2, spanGaps: true, points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) }],
  }), [xs, ys, best]);
  setPoints(container, xs.length);
}

// One parameter against the objective; categorical parameters on an axis of their choices.
function sliceChart(container, p, xs, ys, yLabel) {
  if (xs.length === 0) return emptyNote(container, p.name + ": no complete trial yet.");
  const choices = p.choices;
  uplotChart(container, "slice:" + p.name + ":" + yLabel, (width) => ({
    width, height: 200,
    scales: { x: choices ? { time: false, range: [-0.5, choices.length - 0.5] } : { time: false, distr: p.log ? 3 : 1 } },
    axes: [choices ? { label: p.name, splits: () => choices.map((_, i) => i), values: (u, splits) => splits.map((i) => choices[i] ?? "") }
      : { label: p.name, values: (u, splits) => splits.map(fmt) }, { label: yLabel, size: 60, values: (u, splits) => splits.map(fmt) }],
    legend: { show: false },
    series: [{ label: p.name }, pointsSeries(yLabel, "#2f6fde", 4)],
  }), [xs, ys]);
  setPoints(container, xs.length);
}

// Intermediate values of each trial, with the scheduler's decisions marked at their steps.
function curvesChart(container, curves, yLabel, xLabel) {
  if (curves.length === 0) return emptyNote(container, "No intermediate values reported yet.");
  const tables = [];
  const series = [{ label: xLabel }];
  for (const c of curves) {
    const order = c.steps.map((_, i) => i).sort((a, b) => c.steps[a] - c.steps[b]);
    tables.push([order.map((i) => c.steps[i]), order.map((i) => c.values[i])]);
    series.push({ label: "#" + c.number, stroke: COLORS[c.state] || "#667085", width: 1, spanGaps: true, points: { show: false } });
    for (const m of c.marks) {
      tables.push([[m.step], [m.value]]);
      const color = DECISION_COLORS[m.decision] || "#101828";
      series.push({ label: "#" + c.number + " " + m.decision + (m.rung !== undefined && m.rung !== null ? " rung " + m.rung : ""),
        stroke: color, paths: () => null, points: { show: true, size: 10, width: 2, stroke: color, fill: "#ffffff" } });
    }
  }
  const data = uPlot.join(tables);
  uplotChart(container, "curves:" + series.map((s) => s.label).join(","), (width) => ({
    width, height: 300, legend: { show: false },
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, { label: yLabel, size: 70 }],
    series,
  }), data);
  setPoints(container, curves.length);
}

// Trials on two objectives, the non-dominated ones highlighted (as a staircase for a 2-objective front).
function paretoChart(container, xs, ys, front, labels, staircase) {
  if (xs.length === 0) return emptyNote(container, "No complete trial yet.");
  const frontSeries = pointsSeries("Pareto front", "#d92d20", 7);
  if (staircase) Object.assign(frontSeries, { paths: uPlot.paths.stepped({ align: 1 }), spanGaps: true, width: 1 });
  uplotChart(container, "pareto:" + labels.join(",") + ":" + staircase, (width) => ({
    width, height: 300,
    scales: { x: { time: false } },
    axes: [{ label: labels[0] }, { label: labels[1], size: 70 }],
    series: [{ label: labels[0] }, pointsSeries("trials", "#98a2b3", 5), frontSeries],
  }), [xs, ys, front]);
  setPoints(container, xs.length);
}

// Parallel coordinates: one axis per parameter and objective, lines coloured by the objective.
function parallelChart(container, params, objectives, rows, colourDim) {
  if (rows.length === 0) {
    const old = window.hypatia.charts[container.id];
    if (old) { old.plot.dispose(); delete window.hypatia.charts[container.id]; }
    container.replaceChildren(el("p", { class: "muted", text: "No complete trial yet." }));
    setPoints(container, 0);
    return;
  }
  let entry = window.hypatia.charts[container.id];
  if (!entry) {
    container.replaceChildren();
    entry = { key: "parallel", plot: echarts.init(container, null, { renderer: "canvas" }) };
    window.hypatia.charts[container.id] = entry;
    window.addEventListener("resize", () => entry.plot.resize());
  }
  const axes = params.map((p, i) => p.choices ? { dim: i, name: p.name, type: "category", data: p.choices }
    : { dim: i, name: p.name, type: p.log ? "log" : "value", scale: true });
  objectives.forEach((o, j) => axes.push({ dim: params.length + j, name: o.name, type: "value", scale: true,
    nameTextStyle: { fontWeight: "bold" } }));
  let lo = Infinity, hi = -Infinity;
  for (const r of rows) { lo = Math.min(lo, r[colourDim]); hi = Math.max(hi, r[colourDim]); }
  entry.plot.setOption({
    animation: false,
    parallel: { left: 60, right: 90, top: 30, bottom: 30 },
    parallelAxis: axes,
    visualMap: { type: "continuous", dimension: colourDim, min: lo, max: hi === lo ? lo + 1 : hi, right: 0, top: "middle",
      itemHeight: 200, calculable: false, inRange: { color: ["#2f6fde", "#a6c0f0", "#f5b78a", "#d92d20"] } },
    series: [{ type: "parallel", data: rows, lineStyle: { width: 1, opacity: 0.45 }, progressive: 2000, smooth: false }],
  }, true);
  setPoints(container, rows.length);
}
