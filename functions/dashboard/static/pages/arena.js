// @ts-check
// The arena: equity curves per model (variant tabs plus an aggregate that
// averages each model over its variants), and a sidebar with open
// positions (with exit plans), closed trades and the model chat.
//
// RPC: trading.getPortfolioHistory, trading.getPositions, trading.getTrades,
// models.getInvocations; each account's starting capital comes from
// models.getModels (through the store). SSE: positions, trades, conversations (payloads
// applied directly), portfolio (triggers a history refetch).
//
// This module wires the parts: the state and its rules (arena-state.js),
// the views (arena-view.js), the live subscriptions (arena-live.js) and the
// equity series (arena-series.js).
import { render } from "../html.js";
import * as f from "../format.js";
import { createLineChart } from "../chart.js";
import { resource, errorBox, bindControls, list } from "../ui.js";
import { seriesFor } from "./arena-series.js";
import { normalize, emptyState, historyInput, variantInput, mergeById, tradeTime, TRADES_LIMIT, MAX_TRADES, MAX_CHATS } from "./arena-state.js";
import { layout, legend, positionsView, tradesView, chatView, variantTabs, rangeControl, sideTabs } from "./arena-view.js";
import { subscribeArena } from "./arena-live.js";

/**
 * @param {Element} root
 * @param {{rpc: any, live: any, store: any, navigate: any}} deps
 * @param {Record<string, string>} query
 */
export default function arena(root, { rpc, live, store, navigate }, query) {
  let q = normalize(query);
  const st = emptyState();

  render(root, layout);
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (root.querySelector("#" + id));
  const chart = createLineChart($("equity-chart"), { yFormat: (v) => f.usd(v, { dp: 0 }), empty: "No equity history yet" });

  // inVariant filters live payloads, which carry every variant. An account
  // whose variant we don't know yet makes us refetch through RPC instead.
  function inVariant(/** @type {string} */ variant, /** @type {string} */ modelId, /** @type {{schedule: (ms: number) => void}} */ refetch) {
    if (q.variant === "all" || store.isBaseline(modelId) || variant === "baseline") return true; // baselines are in every competition
    const v = store.variantOf(modelId, variant);
    if (!v) refetch.schedule(800);
    return v === q.variant;
  }
  const learn = (/** @type {any} */ x) => store.learn(x.modelId, { name: x.modelName, variant: x.modelVariant });

  // ---- equity chart -------------------------------------------------------
  const history = resource((signal) => rpc("trading/getPortfolioHistory", historyInput(q, Date.now()), { signal }), {
    onData(out) {
      st.history = list(out, "history") || [];
      st.resolution = out?.resolution || "";
      drawChart();
    },
    onError(err) {
      st.err.history = err;
      render($("history-error"), errorBox(err, "equity history"));
    },
  });

  function drawChart() {
    render($("history-error"), errorBox(st.err.history, "equity history"));
    const series = seriesFor(st.history, st.resolution, q.variant, store);
    const capitals = new Set(series.map((s) => s.capital));
    chart.setBaseline(capitals.size === 1 && Number.isFinite(series[0].capital) ? series[0].capital : null); // one shared starting line
    chart.setSeries(series);
    chart.setHidden(st.hidden);
    render($("legend"), legend(series, st.hidden));
  }

  // ---- positions ----------------------------------------------------------
  const positions = resource((signal) => rpc("trading/getPositions", variantInput(q), { signal }), {
    onData(out, started) {
      if (st.livePositionsAt < started) setPositions(list(out, "positions") || []); // else the stream is newer
    },
    onError(err) {
      st.err.positions = err;
      drawPositions();
    },
  });

  function setPositions(/** @type {any[]} */ groups) {
    st.err.positions = null;
    groups.forEach(learn);
    st.positions = groups.filter((g) => g && inVariant(g.modelVariant, g.modelId, positions));
    drawPositions();
    drawTabs();
  }
  const drawPositions = () => render($("positions"), positionsView(st, store));

  // ---- trades and model chat: merged by id, never replaced -----------------
  const trades = resource((signal) => rpc("trading/getTrades", { ...variantInput(q), limit: TRADES_LIMIT }, { signal }), {
    onData: (out) => mergeTrades(list(out, "trades") || []),
    onError(err) {
      st.err.trades = err;
      drawTrades();
    },
  });
  function mergeTrades(/** @type {any[]} */ items) {
    st.err.trades = null;
    items.forEach((t) => t && t.id !== undefined && learn(t));
    st.trades = mergeById(st.trades, items, { accept: (t) => inVariant(t.modelVariant, t.modelId, trades), time: tradeTime, max: MAX_TRADES });
    drawTrades();
    drawTabs();
  }
  const drawTrades = () => render($("trades"), tradesView(st, store));

  const chats = resource((signal) => rpc("models/getInvocations", {}, { signal }), {
    onData: (out) => mergeChats(list(out, "conversations") || []),
    onError(err) {
      st.err.chats = err;
      drawChat();
    },
  });
  function mergeChats(/** @type {any[]} */ items) {
    st.err.chats = null;
    items.forEach((c) => c && c.id !== undefined && learn(c));
    st.chats = mergeById(st.chats, items, { accept: (c) => inVariant(c.modelVariant, c.modelId, chats), time: (c) => f.ms(c.timestamp), max: MAX_CHATS });
    drawChat();
    drawTabs();
  }
  const drawChat = () => render($("chat"), chatView(st, store));

  // ---- header, tabs -------------------------------------------------------
  function drawHead() {
    render($("variant-tabs"), variantTabs(q, store));
    render($("range"), rangeControl(q));
  }

  function drawTabs() {
    render($("side-tabs"), sideTabs(q, st, store));
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

  const onLegend = (/** @type {Event} */ e) => {
    const row = /** @type {HTMLElement | null} */ (/** @type {Element} */ (e.target).closest("[data-testid=legend-row]"));
    if (!row) return;
    const k = row.dataset.key || "";
    st.hidden.has(k) ? st.hidden.delete(k) : st.hidden.add(k);
    drawChart();
  };
  $("legend").addEventListener("click", onLegend);

  // ---- live ---------------------------------------------------------------
  const subs = subscribeArena(live, {
    history, positions, trades, chats, mergeTrades, mergeChats,
    setPositions(groups) {
      st.livePositionsAt = performance.now();
      setPositions(groups);
    },
  });
  const offStore = store.on(() => drawAll());
  const offControls = bindControls(root, navigate);

  drawAll();
  const loadAll = () => [history, positions, trades, chats].forEach((r) => r.load());
  loadAll();

  return {
    update(/** @type {Record<string, string>} */ next) {
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
