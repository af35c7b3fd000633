// @ts-check
// The arena: equity curves per model (variant tabs plus an aggregate that
// averages each model over its variants), and a sidebar with open
// positions (with exit plans), closed trades and the model chat.
//
// RPC: trading.getPortfolioHistory, trading.getPositions, trading.getTrades,
// models.getInvocations; each account's starting capital comes from
// models.getModels (through the store). SSE: positions, trades, conversations (payloads
// applied directly), portfolio (triggers a history refetch).
import { html, render } from "../html.js";
import * as f from "../format.js";
import { createLineChart } from "../chart.js";
import { AGGREGATE } from "../store.js";
import { resource, errorBox, seg, bindControls, variantBadge, modelChip, sideBadge, money, list } from "../ui.js";
import { toolCall, reasoning, usage } from "../toolcalls.js";
import { seriesFor } from "./arena-series.js";

const RANGES = [["24h", "24H"], ["72h", "72H"], ["7d", "7D"], ["30d", "30D"], ["all", "ALL"]];
const RANGE_MS = { "24h": 864e5, "72h": 3 * 864e5, "7d": 7 * 864e5, "30d": 30 * 864e5 };
const TABS = ["positions", "trades", "chat"];
const TRADES_LIMIT = 200;
const MAX_TRADES = 500;
const MAX_CHATS = 150;

function normalize(q) {
  return {
    variant: q.variant || "all",
    range: RANGE_MS[q.range] ? q.range : "all",
    tab: TABS.includes(q.tab) ? q.tab : "positions",
  };
}

