// One study: summary, charts over its complete trials (fetched incrementally by finish time),
// learning curves, the trials table (paged, sorted and filtered on the server) and settings.
// Polls the summary every 2 s and refetches the rest only when its change stamp moves.
"use strict";
const NAME = param("name");
const POLL_MS = 2000;
// The charts get at most about this many complete trials, chosen on the server (every improvement
// of the best, the Pareto front, the extremes of each range of trial numbers): the page costs the
// same for 10,000 trials as for 1,000, and the table is paged on the server.
const CHART_POINTS = 1000;

let rows = []; // the charts' trials: { n, f, v: [objective values], p: [parameter values] }
let study = null, params = [], pareto = new Set(), lastStamp = null, objective = 0, seriesTotal = 0;
const table = { state: "", sort: "number", order: "desc", offset: 0, limit: 50 };

document.getElementById("title").textContent = NAME || "(no study named in the address)";
document.title = "Hypatia — " + NAME;

const API = "/api/studies/" + encodeURIComponent(NAME);
const seriesUrl = () => API + "/series?max=" + CHART_POINTS + "&objective=" + objective;

async function refresh() {
  if (!NAME) throw new Error("name: the address must name a study, e.g. /study.html?name=my-study");
  if (lastStamp === null) {
    // First paint: the summary and one page of the table; then the charts' sample; the learning
    // curves last. Each step shows as soon as its data is there.
    const [summary, page] = await Promise.all([getJson(API), fetchTable()]);
    study = summary;
    lastStamp = study.stamp;
    renderSummary();
    renderTable(page);
    renderSettings();
    const painted = performance.now();
    const series = await getJson(seriesUrl());
    const fetched = performance.now();
    merge(series);
    renderCharts();
    const charted = performance.now();
    renderCurves(await getJson(API + "/curves"));
    // For load-time measurements (DashboardIT, bench/quiet/dashboard.sh): ms after navigation start.
    window.hypatia.timings = { firstPaintMs: Math.round(painted), dataMs: Math.round(fetched), chartsMs: Math.round(charted),
      renderedMs: Math.round(performance.now()), shown: rows.length, total: seriesTotal, charts: window.hypatia.chartTimings };
    return;
  }
  study = await getJson(API);
  if (study.stamp === lastStamp) { renderSummary(); return; }
  lastStamp = study.stamp;
  const [series, curves, page] = await Promise.all([getJson(seriesUrl()), getJson(API + "/curves"), fetchTable()]);
  renderSummary();
  merge(series);
  renderTable(page);
  renderCharts();
  renderCurves(curves);
  renderSettings();
}

function merge(series) {
  params = series.params.map((p) => ({ name: p.name, log: p.log, choices: p.choices }));
  pareto = new Set(series.pareto);
  seriesTotal = series.total;
  rows = series.number.map((n, i) => ({ n, f: series.finished[i], v: series.values.map((col) => col[i]),
    p: series.params.map((p) => p.values[i]) }));
}

function renderSummary() {
  const s = study;
  const box = document.getElementById("summary");
  const chips = [];
  for (const st of ["RUNNING", "WAITING", "PAUSED", "COMPLETE", "PRUNED", "FAILED"]) {
    chips.push(el("span", { class: "state-" + st, "data-state": st, text: st.toLowerCase() + " " + s.counts[st] }));
  }
  let best = "no complete trial yet";
  if (s.paretoSize !== null && s.paretoSize !== undefined) best = s.paretoSize + " trials on the Pareto front";
  else if (s.best) best = "best " + s.best.map(fmt).join(", ") + " (#" + s.bestTrial + ")";
  chips.push(el("span", { text: best }), el("span", { text: "sampler " + s.sampler }), el("span", { text: "scheduler " + s.scheduler }),
    el("span", { text: (s.trialsPerSecond || 0).toFixed(2) + " trials/s" }), el("span", { text: "created " + fmtTime(s.created) }),
    el("span", { text: s.pluginFallbacks + " plugin fallbacks" }));
  box.replaceChildren(...chips);
  box.setAttribute("data-trials", String(s.trials));
  const bar = document.getElementById("objective-bar");
  const select = document.getElementById("objective");
  if (s.objectives.length > 1 && select.options.length === 0) {
    s.objectives.forEach((o, i) => select.append(el("option", { value: String(i), text: o.name + " (" + o.direction.toLowerCase() + ")" })));
    bar.hidden = false;
  }
}

