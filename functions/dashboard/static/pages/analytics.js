// @ts-check
// Analytics: per-variant comparison (stats and equity history) and the
// overall and advanced per-model statistics tables, for one variant or all.
//
// RPC: analytics.getRunInfo, analytics.getModelStats (overall, advanced),
// variants.getVariantStats, variants.getVariantHistory.
// SSE: workflow and portfolio (refetch).
import { html, render, color } from "../html.js";
import * as f from "../format.js";
import { createLineChart } from "../chart.js";
import { AGGREGATE } from "../store.js";
import { resource, errorBox, seg, variantSelect, bindControls, variantBadge, modelChip, list } from "../ui.js";

const WINDOWS = [["24h", "24h"], ["7d", "7d"], ["30d", "30d"]];

const money = (v) => html`<span class="${f.pnlClass(v)}">${f.usd(v, { sign: true })}</span>`;
const ratio = (v) => (typeof v === "string" && !f.ok(v) ? v : f.fixed(v, 2));
const pctU = (v) => f.pct(v, { sign: false, dp: 1 });

// Columns of the reference's OverallStats and AdvancedStats; any other
// numeric field the API adds is appended with a label made from its name.
const OVERALL = [
  ["accountValue", "Account value", (v) => f.usd(v)],
  ["returnPercent", "Return", (v) => html`<span class="${f.pnlClass(v)}">${f.pct(v)}</span>`],
  ["totalPnl", "Total PnL", money],
  ["winRate", "Win rate", pctU],
  ["biggestWin", "Biggest win", money],
  ["biggestLoss", "Biggest loss", money],
  ["sharpeRatio", "Sharpe", ratio],
  ["tradesCount", "Trades", f.int],
];
const ADVANCED = [
  ["accountValue", "Account value", (v) => f.usd(v)],
  ["avgTradeSize", "Avg size", (v) => f.usd(v, { dp: 0 })],
  ["medianTradeSize", "Median size", (v) => f.usd(v, { dp: 0 })],
  ["maxTradeSize", "Max size", (v) => f.usd(v, { dp: 0 })],
  ["avgHoldTimeMinutes", "Avg hold", f.minutes],
  ["medianHoldTimeMinutes", "Median hold", f.minutes],
  ["maxHoldTimeMinutes", "Max hold", f.minutes],
  ["longPercent", "Long", pctU],
  ["expectancy", "Expectancy", money],
  ["avgLeverage", "Avg lev", (v) => f.fixed(v, 1) + "x"],
  ["medianLeverage", "Median lev", (v) => f.fixed(v, 1) + "x"],
  ["maxLeverage", "Max lev", (v) => f.fixed(v, 1) + "x"],
  ["avgConfidence", "Avg conf", (v) => f.fixed(v, 0)],
  ["medianConfidence", "Median conf", (v) => f.fixed(v, 0)],
  ["maxConfidence", "Max conf", (v) => f.fixed(v, 0)],
  ["failedWorkflowCount", "Failed runs", f.int],
  ["failedToolCallCount", "Failed tools", f.int],
  ["invocationCount", "Invocations", f.int],
  ["failureRate", "Failure rate", pctU],
];
const ID_KEYS = new Set(["modelId", "modelName", "variant", "kind", "model"]);

export function humanize(key) {
  const s = String(key).replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z])([A-Z][a-z])/g, "$1 $2").replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

// columns returns the known columns present in rows plus any extra fields
// holding numbers (or the "N/A"/"Infinity" strings the reference uses).
export function columns(known, rows) {
  const present = (k) => rows.some((r) => r && r[k] !== undefined && r[k] !== null);
  const cols = known.filter(([k]) => present(k));
  const seen = new Set(known.map(([k]) => k));
  for (const r of rows) {
    for (const [k, v] of Object.entries(r || {})) {
      if (seen.has(k) || ID_KEYS.has(k)) continue;
      if (typeof v === "number" || (typeof v === "string" && (f.ok(v) || v === "N/A" || v === "Infinity"))) {
        seen.add(k);
        cols.push([k, humanize(k), ratio]);
      }
    }
  }
  return cols;
}