export default function arena(root, { rpc, live, store, navigate }, query) {
  let q = normalize(query);
  const st = { positions: [], trades: [], chats: [], history: [], resolution: "", err: {}, hidden: new Set(), livePositionsAt: -1 };
  const variantInput = () => (q.variant === "all" ? {} : { variant: q.variant });

  render(root, html`<div class="arena">
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
  </div>`);
  const $ = (id) => root.querySelector("#" + id);
  const chart = createLineChart($("equity-chart"), { yFormat: (v) => f.usd(v, { dp: 0 }), empty: "No equity history yet" });

  // inVariant filters live payloads, which carry every variant. An account
  // whose variant we don't know yet makes us refetch through RPC instead.
  function inVariant(variant, modelId, refetch) {
    if (q.variant === "all" || store.isBaseline(modelId) || variant === "baseline") return true; // baselines are in every competition
    const v = store.variantOf(modelId, variant);
    if (!v) refetch.schedule(800);
    return v === q.variant;
  }

  // ---- equity chart -------------------------------------------------------
  const history = resource(
    (signal) => {
      /** @type {Record<string, unknown>} */
      const input = { ...variantInput(), maxPoints: 2000 };
      if (RANGE_MS[q.range]) input.startDate = new Date(Date.now() - RANGE_MS[q.range]).toISOString();
      return rpc("trading/getPortfolioHistory", input, { signal });
    },
    {
      onData(out) {
        st.history = list(out, "history") || [];
        st.resolution = out?.resolution || "";
        drawChart();
      },
      onError(err) {
        st.err.history = err;
        render($("history-error"), errorBox(err, "equity history"));
      },
    },
  );

  function drawChart() {
    render($("history-error"), errorBox(st.err.history, "equity history"));
    const series = seriesFor(st.history, st.resolution, q.variant, store);
    const capitals = new Set(series.map((s) => s.capital));
    chart.setBaseline(capitals.size === 1 && Number.isFinite(series[0].capital) ? series[0].capital : null); // one shared starting line
    chart.setSeries(series);
    chart.setHidden(st.hidden);
    const rows = series
      .map((s) => ({ s, first: s.points[0]?.[1], last: s.points[s.points.length - 1]?.[1] }))
      .sort((a, b) => (b.last ?? -Infinity) - (a.last ?? -Infinity));
    render($("legend"), rows.length ? html`<table class="legend-table"><tbody>${rows.map(({ s, last }) => html`<tr data-testid="legend-row" data-key="${s.key}" class="${st.hidden.has(s.key) ? "off" : ""}" title="Show or hide">
        <td><i class="swatch" style="background:${s.color}"></i>${s.label}${s.idle ? html` <span class="tag tag-nokey" data-testid="nokey-badge" title="${s.idle}">not running · no key</span>` : ""}</td>
        <td class="muted">${s.sub || ""}</td>
        <td class="r num">${f.usd(last)}</td>
        <td class="r num">${s.idle ? html`<span class="muted" data-testid="nokey-pnl">not running</span>` : html`<span class="${f.pnlClass(last - s.capital)}">${f.pct(((last - s.capital) / s.capital) * 100)}</span>`}</td>
      </tr>`)}</tbody></table>` : "");
  }

  // ---- positions ----------------------------------------------------------
  const positions = resource((signal) => rpc("trading/getPositions", variantInput(), { signal }), {
    onData(out, started) {
      if (st.livePositionsAt < started) setPositions(list(out, "positions") || []); // else the stream is newer
    },
    onError(err) {
      st.err.positions = err;
      drawPositions();
    },
  });

  function setPositions(groups) {
    st.err.positions = null;
    for (const g of groups) store.learn(g.modelId, { name: g.modelName, variant: g.modelVariant });
    st.positions = groups.filter((g) => g && inVariant(g.modelVariant, g.modelId, positions));
    drawPositions();
    drawTabs();
  }

  function positionRow(g, p) {
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

  function drawPositions() {
    const groups = st.positions.filter((g) => store.shows(g.modelName));
    const open = groups.filter((g) => Array.isArray(g.positions) && g.positions.length);
    open.sort((a, b) => f.num(b.totalUnrealizedPnl) - f.num(a.totalUnrealizedPnl) || String(a.modelName).localeCompare(String(b.modelName)));
    const flat = groups.length - open.length;
    render($("positions"), html`${errorBox(st.err.positions, "positions")}
      ${open.map((g) => html`<section class="pgroup" data-testid="position-group" data-model-id="${g.modelId}">
        <header class="pgroup-head">${modelChip(store, g.modelName, g.modelId)} ${variantBadge(store, store.variantOf(g.modelId, g.modelVariant))}
          <span class="pgroup-stats"><span class="muted">uPnL</span> ${money(g.totalUnrealizedPnl)}
          ${f.ok(g.availableCash) ? html`<span class="muted">cash</span> <span class="num">${f.usd(g.availableCash, { dp: 0 })}</span>` : ""}</span></header>
        ${g.positions.map((p) => positionRow(g, p))}
      </section>`)}
      ${!open.length && !st.err.positions ? html`<div class="empty">No open positions.</div>` : ""}
      ${flat ? html`<div class="muted foot">${flat} account${flat === 1 ? "" : "s"} flat</div>` : ""}`);
  }

  // ---- trades -------------------------------------------------------------
  const trades = resource((signal) => rpc("trading/getTrades", { ...variantInput(), limit: TRADES_LIMIT }, { signal }), {
    // Merge, never replace: closed trades do not change, and an answer that
    // was in flight while a live trade arrived must not erase it.
    onData(out) {
      mergeTrades(list(out, "trades") || []);
    },
    onError(err) {
      st.err.trades = err;
      drawTrades();
    },
  });

  const tradeTime = (t) => f.ms(t.closedAt ?? t.timestamp);

  function mergeTrades(items) {
    st.err.trades = null;
    const byId = new Map(st.trades.map((t) => [t.id, t]));
    for (const t of items) {
      if (!t || t.id === undefined) continue;
      store.learn(t.modelId, { name: t.modelName, variant: t.modelVariant });
      if (inVariant(t.modelVariant, t.modelId, trades)) byId.set(t.id, t);
    }
    st.trades = [...byId.values()].sort((a, b) => tradeTime(b) - tradeTime(a)).slice(0, MAX_TRADES);
    drawTrades();
    drawTabs();
  }

  function tradeRow(t) {
    const held = t.holdingTime || (f.ok(f.ms(t.closedAt)) && f.ok(f.ms(t.openedAt)) ? f.duration(f.ms(t.closedAt) - f.ms(t.openedAt)) : "");
    return html`<div class="trow" data-testid="trade-row" data-trade-id="${t.id}">
      <div class="trow-top">${modelChip(store, t.modelName, t.modelId)} ${variantBadge(store, store.variantOf(t.modelId, t.modelVariant))}<span class="grow"></span><time class="muted" datetime="${f.iso(t.closedAt ?? t.timestamp)}">${f.dateTimeShort(t.closedAt ?? t.timestamp)}</time></div>
      <div class="trow-main">${sideBadge(t.side)} <b class="sym">${t.symbol}</b> <span class="muted num">${f.qty(t.quantity)}</span><span class="grow"></span><b class="num">${money(t.netPnl)}</b></div>
      <div class="trow-sub num muted"><span>${f.price(t.entryPrice)} → ${f.price(t.exitPrice)}</span>${held ? html`<span>held ${held}</span>` : ""}</div>
    </div>`;
  }

  function drawTrades() {
    const rows = st.trades.filter((t) => store.shows(t.modelName));
    render($("trades"), html`${errorBox(st.err.trades, "trades")}${rows.map(tradeRow)}${!rows.length && !st.err.trades ? html`<div class="empty">No closed trades yet.</div>` : ""}`);
  }

  // ---- model chat ---------------------------------------------------------
  const chats = resource((signal) => rpc("models/getInvocations", {}, { signal }), {
    onData(out) {
      mergeChats(list(out, "conversations") || []); // merge, as for trades

    },
    onError(err) {
      st.err.chats = err;
      drawChat();
    },
  });

  function mergeChats(items) {
    st.err.chats = null;
    const byId = new Map(st.chats.map((c) => [c.id, c]));
    for (const c of items) {
      if (!c || c.id === undefined) continue;
      store.learn(c.modelId, { name: c.modelName, variant: c.modelVariant });
      if (inVariant(c.modelVariant, c.modelId, chats)) byId.set(c.id, c);
    }
    st.chats = [...byId.values()].sort((a, b) => f.ms(b.timestamp) - f.ms(a.timestamp)).slice(0, MAX_CHATS);
    drawChat();
    drawTabs();
  }

  function chatItem(c) {
    const text = String(c.response ?? "");
    const long = text.length > 420;
    const why = reasoning(c.responsePayload);
    const u = usage(c.responsePayload);
    const calls = Array.isArray(c.toolCalls) ? c.toolCalls : [];
    return html`<article class="chat" data-testid="chat-item" data-invocation-id="${c.id}">
      <header class="chat-head">${modelChip(store, c.modelName, c.modelId)} ${variantBadge(store, store.variantOf(c.modelId, c.modelVariant))}<span class="grow"></span><time class="muted" datetime="${f.iso(c.timestamp)}">${f.dateTimeShort(c.timestamp)}</time></header>
      ${long
        ? html`<details class="chat-text" data-key="${"resp:" + c.id}"><summary dir="auto">${text.slice(0, 400)}…</summary><div class="pre" dir="auto">${text}</div></details>`
        : html`<div class="chat-text pre" dir="auto" dir="auto" data-testid="chat-response">${text || html`<span class="muted">(no text)</span>`}</div>`}
      ${why ? html`<details class="reasoning" data-key="${"why:" + c.id}" data-testid="chat-reasoning"><summary>Reasoning</summary><div class="pre" dir="auto">${why}</div></details>` : ""}
      ${calls.length ? html`<div class="toolcalls">${calls.map(toolCall)}</div>` : ""}
      ${f.ok(u.total) || u.finish ? html`<footer class="chat-foot muted">${f.ok(u.total) ? html`<span>${f.tokens(u.total)} tokens</span>` : ""}${f.ok(u.steps) ? html`<span>${u.steps} steps</span>` : ""}${u.finish ? html`<span>${u.finish}</span>` : ""}</footer>` : ""}
    </article>`;
  }

  function drawChat() {
    const rows = st.chats.filter((c) => store.shows(c.modelName));
    render($("chat"), html`${errorBox(st.err.chats, "model chat")}${rows.map(chatItem)}${!rows.length && !st.err.chats ? html`<div class="empty">No model output yet.</div>` : ""}`);
  }

  // ---- header, tabs -------------------------------------------------------
  function drawHead() {
    const tabs = [AGGREGATE, ...store.variants];
    render($("variant-tabs"), tabs.map((v) => html`<button type="button" class="vtab ${q.variant === v.id ? "on" : ""}" style="--c:${v.color}" data-set="variant" data-value="${v.id}" data-testid="${"variant-tab-" + v.id}">${v.id === "all" ? v.label : v.id}</button>`));
    render($("range"), seg("range", RANGES, q.range, "range"));
  }

  function drawTabs() {
    const count = (rows) => rows.filter((x) => store.shows(x.modelName)).length;
    const open = st.positions.filter((g) => store.shows(g.modelName)).reduce((n, g) => n + (Array.isArray(g.positions) ? g.positions.length : 0), 0);
    const tabs = [["positions", "Positions", open], ["trades", "Trades", count(st.trades)], ["chat", "Model chat", count(st.chats)]];
    render($("side-tabs"), tabs.map(([id, label, n]) => html`<button type="button" role="tab" aria-selected="${q.tab === id}" class="${q.tab === id ? "on" : ""}" data-set="tab" data-value="${id}" data-testid="${"tab-" + id}">${label} <span class="count">${n}</span></button>`));
    $("positions").hidden = q.tab !== "positions";
    $("trades").hidden = q.tab !== "trades";
    $("chat").hidden = q.tab !== "chat";
  }

  function drawAll() {
    drawHead();
    drawTabs();
    drawChart();
    drawPositions();
    drawTrades();
    drawChat();
  }

  const onLegend = (e) => {
    const row = e.target.closest("[data-testid=legend-row]");
    if (!row) return;
    const k = row.dataset.key;
    st.hidden.has(k) ? st.hidden.delete(k) : st.hidden.add(k);
    drawChart();
  };
  $("legend").addEventListener("click", onLegend);

  // ---- live ---------------------------------------------------------------
  const onEvent = (res, apply) => (ev) => {
    if (ev.kind === "reset" || ev.kind === "resync") return res.load();
    apply(ev.data);
  };
  const subs = [
    live.subscribe("positions", onEvent(positions, (d) => {
      const groups = list(d, "positions");
      if (!groups) return;
      st.livePositionsAt = performance.now();
      setPositions(groups);
    })),
    live.subscribe("trades", onEvent(trades, (d) => {
      const items = list(d, "trades") || (d && d.id !== undefined ? [d] : null);
      if (items) mergeTrades(items);
    })),
    live.subscribe("conversations", onEvent(chats, (d) => {
      const items = list(d, "conversations") || (d && d.id !== undefined ? [d] : null);
      if (items) mergeChats(items);
    })),
    // portfolio events only say that snapshots were written; the first
    // (the stream's snapshot) says nothing the initial fetch didn't.
    live.subscribe("portfolio", (ev) => {
      if (ev.kind === "reset" || ev.kind === "resync") history.load();
      else if (ev.kind === "data") history.schedule(1000);
    }),
  ];
  const offStore = store.on(() => drawAll());
  const offControls = bindControls(root, navigate);

  drawAll();
  const loadAll = () => [history, positions, trades, chats].forEach((r) => r.load());
  loadAll();

  return {
    update(next) {
      const prev = q;
      q = normalize(next);
      if (prev.variant !== q.variant) {
        st.positions = st.trades = st.chats = [];
        st.hidden.clear();
        loadAll();
      } else if (prev.range !== q.range) history.load();
      drawAll();
    },
    destroy() {
      subs.forEach((off) => off());
      offStore();
      offControls();
      chart.destroy();
      [history, positions, trades, chats].forEach((r) => r.destroy());
    },
  };
}
