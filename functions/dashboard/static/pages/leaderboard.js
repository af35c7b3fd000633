// @ts-check
// Leaderboard: PnL over a window (24h/7d/30d) within a competition (one
// variant, or all), sorted by PnL %, PnL $, drawdown, net PnL % or Sharpe,
// with an option to average each model over its variants, baselines marked,
// optional extra metrics shown when the API supplies them, and CSV export.
// Each figure with an interval shows it as a whisker; ranking can use the
// pessimistic end of the intervals; immature entrants (below the minimum
// record) are greyed out, listed after the others and never headline.
//
// RPC: analytics.getLeaderboard. SSE: portfolio and workflow (refetch).
import { html, render } from "../html.js";
import * as f from "../format.js";
import { resource, errorBox, seg, variantSelect, bindControls, variantBadge, modelChip, money, percent, list } from "../ui.js";
import { domain, whisker, pessimistic } from "../interval.js";

const WINDOWS = [["24h", "24h"], ["7d", "7d"], ["30d", "30d"]];
const SORTS = [["pnlPercent", "PnL %"], ["pnlAbsolute", "PnL $"], ["maxDrawdown", "Drawdown"], ["pnlNetPercent", "Net %"], ["sharpe", "Sharpe"]];

// Extra columns beyond the reference, shown when any entry has them.
/** @type {Array<[string, string, (v: any) => unknown]>} */
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
  ["pnlNetPercent", "Net PnL %", (v) => html`<span class="${f.pnlClass(v)}">${f.pct(v)}</span>`],
  ["failureRate", "Failure rate", (v) => f.pct(v, { sign: false, dp: 1 })],
];

function normalize(q) {
  return {
    variant: q.variant || "all",
    window: WINDOWS.some(([w]) => w === q.window) ? q.window : "7d",
    sort: SORTS.some(([s]) => s === q.sort) ? q.sort : "pnlPercent",
    avg: q.avg === "1" ? "1" : "0",
    lower: q.lower === "1" ? "1" : "0",
    season: q.season || "live",
  };
}

// Figures drawn with their interval: the column's key, the digits of its
// whisker's title and its unit.
const INTERVALS = { pnlPercent: [2, "%"], maxDrawdown: [2, "%"], pnlNetPercent: [2, "%"], sharpe: [2, ""], sortino: [2, ""] };

