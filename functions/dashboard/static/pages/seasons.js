// @ts-check
// Seasons: recorded runs imported from bundles (worker season import) or
// recorded by the live worker. The list shows each season's result hash and
// how it was verified; a season (#/seasons?id=ID) shows its methodology
// card, leaderboard, equity curves and decisions, and an A/B season (one
// with a parent) is shown beside its parent: the swapped entrant's equity
// in A and B on the same tape, and the slots where its decisions differed.
//
// RPC: seasons.list, seasons.get, analytics.getLeaderboard {seasonId},
// seasons.getEquity, seasons.getDecisions, seasons.getPair.
import { html, render, color } from "../html.js";
import * as f from "../format.js";
import { createLineChart } from "../chart.js";
import { resource, errorBox, percent, list } from "../ui.js";

const VERIFICATION = {
  replayed: "verified by replay",
  failed: "replay failed",
  checksums: "checksums only",
  recorded: "recorded live, not verified",
};

export function verificationLabel(v) {
  return VERIFICATION[v] || v || "unknown";
}

const short = (h) => (h ? String(h).slice(0, 12) + "…" : f.DASH);

function badge(s) {
  return html`<span class="tag verify-${s.verification}" data-testid="season-verification" data-verification="${s.verification}" title="${s.verifyError || ""}">${verificationLabel(s.verification)}</span>`;
}

export default function seasons(root, { rpc, store, navigate }, query) {
  let q = { id: query.id || "", entrant: query.entrant || "" };
  let page = null;
  const open = () => {
    page?.destroy();
    page = q.id ? detail(root, rpc, store, q) : listing(root, rpc);
  };
  open();
  return {
    update(next) {
      const id = next.id || "";
      const entrant = next.entrant || "";
      if (id === q.id && entrant === q.entrant) return;
      q = { id, entrant };
      open();
    },
    destroy() {
      page?.destroy();
    },
  };
}

