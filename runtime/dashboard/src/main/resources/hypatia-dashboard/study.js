// One study: summary, charts over its complete trials (fetched incrementally by finish time),
// learning curves, the trials table (paged, sorted and filtered on the server) and settings.
// Polls the summary every 2 s and refetches the rest only when its change stamp moves.
"use strict";
const NAME = param("name");
const POLL_MS = 2000;
const OVERLAP_MS = 10000; // re-ask this far back so a trial finishing during a poll is never missed

const trials = new Map(); // trial number -> { n, f, v: [objective values], p: [parameter values] }
let study = null, params = [], pareto = new Set(), nextSince = 0, lastStamp = null, objective = 0;
const table = { state: "", sort: "number", order: "desc", offset: 0, limit: 50 };

document.getElementById("title").textContent = NAME || "(no study named in the address)";
document.title = "Hypatia — " + NAME;

async function refresh() {
  if (!NAME) throw new Error("name: the address must name a study, e.g. /study.html?name=my-study");
  study = await getJson("/api/studies/" + encodeURIComponent(NAME));
  renderSummary();
  if (study.stamp === lastStamp) return;
  lastStamp = study.stamp;
  const since = nextSince > 0 ? Math.max(0, nextSince - OVERLAP_MS) : 0;
  const [series, curves] = await Promise.all([
    getJson("/api/studies/" + encodeURIComponent(NAME) + "/series?since=" + since),
    getJson("/api/studies/" + encodeURIComponent(NAME) + "/curves"),
    loadTable(),
  ]);
  merge(series);
  renderCharts();
  renderCurves(curves);
  renderSettings();
}

function merge(series) {
  nextSince = series.next;
  params = series.params.map((p) => ({ name: p.name, log: p.log, choices: p.choices }));
  pareto = new Set(series.pareto);
  series.number.forEach((n, i) => {
    trials.set(n, { n, f: series.finished[i], v: series.values.map((col) => col[i]), p: series.params.map((p) => p.values[i]) });
  });
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
  const all = [...trials.values()];
  const o = study.objectives[objective];
  const better = o.direction === "MAXIMIZE" ? (a, b) => a > b : (a, b) => a < b;
  const bestSoFar = (rows) => {
    let best = null;
    return rows.map((t) => { const v = t.v[objective]; if (best === null || better(v, best)) best = v; return best; });
  };
  const byNumber = all.slice().sort((a, b) => a.n - b.n);
  historyChart(document.getElementById("history"), byNumber.map((t) => t.n), byNumber.map((t) => t.v[objective]),
    bestSoFar(byNumber), { xLabel: "trial", yLabel: o.name });
  const byTime = all.slice().sort((a, b) => a.f - b.f || a.n - b.n);
  historyChart(document.getElementById("history-time"), byTime.map((t) => t.f / 1000), byTime.map((t) => t.v[objective]),
    bestSoFar(byTime), { xLabel: "finished", yLabel: o.name, time: true });

  parallelChart(document.getElementById("parcoords"), params, study.objectives, byNumber.map((t) => t.p.concat(t.v)),
    params.length + objective);

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

  if (study.objectives.length >= 2) {
    document.getElementById("pareto-card").hidden = false;
    const pts = all.slice().sort((a, b) => a.v[0] - b.v[0]);
    paretoChart(document.getElementById("pareto"), pts.map((t) => t.v[0]), pts.map((t) => t.v[1]),
      pts.map((t) => pareto.has(t.n) ? t.v[1] : null), [study.objectives[0].name, study.objectives[1].name]);
  }
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
    + (summary ? " (" + summary + ")" : "") + "; red = stop, orange = pause, green = promote, purple = PBT clone.";
}

// ---------------------------------------------------------------- trials table

async function loadTable() {
  const q = new URLSearchParams({ sort: table.sort, order: table.order, offset: String(table.offset), limit: String(table.limit) });
  if (table.state) q.set("state", table.state);
  const page = await getJson("/api/studies/" + encodeURIComponent(NAME) + "/trials?" + q);
  if (page.total > 0 && page.offset >= page.total) { // the filter shrank under us: back to the last page
    table.offset = Math.floor((page.total - 1) / table.limit) * table.limit;
    return loadTable();
  }
  renderTable(page);
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
  objective = Number(e.target.value); renderCharts();
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
