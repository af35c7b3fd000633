// Leaderboard: PnL over a window (24h/7d/30d) within a competition (one
// variant, or all), sorted by PnL %, PnL $ or drawdown, with an option to
// average each model over its variants, baselines marked, optional extra
// metrics shown when the API supplies them, and CSV export.
//
// RPC: analytics.getLeaderboard. SSE: portfolio and workflow (refetch).
import { html, render } from "../html.js";
import * as f from "../format.js";
import { resource, errorBox, seg, variantSelect, bindControls, variantBadge, modelChip, money, percent, list } from "../ui.js";

const WINDOWS = [["24h", "24h"], ["7d", "7d"], ["30d", "30d"]];
const SORTS = [["pnlPercent", "PnL %"], ["pnlAbsolute", "PnL $"], ["maxDrawdown", "Drawdown"]];

// Extra columns beyond the reference, shown when any entry has them.
const EXTRAS = [
  ["sharpe", "Sharpe", (v) => f.fixed(v, 2)],
  ["sortino", "Sortino", (v) => f.fixed(v, 2)],
  ["profitFactor", "Profit factor", (v) => f.fixed(v, 2)],
  ["feesPaid", "Fees", (v) => f.usd(v)],
  ["fundingPaid", "Funding", (v) => f.usd(v, { sign: true })],
  ["llmCostUsd", "LLM cost", (v) => f.usd(v)],
  ["totalTokens", "Tokens", (v) => f.tokens(v)],
  ["costPerDecision", "Cost / decision", (v) => f.usd(v, { dp: 4 })],
  ["pnlNetOfCost", "PnL net of cost", (v) => html`<span class="${f.pnlClass(v)}">${f.usd(v, { sign: true })}</span>`],
  ["failureRate", "Failure rate", (v) => f.pct(v, { sign: false, dp: 1 })],
];

function normalize(q) {
  return {
    variant: q.variant || "all",
    window: WINDOWS.some(([w]) => w === q.window) ? q.window : "7d",
    sort: SORTS.some(([s]) => s === q.sort) ? q.sort : "pnlPercent",
    avg: q.avg === "1" ? "1" : "0",
  };
}

// rank orders entries for display: PnL descending, drawdown ascending
// (the smallest drawdown is the best; the reference ranked the worst first).
export function rank(entries, sort) {
  const key = (e) => f.num(e[sort]);
  const dir = sort === "maxDrawdown" ? 1 : -1;
  return [...entries].sort((a, b) => {
    const x = key(a), y = key(b);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Number.isFinite(x) ? -1 : Number.isFinite(y) ? 1 : 0;
    return dir * (x - y) || String(a.modelName).localeCompare(String(b.modelName));
  });
}

// averageByModel merges each model's variant accounts into one row holding
// the mean of every numeric field.
export function averageByModel(entries) {
  const groups = new Map();
  for (const e of entries) {
    const k = `${e.kind || ""}\u0000${e.modelName}`;
    groups.set(k, [...(groups.get(k) || []), e]);
  }
  return [...groups.values()].map((g) => {
    const out = { modelId: g[0].modelId, modelName: g[0].modelName, kind: g[0].kind, variant: "", accounts: g.length };
    const keys = new Set(g.flatMap((e) => Object.keys(e)));
    for (const k of keys) {
      const vals = g.map((e) => f.num(e[k])).filter(Number.isFinite);
      if (vals.length && !["modelId", "modelName", "variant", "kind"].includes(k)) out[k] = vals.reduce((a, b) => a + b, 0) / vals.length;
    }
    return out;
  });
}