function renderCharts() {
  const marks = {};
  const lap = (name) => { marks[name] = Math.round(performance.now()); };
  lap("start");
  const all = rows;
  const o = study.objectives[objective];
  const better = o.direction === "MAXIMIZE" ? (a, b) => a > b : (a, b) => a < b;
  const bestSoFar = (list) => {
    let best = null;
    return list.map((t) => { const v = t.v[objective]; if (best === null || better(v, best)) best = v; return best; });
  };
  const byNumber = all; // the server answers them in trial-number order
  historyChart(document.getElementById("history"), byNumber.map((t) => t.n), byNumber.map((t) => t.v[objective]),
    bestSoFar(byNumber), { xLabel: "trial", yLabel: o.name });
  const byTime = all.slice().sort((a, b) => a.f - b.f || a.n - b.n);
  historyChart(document.getElementById("history-time"), byTime.map((t) => t.f / 1000), byTime.map((t) => t.v[objective]),
    bestSoFar(byTime), { xLabel: "finished", yLabel: o.name, time: true });
  lap("history");

  parallelChart(document.getElementById("parcoords"), params, study.objectives, byNumber.map((t) => t.p.concat(t.v)),
    params.length + objective);
  lap("parallel");

  const slices = document.getElementById("slices");
  params.forEach((p, i) => {
    let box = document.getElementById("slice-" + i);
    if (!box) {
      box = el("div", { id: "slice-" + i, class: "chart", "data-param": p.name });
      slices.append(box);
    }
    const pts = all.filter((t) => t.p[i] !== null && t.p[i] !== undefined).sort((a, b) => a.p[i] - b.p[i]);
    sliceChart(box, p, pts.map((t) => t.p[i]), pts.map((t) => t.v[objective]), o.name);
  });
  lap("slices");
  window.hypatia.chartTimings = marks;

  if (study.objectives.length >= 2) renderPareto();
  for (const id of ["history", "history-time", "parcoords", ...params.map((_, i) => "slice-" + i)]) {
    document.getElementById(id).setAttribute("data-total", String(seriesTotal));
  }
  document.getElementById("sample-note").textContent = all.length < seriesTotal
    ? "The charts show " + all.length + " of " + seriesTotal + " complete trials: every one that improved the best value, "
      + (study.objectives.length > 1 ? "the Pareto front, " : "") + "and the lowest and highest " + o.name
      + " of each range of trial numbers. The table below has them all." : "";
}

// Two objectives: the front as a staircase over all trials. Three or more: the front is drawn on
// each pair of objectives (a projection), its trials highlighted among all the others.
function renderPareto() {
  document.getElementById("pareto-card").hidden = false;
  const objs = study.objectives;
  const pairs = [];
  for (let i = 0; i < objs.length && pairs.length < 6; i++) for (let j = i + 1; j < objs.length && pairs.length < 6; j++) pairs.push([i, j]);
  const box = document.getElementById("pareto");
  box.setAttribute("data-objectives", String(objs.length));
  box.setAttribute("data-front", String(pareto.size));
  pairs.forEach(([i, j]) => {
    const id = "pareto-" + i + "-" + j;
    let chart = document.getElementById(id);
    if (!chart) {
      chart = el("div", { id, class: "chart", "data-pair": objs[i].name + "," + objs[j].name });
      box.append(chart);
    }
    const pts = rows.slice().sort((a, b) => a.v[i] - b.v[i]);
    paretoChart(chart, pts.map((t) => t.v[i]), pts.map((t) => t.v[j]), pts.map((t) => pareto.has(t.n) ? t.v[j] : null),
      [objs[i].name, objs[j].name], objs.length === 2);
    chart.setAttribute("data-front-points", String(pts.filter((t) => pareto.has(t.n)).length));
  });
  document.getElementById("pareto-note").textContent = objs.length === 2
    ? pareto.size + " non-dominated trials (red), joined as the front's staircase."
    : pareto.size + " trials are non-dominated over all " + objs.length + " objectives (red); each chart is the front seen on"
      + " one pair of objectives, so a red point may lie behind grey ones there.";
}

function renderCurves(data) {
  const card = document.getElementById("curves-card");
  if (data.total === 0) { card.hidden = true; return; }
  card.hidden = false;
  const fidelity = study.fidelity || "step";
  curvesChart(document.getElementById("curves"), data.curves, study.objectives[0].name, fidelity);
  const marks = {};
  data.curves.forEach((c) => c.marks.forEach((m) => { marks[m.decision] = (marks[m.decision] || 0) + 1; }));
  const summary = Object.entries(marks).map(([d, n]) => n + " " + d.toLowerCase()).join(", ");
  document.getElementById("curves-note").textContent = "Showing " + data.curves.length + " of " + data.total
    + " trials that reported (running and paused first, then the latest finished). Marks: scheduler decisions"
    + (summary ? " (" + summary + ")" : "") + "; red = stop, orange = pause, green = promote, purple = PBT clone, grey = lease expired.";
}

// ---------------------------------------------------------------- trials table

