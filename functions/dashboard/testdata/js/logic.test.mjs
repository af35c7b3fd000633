import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { niceTicks, timeTicks, decimate } from "../static/chart.js";
import { average } from "../static/pages/arena-series.js";
import { rank, averageByModel, toCSV } from "../static/pages/leaderboard.js";
import { reason } from "../static/pages/failures.js";
import { columns, humanize } from "../static/pages/analytics.js";
import { metadata, reasoning, usage } from "../static/toolcalls.js";

test("niceTicks picks round steps inside the range", () => {
  assert.deepEqual(niceTicks(9850, 10100, 5), [9850, 9900, 9950, 10000, 10050, 10100]);
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(5, 5), [5]);
});

test("timeTicks steps on round times", () => {
  const t0 = Date.UTC(2025, 10, 21, 0, 7), t1 = t0 + 6 * 3600e3;
  const { ticks, step } = timeTicks(t0, t1, 6);
  assert.equal(step, 3600e3);
  assert.ok(ticks.length >= 5 && ticks.length <= 7);
  for (const t of ticks) assert.equal(new Date(t).getMinutes(), 0);
});

test("decimate keeps each column's extremes and the ends", () => {
  const pts = Array.from({ length: 1000 }, (_, i) => [i, i === 500 ? 99 : i === 501 ? -99 : 0]);
  const out = decimate(pts, 0, 999, 50);
  assert.ok(out.length < 250);
  assert.deepEqual(out[0], [0, 0]);
  assert.deepEqual(out[out.length - 1], [999, 0]);
  assert.ok(out.some((p) => p[1] === 99) && out.some((p) => p[1] === -99));
});

test("average carries each account forward and counts it from its first point", () => {
  const a = [[0, 100], [60000, 110], [120000, 120]];
  const b = [[60000, 200], [180000, 220]];
  assert.deepEqual(average([a, b], 60000), [[0, 100], [60000, 155], [120000, 160], [180000, 170]]);
});

test("rank: PnL descending, drawdown ascending, missing values last", () => {
  const es = [
    { modelName: "a", pnlPercent: 1, maxDrawdown: 5 },
    { modelName: "b", pnlPercent: "3", maxDrawdown: 2 },
    { modelName: "c", pnlPercent: null, maxDrawdown: 9 },
    { modelName: "d", pnlPercent: -2, maxDrawdown: 0 },
  ];
  assert.deepEqual(rank(es, "pnlPercent").map((e) => e.modelName), ["b", "a", "d", "c"]);
  assert.deepEqual(rank(es, "maxDrawdown").map((e) => e.modelName), ["d", "b", "a", "c"]);
});

test("averageByModel merges variants per model and keeps baselines apart", () => {
  const out = averageByModel([
    { modelId: "1", modelName: "m", variant: "Apex", pnlPercent: 2, llmCostUsd: 1 },
    { modelId: "2", modelName: "m", variant: "Sniper", pnlPercent: 4, llmCostUsd: 3 },
    { modelId: "3", modelName: "m", variant: "Apex", pnlPercent: 10, kind: "baseline" },
  ]);
  assert.equal(out.length, 2);
  const m = out.find((e) => !e.kind);
  assert.equal(m.pnlPercent, 3);
  assert.equal(m.llmCostUsd, 2);
  assert.equal(m.accounts, 2);
});

test("CSV export quotes and defuses spreadsheet formulas", () => {
  const csv = toCSV([{ modelName: '=HYPERLINK("x")', variant: "Apex", pnlPercent: -1.5, sharpe: 1 }, { modelName: "a,b", variant: "-2+3+cmd|' /C calc'!A0" }], [["sharpe"]]);
  const lines = csv.trim().split("\r\n");
  assert.equal(lines[0], "rank,modelName,variant,kind,pnlPercent,pnlAbsolute,maxDrawdown,startValue,endValue,sharpe");
  assert.equal(lines[1], `1,"'=HYPERLINK(""x"")",Apex,,-1.5,,,,,1`);
  assert.equal(lines[2], `2,"a,b",'-2+3+cmd|' /C calc'!A0,,,,,,,`);
});

