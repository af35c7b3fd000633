// @ts-check
// The arena's views: templates of its panels from the state
// (pages/arena-state.js), for pages/arena.js to render. Nothing here holds
// state or talks to the API.
import { html } from "../html.js";
import * as f from "../format.js";
import { AGGREGATE } from "../store.js";
import { errorBox, seg, variantBadge, modelChip, sideBadge, money } from "../ui.js";
import { toolCall, reasoning, usage } from "../toolcalls.js";
import { RANGES, openPositions, tabCounts } from "./arena-state.js";

/** @typedef {import("./arena-state.js").ArenaState} ArenaState */
/** @typedef {import("./arena-state.js").ArenaQuery} ArenaQuery */

export const layout = html`<div class="arena">
    <section class="panel chart-panel">
      <div class="panel-head"><div id="variant-tabs" class="tabs" data-testid="variant-tabs"></div><div id="range"></div></div>
      <div id="history-error"></div>
      <div id="equity-chart" class="equity-chart" data-testid="equity-chart"></div>
      <div id="legend" class="legend" data-testid="equity-legend"></div>
    </section>
    <aside class="panel side">
      <div id="side-tabs" class="side-tabs" role="tablist"></div>
      <div class="side-body">
        <div id="positions" class="side-list" data-testid="positions-list"></div>
        <div id="trades" class="side-list" data-testid="trades-list"></div>
        <div id="chat" class="side-list" data-testid="chat-list"></div>
      </div>
    </aside>
  </div>`;

/**
 * legend lists the curves, highest equity first, each with its return from
 * its starting capital (or why it is not running).
 * @param {any[]} series
 * @param {Set<string>} hidden
 */
export function legend(series, hidden) {
  const rows = series
    .map((s) => ({ s, last: s.points[s.points.length - 1]?.[1] }))
    .sort((a, b) => (b.last ?? -Infinity) - (a.last ?? -Infinity));
  return rows.length ? html`<table class="legend-table"><tbody>${rows.map(({ s, last }) => html`<tr data-testid="legend-row" data-key="${s.key}" class="${hidden.has(s.key) ? "off" : ""}" title="Show or hide">
        <td><i class="swatch" style="background:${s.color}"></i>${s.label}${s.idle ? html` <span class="tag tag-nokey" data-testid="nokey-badge" title="${s.idle}">not running · no key</span>` : ""}</td>
        <td class="muted">${s.sub || ""}</td>
        <td class="r num">${f.usd(last)}</td>
        <td class="r num">${s.idle ? html`<span class="muted" data-testid="nokey-pnl">not running</span>` : html`<span class="${f.pnlClass(last - s.capital)}">${f.pct(((last - s.capital) / s.capital) * 100)}</span>`}</td>
      </tr>`)}</tbody></table>` : "";
}

/**
 * @param {any} store
 * @param {any} g the account's group
 * @param {any} p the position
 */
function positionRow(store, g, p) {
  const mark = f.num(p.currentPrice);
  const notional = f.num(p.quantity) * (Number.isFinite(mark) ? mark : f.num(p.entryPrice));
  const plan = p.exitPlan || {};
  const inval = plan.invalidation;
  const invalText = inval && typeof inval === "object" ? (inval.enabled === false ? "disabled" : inval.message) : inval;
  return html`<div class="prow" data-testid="position-row" data-symbol="${p.symbol}">
      <div class="prow-main">${sideBadge(p.side)} <b class="sym">${p.symbol}</b>
        ${f.ok(p.leverage) ? html`<span class="lev">${f.fixed(p.leverage, 0)}x</span>` : ""}
        <span class="muted num">${f.qty(p.quantity)}</span>
        <span class="grow"></span>${money(p.unrealizedPnl)}</div>
      <div class="prow-sub num"><span>entry ${f.price(p.entryPrice)}</span><span>mark ${f.price(p.currentPrice)}</span><span>notional ${f.usd(notional, { dp: 0 })}</span></div>
      <details class="exitplan" data-key="${"exit:" + g.modelId + ":" + p.symbol}" data-testid="exit-plan"><summary>Exit plan</summary>
        <dl class="kv">
          <dt>Target</dt><dd class="pos num">${f.price(plan.target)}</dd>
          <dt>Stop</dt><dd class="neg num">${f.price(plan.stop)}</dd>
          <dt>Invalidation</dt><dd>${invalText || f.DASH}</dd>
          <dt>Leverage</dt><dd class="num">${f.ok(p.leverage) ? f.fixed(p.leverage, 1) + "x" : f.DASH}</dd>
          <dt>Confidence</dt><dd class="num">${f.ok(p.confidence) ? f.fixed(p.confidence, 0) + "%" : f.DASH}</dd>
          ${p.signal ? html`<dt>Signal</dt><dd>${p.signal}</dd>` : ""}
          ${p.decisionStatus ? html`<dt>Status</dt><dd>${p.decisionStatus}</dd>` : ""}
          ${p.lastDecisionAt ? html`<dt>Last decision</dt><dd>${f.dateTime(p.lastDecisionAt)}</dd>` : ""}
        </dl>
      </details>
    </div>`;
}

/**
 * @param {ArenaState} st
 * @param {any} store
 */