function sortRows(rows, key, dir) {
  if (!key) return rows;
  return [...rows].sort((a, b) => {
    const x = f.num(a[key]), y = f.num(b[key]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Number.isFinite(x) ? -1 : Number.isFinite(y) ? 1 : 0;
    return dir * (x - y);
  });
}

export default function analytics(root, { rpc, live, store, navigate }, query) {
  const norm = (q) => ({ variant: q.variant || "all", window: WINDOWS.some(([w]) => w === q.window) ? q.window : "7d" });
  let q = norm(query);
  /** @type {{overall: any[], advanced: any[], stats: any[], history: any, runStart: any, err: Record<string, any>, sort: Record<string, [string, number]>}} */
  const st = { overall: [], advanced: [], stats: [], history: null, runStart: null, err: {}, sort: { overall: ["accountValue", -1], advanced: ["accountValue", -1] } };

  render(root, html`<div class="analytics">
    <section class="panel page-panel">
      <div class="panel-head wrap"><h1>Analytics</h1><div class="controls" id="an-controls"></div></div>
      <div id="run-info" class="muted run-info" data-testid="run-info"></div>
    </section>
    <div class="grid-2">
      <section class="panel"><div class="panel-head"><h2>Variants</h2></div><div id="variant-stats" data-testid="variant-stats"></div></section>
      <section class="panel"><div class="panel-head"><h2>Variant equity (mean per account)</h2><div id="an-window"></div></div><div id="vh-error"></div><div id="variant-history" class="equity-chart short" data-testid="variant-history-chart"></div></section>
    </div>
    <section class="panel"><div class="panel-head"><h2>Overall</h2></div><div id="overall"></div></section>
    <section class="panel"><div class="panel-head"><h2>Advanced</h2></div><div id="advanced"></div></section>
  </div>`);
  const $ = (id) => root.querySelector("#" + id);
  const chart = createLineChart($("variant-history"), { yFormat: (v) => f.usd(v, { dp: 0 }), baseline: 10000, empty: "No variant history yet" });

  const stats = (mode) =>
    resource((signal) => rpc("analytics/getModelStats", { mode, variant: q.variant }, { signal }), {
      onData(out) {
        st[mode] = (list(out, mode) || []).filter(Boolean);
        for (const r of st[mode]) store.learn(r.modelId, { name: r.modelName, variant: r.variant });
        drawTable(mode);
      },
      onError(err) {
        st.err[mode] = err;
        drawTable(mode);
      },
    });
  const overall = stats("overall");
  const advanced = stats("advanced");
  const variantStats = resource((signal) => rpc("variants/getVariantStats", {}, { signal }), {
    onData(out) {
      st.stats = (list(out, "stats") || []).filter(Boolean);
      drawVariantStats();
    },
    onError(err) {
      st.err.stats = err;
      drawVariantStats();
    },
  });
  const variantHistory = resource((signal) => rpc("variants/getVariantHistory", { window: q.window }, { signal }), {
    onData(out) {
      st.history = out || {};
      drawHistory();
    },
    onError(err) {
      st.err.history = err;
      render($("vh-error"), errorBox(err, "variant history"));
    },
  });
  const runInfo = resource((signal) => rpc("analytics/getRunInfo", {}, { signal }), {
    onData(out) {
      st.runStart = out?.runStartTime ?? null;
      drawRunInfo();
    },
  });
  const all = [overall, advanced, variantStats, variantHistory, runInfo];

  function drawControls() {
    render($("an-controls"), variantSelect(store, q.variant, "analytics-variant", "Variant"));
    render($("an-window"), seg("window", WINDOWS, q.window, "analytics-window"));
  }

  function drawRunInfo() {
    const d = f.toDate(st.runStart);
    render($("run-info"), d ? html`Run started <b>${f.dateTime(d)}</b> (${f.duration(Date.now() - d.getTime())} ago)` : html`Run not started yet.`);
  }

  function drawVariantStats() {
    const rows = st.stats.filter((s) => q.variant === "all" || s.variantId === q.variant);
    render($("variant-stats"), html`${errorBox(st.err.stats, "variant stats")}<div class="vcards">${rows.map((s) => {
      const v = store.variant(s.variantId);
      return html`<div class="vcard" style="--c:${color(s.color, v.color)}" data-testid="variant-card" data-variant="${s.variantId}">
        <div class="vcard-head"><b>${s.label || v.label}</b></div>
        <div class="vcard-pnl ${f.pnlClass(s.totalPnl)}">${f.usd(s.totalPnl, { sign: true })}</div>
        <dl class="kv small"><dt>Trades</dt><dd>${f.int(s.totalTrades)}</dd><dt>Win rate</dt><dd>${f.pct(s.winRate, { sign: false, dp: 1 })}</dd><dt>Avg PnL</dt><dd class="${f.pnlClass(s.avgPnl)}">${f.usd(s.avgPnl, { sign: true })}</dd><dt>Models</dt><dd>${f.int(s.modelCount)}</dd></dl>
      </div>`;
    })}</div>${!rows.length && !st.err.stats ? html`<div class="empty">No variant statistics yet.</div>` : ""}`);
  }

  function drawHistory() {
    render($("vh-error"), errorBox(st.err.history, "variant history"));
    const h = st.history || {};
    const pts = (arr) => (Array.isArray(arr) ? arr : []).map((p) => [f.ms(p?.timestamp), f.num(p?.value)]).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)).sort((a, b) => a[0] - b[0]);
    /** @type {import("../chart.js").Series[]} */
    const series = (list(h, "variants") || [])
      .filter((v) => v && (q.variant === "all" || v.variantId === q.variant))
      .map((v) => ({ key: v.variantId, label: v.variantId, color: color(v.color, store.variant(v.variantId).color), points: pts(v.history) }));
    if (q.variant === "all") series.push({ key: "all", label: "Aggregate", color: AGGREGATE.color, dashed: true, points: pts(h.aggregate) });
    chart.setSeries(series);
  }

  function drawTable(mode) {
    const known = mode === "overall" ? OVERALL : ADVANCED;
    const rows = st[mode].filter((r) => store.shows(r.modelName) && (q.variant === "all" || !r.variant || r.variant === q.variant || r.variant === "baseline" || r.kind === "baseline"));
    const cols = columns(known, rows);
    const [sk, sd] = st.sort[mode];
    const sorted = sortRows(rows, sk, sd);
    render($(mode), html`${errorBox(st.err[mode], mode + " statistics")}<div class="table-wrap"><table class="table" data-testid="${mode + "-stats-table"}">
      <thead><tr><th>Model</th><th>Variant</th>${cols.map(([k, label]) => html`<th class="r sortable ${sk === k ? "sorted" : ""}" data-sort-table="${mode}" data-sort-key="${k}">${label}${sk === k ? (sd < 0 ? " ↓" : " ↑") : ""}</th>`)}</tr></thead>
      <tbody>${sorted.map((r) => html`<tr data-testid="${mode + "-row"}" data-model-id="${r.modelId}"><td>${modelChip(store, r.modelName, r.modelId)}</td><td>${variantBadge(store, r.variant)}</td>${cols.map(
        ([k, , fmt]) => html`<td class="r num">${r[k] === undefined || r[k] === null ? f.DASH : fmt(r[k])}</td>`,
      )}</tr>`)}</tbody></table>
      ${!sorted.length && !st.err[mode] ? html`<div class="empty">No statistics yet.</div>` : ""}</div>`);
  }

  function drawAll() {
    drawControls();
    drawRunInfo();
    drawVariantStats();
    drawHistory();
    drawTable("overall");
    drawTable("advanced");
  }

  const onSort = (e) => {
    const th = e.target.closest("[data-sort-table]");
    if (!th) return;
    const mode = th.dataset.sortTable, key = th.dataset.sortKey;
    const [k, d] = st.sort[mode];
    st.sort[mode] = [key, k === key ? -d : -1];
    drawTable(mode);
  };
  root.addEventListener("click", onSort);
  const offControls = bindControls(root, navigate);
  const offStore = store.on(drawAll);
  const refetch = (ev) => all.forEach((r) => (ev.kind === "reset" || ev.kind === "resync" ? r.load() : ev.kind === "data" && r.schedule(2000)));
  const subs = [live.subscribe("workflow", refetch), live.subscribe("portfolio", refetch)];

  drawAll();
  all.forEach((r) => r.load());

  return {
    update(next) {
      const prev = q;
      q = norm(next);
      if (prev.variant !== q.variant) {
        overall.load();
        advanced.load();
      }
      if (prev.window !== q.window) variantHistory.load();
      drawAll();
    },
    destroy() {
      subs.forEach((off) => off());
      offStore();
      offControls();
      root.removeEventListener("click", onSort);
      chart.destroy();
      all.forEach((r) => r.destroy());
    },
  };
}
