// Shared helpers of the dashboard's pages: JSON fetching with errors shown on the page,
// number formatting, and a poller that never overlaps itself.
"use strict";
window.hypatia = window.hypatia || { charts: {} };

async function getJson(url) {
  const res = await fetch(url, { headers: { "Accept": "application/json" } });
  const body = await res.json().catch(() => ({ error: res.status + " " + res.statusText }));
  if (!res.ok) {
    throw new Error(body.error || (res.status + " " + res.statusText));
  }
  return body;
}

function showError(err) {
  const box = document.getElementById("error");
  if (!box) return;
  if (err) {
    box.textContent = String(err.message || err);
    box.hidden = false;
  } else {
    box.hidden = true;
  }
}

function fmt(v) {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

function fmtTime(ms) {
  if (!ms) return "";
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

function stateCell(state) {
  return el("td", { class: "state state-" + state, text: state });
}

// Calls fn now and then every `ms`, waiting for one call to finish before scheduling the next.
function poll(fn, ms) {
  let stopped = false;
  const tick = async () => {
    try {
      await fn();
      showError(null);
      const u = document.getElementById("updated");
      if (u) u.textContent = "updated " + new Date().toLocaleTimeString();
    } catch (e) {
      showError(e);
    }
    if (!stopped) setTimeout(tick, ms);
  };
  tick();
  return () => { stopped = true; };
}

function param(name) {
  return new URLSearchParams(location.search).get(name);
}