export function positionsView(st, store) {
  const { open, flat } = openPositions(st.positions, (n) => store.shows(n));
  return html`${errorBox(st.err.positions, "positions")}
      ${open.map((g) => html`<section class="pgroup" data-testid="position-group" data-model-id="${g.modelId}">
        <header class="pgroup-head">${modelChip(store, g.modelName, g.modelId)} ${variantBadge(store, store.variantOf(g.modelId, g.modelVariant))}
          <span class="pgroup-stats"><span class="muted">uPnL</span> ${money(g.totalUnrealizedPnl)}
          ${f.ok(g.availableCash) ? html`<span class="muted">cash</span> <span class="num">${f.usd(g.availableCash, { dp: 0 })}</span>` : ""}</span></header>
        ${g.positions.map((/** @type {any} */ p) => positionRow(store, g, p))}
      </section>`)}
      ${!open.length && !st.err.positions ? html`<div class="empty">No open positions.</div>` : ""}
      ${flat ? html`<div class="muted foot">${flat} account${flat === 1 ? "" : "s"} flat</div>` : ""}`;
}

/**
 * @param {any} store
 * @param {any} t a closed trade
 */
function tradeRow(store, t) {
  const held = t.holdingTime || (f.ok(f.ms(t.closedAt)) && f.ok(f.ms(t.openedAt)) ? f.duration(f.ms(t.closedAt) - f.ms(t.openedAt)) : "");
  return html`<div class="trow" data-testid="trade-row" data-trade-id="${t.id}">
      <div class="trow-top">${modelChip(store, t.modelName, t.modelId)} ${variantBadge(store, store.variantOf(t.modelId, t.modelVariant))}<span class="grow"></span><time class="muted" datetime="${f.iso(t.closedAt ?? t.timestamp)}">${f.dateTimeShort(t.closedAt ?? t.timestamp)}</time></div>
      <div class="trow-main">${sideBadge(t.side)} <b class="sym">${t.symbol}</b> <span class="muted num">${f.qty(t.quantity)}</span><span class="grow"></span><b class="num">${money(t.netPnl)}</b></div>
      <div class="trow-sub num muted"><span>${f.price(t.entryPrice)} → ${f.price(t.exitPrice)}</span>${held ? html`<span>held ${held}</span>` : ""}</div>
    </div>`;
}

/**
 * @param {ArenaState} st
 * @param {any} store
 */
export function tradesView(st, store) {
  const rows = st.trades.filter((t) => store.shows(t.modelName));
  return html`${errorBox(st.err.trades, "trades")}${rows.map((t) => tradeRow(store, t))}${!rows.length && !st.err.trades ? html`<div class="empty">No closed trades yet.</div>` : ""}`;
}

/**
 * @param {any} store
 * @param {any} c a model turn
 */
function chatItem(store, c) {
  const text = String(c.response ?? "");
  const long = text.length > 420;
  const why = reasoning(c.responsePayload);
  const u = usage(c.responsePayload);
  const calls = Array.isArray(c.toolCalls) ? c.toolCalls : [];
  return html`<article class="chat" data-testid="chat-item" data-invocation-id="${c.id}">
      <header class="chat-head">${modelChip(store, c.modelName, c.modelId)} ${variantBadge(store, store.variantOf(c.modelId, c.modelVariant))}<span class="grow"></span><time class="muted" datetime="${f.iso(c.timestamp)}">${f.dateTimeShort(c.timestamp)}</time></header>
      ${long
        ? html`<details class="chat-text" data-key="${"resp:" + c.id}"><summary dir="auto">${text.slice(0, 400)}…</summary><div class="pre" dir="auto">${text}</div></details>`
        : html`<div class="chat-text pre" dir="auto" data-testid="chat-response">${text || html`<span class="muted">(no text)</span>`}</div>`}
      ${why ? html`<details class="reasoning" data-key="${"why:" + c.id}" data-testid="chat-reasoning"><summary>Reasoning</summary><div class="pre" dir="auto">${why}</div></details>` : ""}
      ${calls.length ? html`<div class="toolcalls">${calls.map(toolCall)}</div>` : ""}
      ${f.ok(u.total) || u.finish ? html`<footer class="chat-foot muted">${f.ok(u.total) ? html`<span>${f.tokens(u.total)} tokens</span>` : ""}${f.ok(u.steps) ? html`<span>${u.steps} steps</span>` : ""}${u.finish ? html`<span>${u.finish}</span>` : ""}</footer>` : ""}
    </article>`;
}

/**
 * @param {ArenaState} st
 * @param {any} store
 */
export function chatView(st, store) {
  const rows = st.chats.filter((c) => store.shows(c.modelName));
  return html`${errorBox(st.err.chats, "model chat")}${rows.map((c) => chatItem(store, c))}${!rows.length && !st.err.chats ? html`<div class="empty">No model output yet.</div>` : ""}`;
}

/**
 * The variant tabs (the aggregate first).
 * @param {ArenaQuery} q
 * @param {any} store
 */
export function variantTabs(q, store) {
  const tabs = [AGGREGATE, ...store.variants];
  return tabs.map((v) => html`<button type="button" class="vtab ${q.variant === v.id ? "on" : ""}" style="--c:${v.color}" data-set="variant" data-value="${v.id}" data-testid="${"variant-tab-" + v.id}">${v.id === "all" ? v.label : v.id}</button>`);
}

/** @param {ArenaQuery} q */
export const rangeControl = (q) => seg("range", RANGES, q.range, "range");

/**
 * The sidebar's tabs, each with its count.
 * @param {ArenaQuery} q
 * @param {ArenaState} st
 * @param {any} store
 */
export function sideTabs(q, st, store) {
  return tabCounts(st, (n) => store.shows(n)).map(([id, label, n]) => html`<button type="button" role="tab" aria-selected="${q.tab === id}" class="${q.tab === id ? "on" : ""}" data-set="tab" data-value="${id}" data-testid="${"tab-" + id}">${label} <span class="count">${n}</span></button>`);
}
