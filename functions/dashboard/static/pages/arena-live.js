// @ts-check
// The arena's live updates: which SSE channel feeds which list. Payloads
// of positions, trades and conversations are applied as they come (a
// stream reset or resync refetches the list instead); portfolio events
// only say that snapshots were written, so they schedule a history
// refetch (the stream's first event, its snapshot, says nothing the
// initial fetch did not).
import { list } from "../ui.js";

/**
 * @typedef {{load: () => void, schedule: (ms: number) => void}} Refetch
 * @typedef {{
 *   history: Refetch, positions: Refetch, trades: Refetch, chats: Refetch,
 *   setPositions: (groups: any[]) => void, mergeTrades: (items: any[]) => void, mergeChats: (items: any[]) => void,
 * }} ArenaLists
 */

/**
 * subscribeArena subscribes the arena's lists to live and returns the
 * unsubscribe functions.
 * @param {{subscribe: (channel: string, fn: (ev: any) => void) => () => void}} live
 * @param {ArenaLists} to
 * @returns {Array<() => void>}
 */
export function subscribeArena(live, to) {
  const onEvent = (/** @type {Refetch} */ res, /** @type {(data: any) => void} */ apply) => (/** @type {any} */ ev) => {
    if (ev.kind === "reset" || ev.kind === "resync") return res.load();
    apply(ev.data);
  };
  const items = (/** @type {any} */ d, /** @type {string} */ key) => list(d, key) || (d && d.id !== undefined ? [d] : null);
  return [
    live.subscribe("positions", onEvent(to.positions, (d) => {
      const groups = list(d, "positions");
      if (groups) to.setPositions(groups);
    })),
    live.subscribe("trades", onEvent(to.trades, (d) => {
      const ts = items(d, "trades");
      if (ts) to.mergeTrades(ts);
    })),
    live.subscribe("conversations", onEvent(to.chats, (d) => {
      const cs = items(d, "conversations");
      if (cs) to.mergeChats(cs);
    })),
    live.subscribe("portfolio", (ev) => {
      if (ev.kind === "reset" || ev.kind === "resync") to.history.load();
      else if (ev.kind === "data") to.history.schedule(1000);
    }),
  ];
}
