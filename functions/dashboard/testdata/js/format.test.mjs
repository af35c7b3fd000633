import { test } from "node:test";
import assert from "node:assert/strict";
import * as f from "../static/format.js";

test("numbers arrive as numbers, decimal strings or bigints", () => {
  assert.equal(f.num("10000.50"), 10000.5);
  assert.equal(f.num(12n), 12);
  assert.ok(Number.isNaN(f.num("abc")));
  assert.ok(Number.isNaN(f.num(null)));
  assert.ok(Number.isNaN(f.num("")));
});

test("money, percent and price formatting", () => {
  assert.equal(f.usd(1234.5), "$1,234.50");
  assert.equal(f.usd("-3"), "-$3.00");
  assert.equal(f.usd(3, { sign: true }), "+$3.00");
  assert.equal(f.usd(0, { sign: true }), "$0.00");
  assert.equal(f.usd(null), "—");
  assert.equal(f.pct(1.234), "+1.23%");
  assert.equal(f.pct(-0.5, { sign: false }), "-0.50%");
  assert.equal(f.price(97000.1), "97,000.10");
  assert.equal(f.price("182.431"), "182.431");
  assert.equal(f.price(0.123456), "0.12346");
});

test("durations read like the reference's holdingTime", () => {
  assert.equal(f.duration((26 * 60 + 3) * 60000), "1D 2H 3M");
  assert.equal(f.duration(65 * 60000), "1H 5M");
  assert.equal(f.duration(59000), "0M");
  assert.equal(f.duration(-1), "—");
  assert.equal(f.minutes(95), "1H 35M");
});

test("sides and dates normalise", () => {
  assert.equal(f.side("long"), "LONG");
  assert.equal(f.side("SELL"), "SHORT");
  assert.equal(f.side(""), "—");
  assert.equal(f.toDate("2025-11-21T10:00:00Z").toISOString(), "2025-11-21T10:00:00.000Z");
  assert.equal(f.toDate("not a date"), null);
  assert.equal(f.ago(Date.now() - 5 * 60000), "5m ago");
});
