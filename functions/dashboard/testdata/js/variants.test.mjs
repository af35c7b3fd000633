import { test } from "node:test";
import assert from "node:assert/strict";
import { variantBadge, variantSelect } from "../static/ui.js";

const store = {
  variants: [{ id: "Guardian", label: "Guardian (Fortress)", color: "#a855f7" }],
  variant: (id) => ({ id, label: id, color: "#64748b" }),
};

test("a baseline is shown as a baseline, never as a persona", () => {
  const b = String(variantBadge(store, "baseline"));
  assert.match(b, /data-testid="baseline-variant"/);
  assert.match(b, />baseline</);
  assert.match(b, /every competition/);
  assert.doesNotMatch(String(variantBadge(store, "Guardian")), /baseline/);
});

test("a persona's competition says that baselines are listed in it", () => {
  assert.match(String(variantSelect(store, "Guardian")), /Baselines are listed in every competition/);
  assert.doesNotMatch(String(variantSelect(store, "all")), /Baselines are listed/);
});
