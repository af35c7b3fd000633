import { test } from "node:test";
import assert from "node:assert/strict";
import { splitEvents, newMessage, applyChunk, forRequest, tableOf, timeSeries } from "../static/chatstream.js";

test("splitEvents returns complete events and keeps the rest", () => {
  const { events, rest } = splitEvents('data: {"type":"start"}\n\ndata: [DONE]\n\ndata: {"ty');
  assert.deepEqual(events, ['{"type":"start"}', "[DONE]"]);
  assert.equal(rest, 'data: {"ty');
});

test("applyChunk assembles text, reasoning and tool parts", () => {
  const m = newMessage();
  for (const c of [
    { type: "start", messageId: "m1" },
    { type: "start-step" },
    { type: "reasoning-start", id: "r" }, { type: "reasoning-delta", id: "r", delta: "think" }, { type: "reasoning-end", id: "r" },
    { type: "tool-input-start", toolCallId: "c1", toolName: "queryPortfolioSql" },
    { type: "tool-input-delta", toolCallId: "c1", inputTextDelta: "{}" },
    { type: "tool-input-available", toolCallId: "c1", toolName: "queryPortfolioSql", input: { sql: "SELECT 1" } },
    { type: "tool-output-error", toolCallId: "c1", errorText: "refused: x" },
    { type: "text-start", id: "t" }, { type: "text-delta", id: "t", delta: "Hel" }, { type: "text-delta", id: "t", delta: "lo" }, { type: "text-end", id: "t" },
    { type: "finish", finishReason: "stop", messageMetadata: { steps: 1 } },
    { type: "who-knows" },
  ]) applyChunk(m, c);
  assert.equal(m.id, "m1");
  assert.deepEqual(m.parts.map((p) => p.type + ":" + (p.state || "")), ["step-start:", "reasoning:done", "tool-queryPortfolioSql:output-error", "text:done"]);
  assert.equal(m.parts[3].text, "Hello");
  assert.equal(m.parts[2].errorText, "refused: x");
  assert.equal(m.finishReason, "stop");
  const req = forRequest(m);
  assert.deepEqual(req.parts.map((p) => p.type), ["tool-queryPortfolioSql", "text"]);
});

test("tableOf reads SQL results and record lists", () => {
  assert.deepEqual(tableOf({ columns: ["a"], rows: [{ a: 1 }] }), { columns: ["a"], rows: [{ a: 1 }] });
  assert.deepEqual(tableOf({ models: [{ name: "x", equity: 1 }, { name: "y", extra: 2 }] }).columns, ["name", "equity", "extra"]);
  assert.equal(tableOf({ models: [] }), null);
  assert.equal(tableOf("text"), null);
});

test("timeSeries finds equity histories and time-valued tables", () => {
  const h = timeSeries({ series: [{ modelId: "m", name: "deepseek", variant: "Apex", points: [{ at: "2026-11-20T00:00:00Z", equity: 10000 }, { at: "2026-11-20T01:00:00Z", equity: 10020 }] }] });
  assert.equal(h.length, 1);
  assert.deepEqual(h[0].points[1], [Date.parse("2026-11-20T01:00:00Z"), 10020]);
  const rows = [
    { model_id: "a", at: "2026-11-20T00:00:00Z", equity: "10000.00" },
    { model_id: "a", at: "2026-11-20T01:00:00Z", equity: "10010.50" },
    { model_id: "b", at: "2026-11-20T00:00:00Z", equity: "9990" },
    { model_id: "b", at: "2026-11-20T01:00:00Z", equity: "9980" },
  ];
  const s = timeSeries({ columns: ["model_id", "at", "equity"], rows });
  assert.deepEqual(s.map((x) => x.key), ["a", "b"]);
  assert.equal(s[0].points[1][1], 10010.5);
  assert.equal(timeSeries({ columns: ["name", "trades"], rows: [{ name: "a", trades: 1 }, { name: "b", trades: 2 }] }), null);
  assert.equal(timeSeries({ columns: ["at"], rows: [{ at: "2026-11-20T00:00:00Z" }, { at: "2026-11-21T00:00:00Z" }] }), null);
});
