import { test } from "node:test";
import assert from "node:assert/strict";
import { normalize, mergeById, openPositions, tabCounts, emptyState, historyInput, tradeTime } from "../static/pages/arena-state.js";

test("the query falls back to the defaults for what is absent or unknown", () => {
  assert.deepEqual(normalize({}), { variant: "all", range: "all", tab: "positions" });
  assert.deepEqual(normalize({ variant: "Apex", range: "7d", tab: "chat" }), { variant: "Apex", range: "7d", tab: "chat" });
  assert.deepEqual(normalize({ range: "1y", tab: "nope" }), { variant: "all", range: "all", tab: "positions" });
});

test("the history input bounds the range and names the variant", () => {
  const now = Date.parse("2026-01-08T00:00:00Z");
  assert.deepEqual(historyInput(normalize({}), now), { maxPoints: 2000 });
  assert.deepEqual(historyInput(normalize({ variant: "Apex", range: "7d" }), now),
    { variant: "Apex", maxPoints: 2000, startDate: "2026-01-01T00:00:00.000Z" });
});

test("merging by id keeps what an in-flight answer lacks, newest first, bounded", () => {
  const rule = { accept: (t) => t.modelVariant !== "Sniper", time: tradeTime, max: 3 };
  const live = [{ id: 3, closedAt: "2026-01-01T03:00:00Z", modelVariant: "Apex" }];
  const answer = [
    { id: 1, closedAt: "2026-01-01T01:00:00Z", modelVariant: "Apex" },
    { id: 2, closedAt: "2026-01-01T02:00:00Z", modelVariant: "Sniper" }, // another competition
    null, { closedAt: "2026-01-01T05:00:00Z" }, // no id: ignored
    { id: 4, timestamp: "2026-01-01T04:00:00Z", modelVariant: "Apex" },
  ];
  const merged = mergeById(live, answer, rule);
  assert.deepEqual(merged.map((t) => t.id), [4, 3, 1]);
  const more = mergeById(merged, [{ id: 5, closedAt: "2026-01-01T06:00:00Z" }, { id: 1, closedAt: "2026-01-01T01:00:00Z", note: "again" }], rule);
  assert.deepEqual(more.map((t) => t.id), [5, 4, 3]); // bounded to 3: the oldest goes
});

test("open positions come largest unrealized PnL first; flat accounts are counted", () => {
  const groups = [
    { modelName: "a", totalUnrealizedPnl: 5, positions: [{}] },
    { modelName: "b", totalUnrealizedPnl: 50, positions: [{}, {}] },
    { modelName: "c", positions: [] },
    { modelName: "hidden", totalUnrealizedPnl: 99, positions: [{}] },
  ];
  const shows = (n) => n !== "hidden";
  const { open, flat } = openPositions(groups, shows);
  assert.deepEqual(open.map((g) => g.modelName), ["b", "a"]);
  assert.equal(flat, 1);
  const st = { ...emptyState(), positions: groups, trades: [{ modelName: "a" }, { modelName: "hidden" }], chats: [] };
  assert.deepEqual(tabCounts(st, shows), [["positions", "Positions", 3], ["trades", "Trades", 1], ["chat", "Model chat", 0]]);
});