function csvCell(v) {
  let s = String(v ?? "");
  // Spreadsheets run cells starting with = + - @ as formulas; only plain
  // numbers may start that way.
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(rows, extras) {
  const cols = ["rank", "modelName", "variant", "kind", "pnlPercent", "pnlAbsolute", "maxDrawdown", "startValue", "endValue", ...extras.map(([k]) => k)];
  const lines = [cols.join(",")];
  rows.forEach((r, i) => lines.push(cols.map((c) => csvCell(c === "rank" ? i + 1 : r[c])).join(",")));
  return lines.join("\r\n") + "\r\n";
}

export default function leaderboard(root, { rpc, live, store, navigate }, query) {
  let q = normalize(query);
  let entries = [];
  let err = null;
  let win = q.window;

  const board = resource((signal) => rpc("analytics/getLeaderboard", { window: q.window, sortBy: q.sort, variant: q.variant }, { signal }), {
    onData(out) {
      entries = (list(out, "entries") || []).filter(Boolean);
      win = out?.window || q.window;
      for (const e of entries) store.learn(e.modelId, { name: e.modelName, variant: e.variant, kind: e.kind });
      draw();
    },
    onError(e) {
      err = e;
      draw();
    },
  });

  function rows() {
    let r = entries.filter((e) => store.shows(e.modelName));
    if (q.avg === "1") r = averageByModel(r);
    // Seats that cannot run go last: their flat PnL is not a result.
    const ranked = rank(r, q.sort);
    return [...ranked.filter((e) => !store.cannotRun(e.modelId)), ...ranked.filter((e) => store.cannotRun(e.modelId))];
  }

  // noKeyNote says which seats cannot run and how to enable them.
  function noKeyNote(r) {
    const idle = r.filter((e) => store.cannotRun(e.modelId));
    if (!idle.length) return "";
    const hints = [...new Set(idle.map((e) => store.cannotRun(e.modelId)))];
    return html`<p class="note warn" data-testid="leaderboard-nokey">${idle.length} of these seats are not running (their PnL stays flat): ${hints.join("; ")}. \`worker models\` lists every seat's status.</p>`;
  }

  function ddClass(v) {
    const n = f.num(v);
    return n > 20 ? "neg" : n > 10 ? "warn" : "";
  }

  function drawControls() {
    render(root.querySelector("#lb-controls"), html`
      ${variantSelect(store, q.variant, "leaderboard-variant")}
      ${seg("window", WINDOWS, q.window, "leaderboard-window")}
      ${seg("sort", SORTS, q.sort, "leaderboard-sort")}
      <label class="check"><input type="checkbox" data-testid="leaderboard-average" ${q.avg === "1" ? html`checked` : ""}> Average variants</label>
      <button type="button" class="btn" data-action="export" data-testid="leaderboard-export">Export CSV</button>`);
  }

  function draw() {
    const r = rows();
    const extras = EXTRAS.filter(([k]) => r.some((e) => e[k] !== undefined && e[k] !== null));
    const maxAbs = Math.max(1e-9, ...r.map((e) => Math.abs(f.num(e.pnlPercent)) || 0));
    const sortHead = (key, label) => html`<th class="r sortable ${q.sort === key ? "sorted" : ""}" data-set="sort" data-value="${key}" title="Sort by ${label}">${label}${q.sort === key ? (key === "maxDrawdown" ? " ↑" : " ↓") : ""}</th>`;
    render(root.querySelector("#lb-body"), html`${errorBox(err, "the leaderboard")}
      <div class="table-wrap">
      <table class="table" data-testid="leaderboard-table">
        <thead><tr><th class="r">#</th><th>Model</th><th>${q.avg === "1" ? "Accounts" : "Variant"}</th>${sortHead("pnlPercent", "PnL %")}<th></th>${sortHead("pnlAbsolute", "PnL $")}${sortHead("maxDrawdown", "Max DD")}<th class="r">Start</th><th class="r">End</th>${extras.map(([, label]) => html`<th class="r">${label}</th>`)}</tr></thead>
        <tbody>${r.map((e, i) => {
          const p = f.num(e.pnlPercent);
          const w = Number.isFinite(p) ? Math.round((Math.abs(p) / maxAbs) * 100) : 0;
          return html`<tr data-testid="leaderboard-row" data-model-id="${e.modelId}" data-kind="${e.kind || "model"}" class="${e.kind === "baseline" ? "baseline" : ""}">
            <td class="r muted num">${i + 1}</td>
            <td>${modelChip(store, e.modelName, e.modelId)}</td>
            <td>${q.avg === "1" ? html`<span class="muted">${e.accounts}</span>` : variantBadge(store, e.variant)}</td>
            <td class="r num">${store.cannotRun(e.modelId) ? html`<span class="muted" data-testid="nokey-pnl">not running</span>` : percent(e.pnlPercent)}</td>
            <td class="barcell"><span class="bar-track"><span class="bar ${p < 0 ? "bar-neg" : "bar-pos"}" style="width:${w}%"></span></span></td>
            <td class="r num">${money(e.pnlAbsolute)}</td>
            <td class="r num ${ddClass(e.maxDrawdown)}">${f.pct(e.maxDrawdown, { sign: false })}</td>
            <td class="r num muted">${f.usd(e.startValue)}</td>
            <td class="r num">${f.usd(e.endValue)}</td>
            ${extras.map(([k, , fmt]) => html`<td class="r num">${e[k] === undefined || e[k] === null ? f.DASH : fmt(e[k])}</td>`)}
          </tr>`;
        })}</tbody>
      </table>
      ${!r.length && !err ? html`<div class="empty">No accounts in this competition yet.</div>` : ""}
      </div>
      ${noKeyNote(r)}
      <p class="note muted">Window ${win}. PnL runs from the first to the last equity snapshot in the window; max drawdown is the largest peak-to-trough fall, and the smallest ranks first.</p>`);
  }

  const onClick = (e) => {
    if (e.target.closest("[data-action=export]")) {
      const r = rows();
      const extras = EXTRAS.filter(([k]) => r.some((x) => x[k] !== undefined && x[k] !== null));
      const blob = new Blob([toCSV(r, extras)], { type: "text/csv" });
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `leaderboard-${q.variant}-${q.window}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }
  };
  const onChange = (e) => {
    if (e.target.matches("[data-testid=leaderboard-average]")) navigate({ avg: e.target.checked ? "1" : "0" });
  };
  root.addEventListener("click", onClick);
  root.addEventListener("change", onChange);
  const offControls = bindControls(root, navigate);
  // portfolio and workflow events are signals; their snapshots carry nothing
  // the initial fetch lacks.
  const refetch = (ev) => (ev.kind === "reset" || ev.kind === "resync" ? board.load() : ev.kind === "data" && board.schedule(1500));
  const subs = [live.subscribe("portfolio", refetch), live.subscribe("workflow", refetch)];
  const offStore = store.on(() => {
    drawControls();
    draw();
  });
  render(root, html`<section class="panel page-panel">
    <div class="panel-head wrap"><h1>Leaderboard</h1><div class="controls" id="lb-controls"></div></div>
    <div id="lb-body"></div>
  </section>`);
  drawControls();
  draw();
  board.load();

  return {
    update(next) {
      const prev = q;
      q = normalize(next);
      if (prev.variant !== q.variant || prev.window !== q.window || prev.sort !== q.sort) board.load();
      drawControls();
      draw();
    },
    destroy() {
      subs.forEach((off) => off());
      offStore();
      offControls();
      root.removeEventListener("click", onClick);
      root.removeEventListener("change", onChange);
      board.destroy();
    },
  };
}
