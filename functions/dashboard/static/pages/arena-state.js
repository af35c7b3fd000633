// @ts-check
// The arena's state and the rules that change it, without the DOM: the
// page's query, and how RPC answers and live payloads merge into the lists
// the sidebar shows (pages/arena.js wires them; pages/arena-view.js draws
// them). Closed trades and model turns never change once written, so they
// are merged by id, never replaced: an answer that was in flight while a
// live item arrived must not erase it.
import * as f from "../format.js";

export const RANGES = [["24h", "24H"], ["72h", "72H"], ["7d", "7D"], ["30d", "30D"], ["all", "ALL"]];
/** @type {Record<string, number>} */
export const RANGE_MS = { "24h": 864e5, "72h": 3 * 864e5, "7d": 7 * 864e5, "30d": 30 * 864e5 };
export const TABS = ["positions", "trades", "chat"];
export const TRADES_LIMIT = 200;
export const MAX_TRADES = 500;
export const MAX_CHATS = 150;

/**
 * @typedef {{variant: string, range: string, tab: string}} ArenaQuery
 * @typedef {{positions: any[], trades: any[], chats: any[], history: any[], resolution: string,
 *   err: Record<string, unknown>, hidden: Set<string>, livePositionsAt: number}} ArenaState
 */

/**
 * normalize reads the page's hash query, with defaults for what is absent
 * or unknown.
 * @param {Record<string, string | undefined>} q
 * @returns {ArenaQuery}
 */
export function normalize(q) {
  return {
    variant: q.variant || "all",
    range: q.range && RANGE_MS[q.range] ? q.range : "all",
    tab: q.tab && TABS.includes(q.tab) ? q.tab : "positions",
  };
}

/** @returns {ArenaState} */
export function emptyState() {
  return { positions: [], trades: [], chats: [], history: [], resolution: "", err: {}, hidden: new Set(), livePositionsAt: -1 };
}

/**
 * historyInput is trading.getPortfolioHistory's input for q at now (ms).
 * @param {ArenaQuery} q
 * @param {number} now
 */
export function historyInput(q, now) {
  /** @type {Record<string, unknown>} */
  const input = { ...variantInput(q), maxPoints: 2000 };
  if (RANGE_MS[q.range]) input.startDate = new Date(now - RANGE_MS[q.range]).toISOString();
  return input;
}

/** @param {ArenaQuery} q */
export function variantInput(q) {
  return q.variant === "all" ? {} : { variant: q.variant };
}

/** @param {any} t */
export const tradeTime = (t) => f.ms(t.closedAt ?? t.timestamp);

/**
 * mergeById adds items to existing by id (a later copy of an id wins),
 * keeping those accept takes, newest first by time, at most max.
 * @template T
 * @param {T[]} existing
 * @param {any[]} items
 * @param {{accept: (item: any) => boolean, time: (item: T) => number, max: number}} rule
 * @returns {T[]}
 */
export function mergeById(existing, items, { accept, time, max }) {
  const byId = new Map(existing.map((x) => [/** @type {any} */ (x).id, x]));
  for (const x of items) {
    if (!x || x.id === undefined) continue;
    if (accept(x)) byId.set(x.id, x);
  }
  return [...byId.values()].sort((a, b) => time(b) - time(a)).slice(0, max);
}

/**
 * openPositions are the groups with open positions that shows keeps,
 * largest unrealized PnL first, and how many shown accounts are flat.
 * @param {any[]} groups
 * @param {(modelName: string) => boolean} shows
 */
export function openPositions(groups, shows) {
  const shown = groups.filter((g) => shows(g.modelName));
  const open = shown.filter((g) => Array.isArray(g.positions) && g.positions.length);
  open.sort((a, b) => f.num(b.totalUnrealizedPnl) - f.num(a.totalUnrealizedPnl) || String(a.modelName).localeCompare(String(b.modelName)));
  return { open, flat: shown.length - open.length };
}

/**
 * tabCounts are the sidebar tabs with the number of rows each shows.
 * @param {ArenaState} st
 * @param {(modelName: string) => boolean} shows
 * @returns {Array<[string, string, number]>}
 */
export function tabCounts(st, shows) {
  const count = (/** @type {any[]} */ rows) => rows.filter((x) => shows(x.modelName)).length;
  const open = st.positions.filter((g) => shows(g.modelName)).reduce((n, g) => n + (Array.isArray(g.positions) ? g.positions.length : 0), 0);
  return [["positions", "Positions", open], ["trades", "Trades", count(st.trades)], ["chat", "Model chat", count(st.chats)]];
}
