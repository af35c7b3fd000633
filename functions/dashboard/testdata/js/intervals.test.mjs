import { test } from "node:test";
import assert from "node:assert/strict";
import { interval, domain, pessimistic } from "../static/interval.js";
import { rank } from "../static/pages/leaderboard.js";
import { defaultPair, verdict } from "../static/pages/compare.js";

const e = (id, pnl, lo, hi, extra = {}) => ({ modelId: id, modelName: id, pnlPercent: pnl, startValue: 10000, maxDrawdown: 5, intervals: { pnlPercent: { lo, hi }, maxDrawdown: { lo: 2, hi: 5 + hi } }, ...extra });

test("interval and domain read the API's intervals, zero always in the domain", () => {
  assert.deepEqual(interval(e("a", 1, -2, 3), "pnlPercent"), { lo: -2, hi: 3 });
  assert.equal(interval({}, "pnlPercent"), null);
  assert.equal(interval({ intervals: { sharpe: null } }, "sharpe"), null);
  assert.deepEqual(domain([e("a", 1, 2, 3), e("b", 4, 3, 6)], "pnlPercent"), [0, 6]);
  assert.deepEqual(domain([], "pnlPercent"), [-1, 1]);
});

test("pessimistic: lower end; upper end of drawdown; dollars of the lower return", () => {
  assert.equal(pessimistic(e("a", 1, -2, 3), "pnlPercent"), -2);
  assert.equal(pessimistic(e("a", 1, -2, 3), "maxDrawdown"), -8);
  assert.equal(pessimistic(e("a", 1, -2, 3), "pnlAbsolute"), -200);
  assert.ok(Number.isNaN(pessimistic({}, "sharpe")));
});

test("rank: immature last, by estimate or by lower bound", () => {
  const es = [e("wide", 9, -20, 30), e("narrow", 5, 2, 8), e("young", 50, 40, 60, { immature: true }), { modelId: "none", modelName: "none", pnlPercent: 0 }];
  assert.deepEqual(rank(es, "pnlPercent").map((x) => x.modelId), ["wide", "narrow", "none", "young"]);
  assert.deepEqual(rank(es, "pnlPercent", true).map((x) => x.modelId), ["narrow", "wide", "none", "young"]);
  assert.deepEqual(rank(es, "maxDrawdown", true).map((x) => x.modelId), ["narrow", "wide", "none", "young"]);
});

test("compare: the two leading ranked entrants by default; verdicts", () => {
  assert.deepEqual(defaultPair([{ modelId: "x", immature: true }, { modelId: "a" }, { modelId: "b" }]), ["a", "b"]);
  assert.deepEqual(defaultPair([{ modelId: "x", immature: true }, { modelId: "a" }]), ["x", "a"]);
  assert.match(verdict(0.99, true, "A", "B"), /^A beats B/);
  assert.match(verdict(0.01, true, "A", "B"), /^B beats A/);
  assert.match(verdict(0.6, false, "A", "B"), /No significant difference.*60%/);
  assert.match(verdict(null, false, "A", "B"), /Not enough/);
});