test("failure reasons: structured, prefixed strings, plain strings, tool failures", () => {
  assert.deepEqual(reason({ code: "timeout", message: "120s" }), { code: "timeout", message: "120s" });
  assert.deepEqual(reason('{"kind":"provider_error","detail":"502"}'), { code: "provider_error", message: "502" });
  assert.deepEqual(reason("timeout: model did not answer"), { code: "timeout", message: "model did not answer" });
  assert.deepEqual(reason("Something odd happened"), { code: "", message: "Something odd happened" });
  assert.deepEqual(reason(null, [{ metadata: JSON.stringify({ results: [{ success: false }] }) }]), { code: "tool_call_failed", message: "" });
  assert.deepEqual(reason(null, []), { code: "unknown", message: "" });
});

test("analytics columns: known first, then extra numeric fields", () => {
  const cols = columns([["winRate", "Win rate", String], ["absent", "Absent", String]], [{ modelId: "x", modelName: "m", winRate: 50, sortinoRatio: "N/A", calmarRatio: 1.2, note: "text" }]);
  assert.deepEqual(cols.map((c) => c[0]), ["winRate", "sortinoRatio", "calmarRatio"]);
  assert.equal(humanize("avgRMultiple"), "Avg r multiple");
});

test("tool-call metadata, reasoning and usage are found wherever they are", () => {
  const m = metadata({ raw: JSON.stringify({ action: "holding", reason: "flat" }), decisions: [], results: [] });
  assert.equal(m.action, "holding");
  assert.equal(m.reason, "flat");
  assert.deepEqual(metadata('{"symbols":["BTC"]}'), { symbols: ["BTC"] });
  assert.deepEqual(metadata("not json"), { text: "not json" });
  assert.equal(reasoning({ reasoning: "because" }), "because");
  assert.equal(reasoning(JSON.stringify({ steps: [{ reasoningText: "a" }, { reasoningText: "b" }] })), "a\n\nb");
  assert.equal(reasoning(null), "");
  assert.equal(usage({ usage: { inputTokens: 10, outputTokens: 5 } }).total, 15);
  assert.equal(usage({ totalInputTokens: 7, totalSteps: 2 }).input, 7);
});

test("resource: schedule() queues behind a running fetch instead of aborting it", async () => {
  const { resource } = await import("../static/ui.js");
  const calls = [];
  let release;
  const got = [];
  const r = resource(
    (signal) => {
      calls.push(signal);
      return new Promise((resolve) => (release = () => resolve(calls.length)));
    },
    { onData: (d) => got.push(d) },
  );
  r.load();
  r.schedule(1);
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(calls.length, 1, "no second fetch while the first runs");
  assert.equal(calls[0].aborted, false);
  release();
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(calls.length, 2, "the queued fetch runs after the first");
  release();
  await new Promise((res) => setTimeout(res, 10));
  assert.deepEqual(got, [1, 2]);
  r.load();
  r.load();
  assert.equal(calls[2].aborted, true, "load() aborts an older fetch");
  r.destroy();
  assert.equal(calls[3].aborted, true);
});

test("resource retries a failed fetch and reports the error", async () => {
  const { resource } = await import("../static/ui.js");
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let n = 0;
    const errors = [];
    const data = [];
    const r = resource(async () => {
      if (++n === 1) throw new Error("down");
      return "up";
    }, { onData: (d) => data.push(d), onError: (e) => errors.push(e && e.message) });
    r.load();
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(errors, ["down"]);
    mock.timers.tick(2000);
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(data, ["up"]);
    assert.deepEqual(errors, ["down", null]);
    r.destroy();
  } finally {
    mock.timers.reset();
  }
});