function listing(root, rpc) {
  let err = null;
  const res = resource((signal) => rpc("seasons/list", {}, { signal }), {
    onData(o) {
      draw(list(o, "seasons") || []);
    },
    onError(e) {
      err = e;
      if (e) draw([]);
    },
  });
  function draw(rows) {
    render(root, html`<section class="panel page-panel">
      <div class="panel-head wrap"><h1>Seasons</h1><span class="muted">Recorded runs: replay any of them with <code>worker season verify BUNDLE</code>.</span></div>
      ${errorBox(err, "the seasons")}
      ${rows.length ? html`<table class="table" data-testid="seasons-table"><thead><tr><th>Season</th><th>Period</th><th class="num">Entrants</th><th>Result hash</th><th>Verification</th><th>Parent</th></tr></thead><tbody>
        ${rows.map((s) => html`<tr data-testid="season-row" data-season-id="${s.id}">
          <td><a href="${"#/seasons?id=" + encodeURIComponent(s.id)}" data-testid="season-link">${s.name || s.id}</a>${s.name && s.name !== s.id ? html` <span class="muted">${s.id}</span>` : ""}</td>
          <td>${f.dateTimeShort(s.start)} → ${f.dateTimeShort(s.end)}</td><td class="num">${f.int(s.entrants)}</td>
          <td><code title="${s.resultHash}" data-testid="season-hash">${short(s.resultHash)}</code></td><td>${badge(s)}</td>
          <td>${s.parentId ? html`<a href="${"#/seasons?id=" + encodeURIComponent(s.parentId)}">${s.parentId}</a> <span class="muted">${s.swap}</span>` : f.DASH}</td></tr>`)}
      </tbody></table>` : err ? "" : html`<div class="empty" data-testid="seasons-empty">No seasons imported yet: <code>worker season import BUNDLE</code>.</div>`}
    </section>`);
  }
  draw([]);
  res.load();
  return { destroy: () => res.destroy() };
}

function detail(root, rpc, store, q) {
  render(root, html`<section class="panel page-panel" data-testid="season-detail">
    <div class="panel-head wrap"><h1 id="season-title">Season ${q.id}</h1><a href="#/seasons" class="muted">All seasons</a></div>
    <div id="season-head"></div>
    <div id="season-pair"></div>
    <h2>Leaderboard</h2><div id="season-board"></div>
    <h2>Equity</h2><div id="season-chart" class="equity-chart short" data-testid="season-chart"></div>
    <h2>Methodology</h2><div id="season-method"></div>
    <h2>Decisions</h2><div id="season-decisions"></div>
  </section>`);
  const $ = (id) => root.querySelector("#" + id);
  const chart = createLineChart($("season-chart"), { yFormat: (v) => f.usd(v, { dp: 0 }) });
  let pairChart = null;
  const pts = (eq) => (eq || []).map((p) => [f.ms(p.time), f.num(p.value)]).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
  const res = [];
  const load = (proc, input, onData, where, what) => {
    const r = resource((signal) => rpc(proc, input, { signal }), {
      onData,
      onError(e) {
        if (e) render($(where), errorBox(e, what));
      },
    });
    res.push(r);
    r.load();
  };

  load("seasons/get", { id: q.id }, (o) => {
    const s = o.season;
    $("season-title").textContent = `Season ${s.name || s.id}`;
    render($("season-head"), html`<dl class="facts" data-testid="season-facts">
      <div><dt>Id</dt><dd>${s.id}</dd></div>
      <div><dt>Period</dt><dd>${f.dateTime(s.start)} → ${f.dateTime(s.end)}</dd></div>
      <div><dt>Result hash</dt><dd><code data-testid="season-hash">${s.resultHash}</code></dd></div>
      <div><dt>Verification</dt><dd>${badge(s)}${s.verifiedAt ? html` <span class="muted">${f.dateTime(s.verifiedAt)}</span>` : ""}${s.verifyError ? html`<pre class="muted">${s.verifyError}</pre>` : ""}</dd></div>
      ${s.parentId ? html`<div><dt>Parent</dt><dd><a href="${"#/seasons?id=" + encodeURIComponent(s.parentId)}" data-testid="season-parent">${s.parentId}</a> <code>${short(s.parentResultHash)}</code> · swap <code>${s.swap}</code></dd></div>` : ""}
      <div><dt>Code</dt><dd><code>${o.manifest?.code?.revision || "unknown revision"}</code> ${o.manifest?.code?.goVersion || ""}</dd></div>
    </dl>`);
    render($("season-method"), methodology(o.methodology || {}));
    if (s.parentId) pair();
  }, "season-head", "the season");

  load("analytics/getLeaderboard", { seasonId: q.id }, (o) => {
    const rows = list(o, "entries") || [];
    render($("season-board"), html`<table class="table" data-testid="season-leaderboard"><thead><tr><th class="num">#</th><th>Entrant</th><th>Model</th><th class="num">Equity</th><th class="num">PnL %</th><th class="num">Max DD %</th><th class="num">Fills</th><th class="num">Decisions</th><th class="num">LLM cost</th></tr></thead><tbody>
      ${rows.map((e) => html`<tr data-testid="season-leaderboard-row" data-entrant="${e.modelId}"><td class="num">${e.rank}</td>
        <td><a href="${"#/seasons?id=" + encodeURIComponent(q.id) + "&entrant=" + encodeURIComponent(e.modelId)}">${e.modelName}</a> <span class="muted">${e.variant}</span></td>
        <td>${e.kind}</td><td class="num">${f.usd(e.endValue)}</td><td class="num">${percent(e.pnlPercent)}</td><td class="num">${f.fixed(e.maxDrawdown, 2)}</td>
        <td class="num">${f.int(e.trades)}</td><td class="num">${f.int(e.decisions)}</td><td class="num">${f.usd(e.llmCostUsd, { dp: 4 })}</td></tr>`)}
    </tbody></table>`);
  }, "season-board", "the leaderboard");

  load("seasons/getEquity", { id: q.id }, (o) => {
    chart.setSeries((list(o, "series") || []).map((s) => ({ key: s.entrantId, label: `${s.name} ${s.variant}`, color: color(store.modelColor(s.name, s.entrantId)), points: pts(s.equity) })));
  }, "season-chart", "the equity");

  const dIn = { id: q.id, limit: 200 };
  if (q.entrant) dIn.entrantId = q.entrant;
  load("seasons/getDecisions", dIn, (o) => {
    const ds = list(o, "decisions") || [];
    render($("season-decisions"), html`${q.entrant ? html`<p class="muted">${q.entrant} only · <a href="${"#/seasons?id=" + encodeURIComponent(q.id)}">every entrant</a></p>` : ""}
      <table class="table" data-testid="season-decisions"><thead><tr><th>Slot</th><th>Entrant</th><th>Actions</th><th>Reply</th></tr></thead><tbody>
      ${ds.map((d) => html`<tr data-testid="season-decision" data-entrant="${d.entrantId}"><td>${f.dateTimeShort(d.slot)}</td><td>${d.entrantId}</td><td>${actions(d)}</td><td class="reply">${d.response}${d.failure ? html` <span class="tag tag-failed">${d.failure}</span>` : ""}</td></tr>`)}
      </tbody></table>`);
  }, "season-decisions", "the decisions");

  function pair() {
    render($("season-pair"), html`<div id="pair-body"></div><div id="pair-chart" class="equity-chart short" data-testid="pair-chart"></div><div id="pair-diff"></div>`);
    pairChart = createLineChart($("pair-chart"), { yFormat: (v) => f.usd(v, { dp: 0 }) });
    load("seasons/getPair", { id: q.id }, (o) => {
      render($("pair-body"), html`<h2 data-testid="pair-title">A/B: ${o.entrant}</h2><p class="note" data-testid="pair-note">A is <a href="${"#/seasons?id=" + encodeURIComponent(o.a.id)}">${o.a.id}</a> (${verificationLabel(o.a.verification)}), B is this season with <code>${o.swap}</code>, on the same tape: every other entrant replayed its recording.
        ${o.differing.length} of ${o.decisions} decisions differ.</p>`);
      pairChart.setSeries([
        { key: "a", label: `A ${o.a.id}`, color: color("#2563eb"), points: pts(o.equityA) },
        { key: "b", label: `B ${o.b.id}`, color: color("#dc2626"), dashed: true, points: pts(o.equityB) },
      ]);
      render($("pair-diff"), html`<table class="table" data-testid="pair-differing"><thead><tr><th>Slot</th><th>A (${o.a.id})</th><th>B (${o.b.id})</th></tr></thead><tbody>
        ${o.differing.map((d) => html`<tr data-testid="pair-diff-row"><td>${f.dateTimeShort(d.slot)}</td><td>${d.a ? html`${actions(d.a)} <span class="muted">${d.a.response}</span>` : f.DASH}</td><td>${d.b ? html`${actions(d.b)} <span class="muted">${d.b.response}</span>` : f.DASH}</td></tr>`)}
      </tbody></table>`);
    }, "pair-body", "the A/B pair");
  }

  return {
    destroy() {
      res.forEach((r) => r.destroy());
      chart.destroy();
      pairChart?.destroy();
    },
  };
}

function actions(d) {
  const acts = Array.isArray(d.actions) ? d.actions : [];
  if (!acts.length) return html`<span class="muted">no tool call</span>`;
  return html`${acts.map((a) => html`<div class="action ${a.failed ? "failed" : ""}"><b>${a.name}</b> <code>${a.arguments}</code></div>`)}`;
}

// methodology renders the card: how the season's numbers were produced.
export function methodology(m) {
  const row = (k, v) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`;
  const d = m.data || {};
  return html`<dl class="facts" data-testid="season-methodology">
    ${row("Market data", html`${d.source || "unknown"}${d.syntheticSeed !== undefined ? ` (seed ${d.syntheticSeed})` : ""}, ${f.int(d.messages)} messages, ${f.dateTime(d.first)} → ${f.dateTime(d.last)}${d.markets ? ", " + d.markets.join(" ") : ""}`)}
    ${row("Decision interval", m.decisionInterval || f.DASH)}
    ${row("Starting capital", f.usd(m.startingCapital))}
    ${row("Fees", html`${(m.fees || []).map((x) => html`<span class="fee">${x.symbol}: maker ${x.makerBps} bps, taker ${x.takerBps} bps, max ${x.maxLeverage}×, maintenance ${x.maintenanceMarginPct}%, liquidation fee ${x.liquidationFeeBps} bps</span> `)}`)}
    ${row("Slippage", m.slippage || f.DASH)}
    ${row("Latency", m.latency || f.DASH)}
    ${row("Funding", m.funding || f.DASH)}
    ${row("Liquidation", m.liquidation || f.DASH)}
    ${m.isolation ? row("Isolation", m.isolation) : ""}
    ${row("Limits", html`${(m.limits || []).map((l) => html`<div>${(l.entrants || []).join(", ")}: leverage ≤ ${l.maxLeverage}×, risk per trade ≤ ${l.maxRiskPerTradePct}%, gross exposure ≤ ${l.maxGrossExposurePct}%, free cash ≥ ${f.usd(l.minFreeCash, { dp: 0 })}</div>`)}`)}
    ${row("Models", html`<table class="table" data-testid="season-models"><thead><tr><th>Entrant</th><th>Model as called</th><th>Training cutoff</th><th>Tape</th></tr></thead><tbody>
      ${(m.models || []).map((x) => html`<tr data-testid="season-model" data-flagged="${x.flagged ? "true" : "false"}"><td>${x.entrant}</td><td><code>${x.model}</code> <span class="muted">${x.provider}</span></td>
        <td>${x.trainingCutoff || (x.released ? html`unknown (released ${x.released})` : x.exposure === "not_applicable" ? "n/a (rule)" : "unknown")}</td>
        <td>${x.flagged ? html`<span class="tag tag-failed" data-testid="cutoff-flag" title="${x.cutoffSource || ""}">${x.exposure === "seen" ? "trained on the tape's period" : "may have seen the tape's period"}</span>` : x.exposure === "unknown" ? html`<span class="muted">cutoff unknown</span>` : html`<span class="muted">unseen</span>`}</td></tr>`)}
    </tbody></table>`)}
    ${row("Prompts", html`<code>${short(m.prompts)}</code>`)}
  </dl>`;
}