// rank orders entries for display: ranked (mature) entrants before
// immature ones, then PnL descending, drawdown ascending (the smallest
// drawdown is the best; the reference ranked the worst first); with lower,
// by the pessimistic end of each figure's interval instead.
export function rank(entries, sort, lower = false) {
  const key = lower ? (e) => pessimistic(e, sort) : (e) => (sort === "maxDrawdown" ? -f.num(e[sort]) : f.num(e[sort]));
  return [...entries].sort((a, b) => {
    if (!!a.immature !== !!b.immature) return a.immature ? 1 : -1;
    const x = key(a), y = key(b);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Number.isFinite(x) ? -1 : Number.isFinite(y) ? 1 : 0;
    return y - x || String(a.modelName).localeCompare(String(b.modelName));
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
      if (vals.length && !["modelId", "modelName", "variant", "kind", "immature"].includes(k)) out[k] = vals.reduce((a, b) => a + b, 0) / vals.length;
    }
    out.immature = g.every((e) => e.immature); // intervals do not average: an averaged row has none
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
  let method = null; // how the intervals were computed (the answer's "intervals")

  const input = () => ({ window: q.window, sortBy: q.sort, variant: q.variant, ...(q.lower === "1" ? { rankBy: "lowerBound" } : {}), ...(q.season !== "live" ? { seasonId: q.season } : {}) });
  const board = resource((signal) => rpc("analytics/getLeaderboard", input(), { signal }), {
    onData(out) {
      entries = (list(out, "entries") || []).filter(Boolean);
      win = out?.window || q.window;
      method = out?.intervals && typeof out.intervals === "object" ? out.intervals : null;
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
    const ranked = rank(r, q.sort, q.lower === "1");
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
      ${q.season !== "live" ? html`<span class="muted" data-testid="leaderboard-season">Season ${q.season}</span>` : ""}
      ${variantSelect(store, q.variant, "leaderboard-variant")}
      ${q.season === "live" ? seg("window", WINDOWS, q.window, "leaderboard-window") : ""}
      ${seg("sort", SORTS, q.sort, "leaderboard-sort")}
      <label class="check" title="Rank by the pessimistic end of each figure's 95% interval (the upper end for drawdown)"><input type="checkbox" data-testid="leaderboard-lower" ${q.lower === "1" ? html`checked` : ""}> Rank by lower bound</label>
      <label class="check"><input type="checkbox" data-testid="leaderboard-average" ${q.avg === "1" ? html`checked` : ""}> Average variants</label>
      <button type="button" class="btn" data-action="export" data-testid="leaderboard-export">Export CSV</button>`);
  }

  // headline names the leading ranked entrant; an immature one never does.
  function headline(r) {
    const lead = r.find((e) => !e.immature && !store.cannotRun(e.modelId));
    if (!lead) return r.length ? html`<p class="headline muted" data-testid="leaderboard-headline">No entrant has the minimum record yet.</p>` : "";
    const iv = lead.intervals?.pnlPercent;
    return html`<p class="headline" data-testid="leaderboard-headline" data-model-id="${lead.modelId}">Leading: <b>${lead.modelName}</b> ${variantBadge(store, lead.variant)} ${percent(lead.pnlPercent)}${
      iv ? html` <span class="muted">(95% interval ${f.pct(iv.lo)} to ${f.pct(iv.hi)})</span>` : ""}</p>`;
  }

  function methodNote() {
    if (!method) return "";
    return html`<p class="note muted" data-testid="leaderboard-method">Whiskers: ${Math.round(f.num(method.confidence) * 100)}% intervals from a ${method.method} of ${method.period} returns (blocks of ${f.fixed(method.blockLength, 1)} periods on average, ${f.int(method.resamples)} draws, seed ${method.seed}). Greyed rows are immature: fewer than ${f.int(method.minTrades)} trades or ${f.fixed(method.minDays, 1)} days of record in the window; they are listed last and never lead.</p>`;
  }

  // withCI shows a figure's cell content followed by its whisker.
  const withCI = (e, key, content, dom) => (INTERVALS[key] && dom[key] ? html`${content}${whisker(e, key, dom[key], { digits: INTERVALS[key][0], unit: INTERVALS[key][1], width: 70 })}` : content);

  function draw() {
    const r = rows();
    const dom = Object.fromEntries(Object.keys(INTERVALS).map((k) => [k, domain(r, k)]));
    const hasRepeats = r.some((e) => Array.isArray(e.repeats?.runs) && e.repeats.runs.length);
    const extras = EXTRAS.filter(([k]) => r.some((e) => e[k] !== undefined && e[k] !== null));
    const maxAbs = Math.max(1e-9, ...r.map((e) => Math.abs(f.num(e.pnlPercent)) || 0));
    const sortHead = (key, label) => html`<th class="r sortable ${q.sort === key ? "sorted" : ""}" data-set="sort" data-value="${key}" title="Sort by ${label}">${label}${q.sort === key ? (key === "maxDrawdown" ? " ↑" : " ↓") : ""}</th>`;
    render(root.querySelector("#lb-body"), html`${errorBox(err, "the leaderboard")}${headline(r)}
      <div class="table-wrap">
      <table class="table" data-testid="leaderboard-table">
        <thead><tr><th class="r">#</th><th>Model</th><th>${q.avg === "1" ? "Accounts" : "Variant"}</th>${sortHead("pnlPercent", "PnL %")}<th title="95% interval of PnL %">95% interval</th>${sortHead("pnlAbsolute", "PnL $")}${sortHead("maxDrawdown", "Max DD")}<th class="r">Start</th><th class="r">End</th>${extras.map(([, label]) => html`<th class="r">${label}</th>`)}${hasRepeats ? html`<th class="r" title="Return over the season's repeats: mean ± sd, runs">Repeats</th>` : ""}<th></th></tr></thead>
        <tbody>${r.map((e, i) => {
          const p = f.num(e.pnlPercent);
          const w = Number.isFinite(p) ? Math.round((Math.abs(p) / maxAbs) * 100) : 0;
          const lead = r.find((x) => !x.immature && x.modelId !== e.modelId);
          return html`<tr data-testid="leaderboard-row" data-model-id="${e.modelId}" data-kind="${e.kind || "model"}" data-immature="${e.immature ? "true" : "false"}" class="${e.kind === "baseline" ? "baseline" : ""} ${e.immature ? "immature" : ""}">
            <td class="r muted num">${i + 1}</td>
            <td>${modelChip(store, e.modelName, e.modelId)}${e.immature ? html`<span class="tag tag-immature" data-testid="immature-badge" title="Below the minimum record: not ranked among the others">immature</span>` : ""}</td>
            <td>${q.avg === "1" ? html`<span class="muted">${e.accounts}</span>` : variantBadge(store, e.variant)}</td>
            <td class="r num">${store.cannotRun(e.modelId) ? html`<span class="muted" data-testid="nokey-pnl">not running</span>` : percent(e.pnlPercent)}</td>
            <td class="barcell">${e.intervals?.pnlPercent ? whisker(e, "pnlPercent", dom.pnlPercent, { unit: "%" }) : html`<span class="bar-track"><span class="bar ${p < 0 ? "bar-neg" : "bar-pos"}" style="width:${w}%"></span></span>`}</td>
            <td class="r num">${money(e.pnlAbsolute)}</td>
            <td class="r num ${ddClass(e.maxDrawdown)}">${withCI(e, "maxDrawdown", f.pct(e.maxDrawdown, { sign: false }), dom)}</td>
            <td class="r num muted">${f.usd(e.startValue)}</td>
            <td class="r num">${f.usd(e.endValue)}</td>
            ${extras.map(([k, , fmt]) => html`<td class="r num">${withCI(e, k, e[k] === undefined || e[k] === null ? f.DASH : fmt(e[k]), dom)}</td>`)}
            ${hasRepeats ? html`<td class="r num" data-testid="repeats-cell" data-runs="${e.repeats?.runs?.length || 0}" title="${e.repeats ? "runs: " + e.repeats.runs.map((v) => f.pct(v)).join(", ") : ""}">${
              e.repeats ? html`${f.pct(e.repeats.mean)} ± ${f.fixed(e.repeats.sd, 2)} <span class="muted">(${e.repeats.runs.length})</span>` : f.DASH}</td>` : ""}
            <td>${lead && q.avg !== "1" ? html`<a class="muted" href="#/compare?a=${encodeURIComponent(e.modelId)}&b=${encodeURIComponent(lead.modelId)}&window=${q.window}${q.season !== "live" ? "&season=" + encodeURIComponent(q.season) : ""}" data-testid="compare-link" title="Compare with ${lead.modelName} on the same periods">compare</a>` : ""}</td>
          </tr>`;
        })}</tbody>
      </table>
      ${!r.length && !err ? html`<div class="empty">No accounts in this competition yet.</div>` : ""}
      </div>
      ${noKeyNote(r)}
      <p class="note muted">Window ${win}. PnL runs from the first to the last equity snapshot in the window; max drawdown is the largest peak-to-trough fall, and the smallest ranks first.</p>
      ${methodNote()}`);
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
    if (e.target.matches("[data-testid=leaderboard-lower]")) navigate({ lower: e.target.checked ? "1" : "0" });
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
      if (prev.variant !== q.variant || prev.window !== q.window || prev.sort !== q.sort || prev.lower !== q.lower || prev.season !== q.season) board.load();
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
