// The studies list: every study with its state counts, best value(s), plugins, age and rate.
"use strict";
const STATES = ["WAITING", "RUNNING", "PAUSED", "COMPLETE", "PRUNED", "FAILED"];

async function refresh() {
  const q = document.getElementById("filter").value;
  const studies = await getJson("/api/studies" + (q ? "?q=" + encodeURIComponent(q) : ""));
  const body = document.querySelector("#studies tbody");
  body.replaceChildren(...studies.map(row));
  document.getElementById("empty").hidden = studies.length > 0 || q !== "";
  document.getElementById("studies").setAttribute("data-rows", String(studies.length));
}

function row(s) {
  const link = el("a", { href: "/study.html?name=" + encodeURIComponent(s.name), text: s.name });
  const chips = el("span", { class: "chips" });
  for (const st of STATES) {
    if (s.counts[st] > 0) chips.append(el("span", { class: "state-" + st, text: st.toLowerCase() + " " + s.counts[st] }));
  }
  let best = "";
  if (s.paretoSize !== null && s.paretoSize !== undefined) best = s.paretoSize + " on the Pareto front";
  else if (s.best) best = s.best.map(fmt).join(", ") + "  (#" + s.bestTrial + ")";
  const tr = el("tr", { "data-study": s.name },
    el("td", {}, link),
    el("td", { class: "num", text: String(s.trials) }),
    el("td", {}, chips),
    el("td", { text: best }),
    el("td", { text: s.sampler }),
    el("td", { text: s.scheduler }),
    el("td", { text: fmtTime(s.created) }),
    el("td", { class: "num", text: s.trialsPerSecond ? s.trialsPerSecond.toFixed(2) : "0" }),
    el("td", { class: "num", text: String(s.pluginFallbacks) }));
  return tr;
}

let timer = null;
document.getElementById("filter").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => refresh().catch(showError), 200);
});
poll(refresh, 3000);