async function fetchTable() {
  const q = new URLSearchParams({ sort: table.sort, order: table.order, offset: String(table.offset), limit: String(table.limit) });
  if (table.state) q.set("state", table.state);
  const page = await getJson("/api/studies/" + encodeURIComponent(NAME) + "/trials?" + q);
  if (page.total > 0 && page.offset >= page.total) { // the filter shrank under us: back to the last page
    table.offset = Math.floor((page.total - 1) / table.limit) * table.limit;
    return fetchTable();
  }
  return page;
}

async function loadTable() {
  renderTable(await fetchTable());
}

function renderTable(page) {
  const objectives = study.objectives;
  const names = study.settings.parameters.map((p) => p.name);
  const cols = [["number", "#", true], ["state", "state", false]];
  objectives.forEach((o, i) => cols.push(["value:" + i, o.name, true]));
  names.forEach((n) => cols.push(["param:" + n, n, true]));
  cols.push([null, "last step", true], ["duration", "duration s", true], [null, "worker", false], [null, "reason", false]);
  const head = el("tr", {}, ...cols.map(([key, label, num]) => {
    const th = el("th", { text: label, class: (num ? "num " : "") + (key ? "sortable" : "") + (key === table.sort ? " sorted" + (table.order === "desc" ? " desc" : "") : "") });
    if (key) {
      th.setAttribute("data-sort", key);
      th.addEventListener("click", () => {
        table.order = table.sort === key && table.order === "asc" ? "desc" : "asc";
        table.sort = key;
        table.offset = 0;
        loadTable().catch(showError);
      });
    }
    return th;
  }));
  document.querySelector("#trials thead").replaceChildren(head);
  document.querySelector("#trials tbody").replaceChildren(...page.trials.map((t) => el("tr", { "data-number": String(t.number), "data-state": t.state },
    el("td", { class: "num", text: String(t.number) }), stateCell(t.state),
    ...objectives.map((_, i) => el("td", { class: "num", text: fmt(t.values[i]) })),
    ...names.map((n) => el("td", { class: "num", text: fmt(t.params[n]) })),
    el("td", { class: "num", text: fmt(t.lastStep) }), el("td", { class: "num", text: fmt(t.duration) }),
    el("td", { text: t.worker }), el("td", { text: t.reason }))));
  const from = page.total === 0 ? 0 : page.offset + 1;
  const to = page.offset + page.trials.length;
  const info = document.getElementById("page-info");
  info.textContent = from + "–" + to + " of " + page.total;
  info.setAttribute("data-total", String(page.total));
  document.getElementById("prev-page").disabled = page.offset === 0;
  document.getElementById("next-page").disabled = to >= page.total;
  document.getElementById("csv").href = "/api/studies/" + encodeURIComponent(NAME) + "/trials.csv" + (table.state ? "?state=" + table.state : "");
}

document.getElementById("state-filter").addEventListener("change", (e) => {
  table.state = e.target.value; table.offset = 0; loadTable().catch(showError);
});
document.getElementById("page-size").addEventListener("change", (e) => {
  table.limit = Number(e.target.value); table.offset = 0; loadTable().catch(showError);
});
document.getElementById("prev-page").addEventListener("click", () => {
  table.offset = Math.max(0, table.offset - table.limit); loadTable().catch(showError);
});
document.getElementById("next-page").addEventListener("click", () => {
  table.offset += table.limit; loadTable().catch(showError);
});
document.getElementById("objective").addEventListener("change", (e) => {
  objective = Number(e.target.value); // the sample keeps this objective's extremes: ask for it again
  getJson(seriesUrl()).then((series) => { merge(series); renderCharts(); }).catch(showError);
});

// ---------------------------------------------------------------- settings

function renderSettings() {
  const s = study.settings;
  const plugin = (p) => p.name + (p.versionRange ? " " + p.versionRange : "")
    + (Object.keys(p.config).length ? "  " + Object.entries(p.config).map(([k, v]) => k + "=" + v).join(", ") : "");
  const rows = [
    ["objectives", study.objectives.map((o) => o.name + " (" + o.direction.toLowerCase() + ")").join(", ")],
    ["sampler", plugin(s.sampler) + "  — loaded: " + study.sampler],
    ["scheduler", plugin(s.scheduler) + "  — loaded: " + study.scheduler],
    ["fidelity", s.fidelity ? s.fidelity.name + " " + fmt(s.fidelity.min) + " … " + fmt(s.fidelity.max) : "none"],
    ["lease", fmt(s.leaseSeconds) + " s, then " + s.onLeaseExpired + " (max attempts " + s.maxAttempts + ")"],
    ["plugin time limits", "sampler " + fmt(s.samplerTimeoutSeconds) + " s, scheduler " + fmt(s.schedulerTimeoutSeconds) + " s"],
    ["plugin fallbacks", study.pluginFallbacks + " calls replaced by random sampling / CONTINUE since the service started"],
    ...s.parameters.map((p) => ["parameter " + p.name, p.type + " " + p.domain]),
  ];
  document.getElementById("settings").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
}

poll(refresh, POLL_MS);
