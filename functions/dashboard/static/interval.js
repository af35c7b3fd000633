// @ts-check
// Intervals: a figure's 95% interval drawn as a whisker (a line from the
// lower to the upper end, capped, with a dot at the estimate), on a scale
// shared by every row of a column so rows compare at a glance, and the
// pessimistic end of an interval that ranking by the lower bound uses.
import { html } from "./html.js";
import * as f from "./format.js";

// interval returns {lo, hi} of e's interval for figure key, or null.
export function interval(e, key) {
  const iv = e?.intervals?.[key];
  if (!iv) return null;
  const lo = f.num(iv.lo), hi = f.num(iv.hi);
  return Number.isFinite(lo) && Number.isFinite(hi) ? { lo, hi } : null;
}

// domain covers every estimate and interval end of key over rows, and 0.
export function domain(rows, key) {
  let lo = 0, hi = 0;
  for (const e of rows) {
    const iv = interval(e, key), v = f.num(e[key]);
    for (const x of [iv?.lo, iv?.hi, v]) {
      if (typeof x === "number" && Number.isFinite(x)) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
  }
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

// whisker draws e's interval of key on the domain [d0, d1] (a dashed tick
// marks zero); nothing when e has no interval for it.
/**
 * @param {Record<string, any>} e
 * @param {string} key
 * @param {number[]} domain the axis, [low, high]
 * @param {{width?: number, digits?: number, unit?: string}} [options]
 */
export function whisker(e, key, [d0, d1], { width = 90, digits = 2, unit = "" } = {}) {
  const iv = interval(e, key);
  if (!iv) return "";
  const h = 12, pad = 3;
  const x = (v) => (pad + ((v - d0) / (d1 - d0)) * (width - 2 * pad)).toFixed(1);
  const v = f.num(e[key]);
  const fmt = (n) => f.fixed(n, digits) + unit;
  return html`<span class="ci" data-testid="interval" data-figure="${key}" data-lo="${iv.lo}" data-hi="${iv.hi}" title="95% interval ${fmt(iv.lo)} to ${fmt(iv.hi)}">
    <svg class="whisker" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" aria-hidden="true">
      <line class="whisker-zero" x1="${x(0)}" x2="${x(0)}" y1="0" y2="${h}"/>
      <line class="whisker-range" x1="${x(iv.lo)}" x2="${x(iv.hi)}" y1="${h / 2}" y2="${h / 2}"/>
      <line class="whisker-cap" x1="${x(iv.lo)}" x2="${x(iv.lo)}" y1="2" y2="${h - 2}"/>
      <line class="whisker-cap" x1="${x(iv.hi)}" x2="${x(iv.hi)}" y1="2" y2="${h - 2}"/>
      ${Number.isFinite(v) ? html`<circle class="whisker-point" cx="${x(v)}" cy="${h / 2}" r="2.5"/>` : ""}
    </svg></span>`;
}

// pessimistic is the end of key's interval ranking by the lower bound
// uses, larger is better: the lower end, the negated upper end for
// drawdown, the lower end of the return in dollars for PnL $; NaN without
// an interval.
export function pessimistic(e, key) {
  if (key === "pnlAbsolute") {
    const iv = interval(e, "pnlPercent");
    return iv ? (iv.lo / 100) * f.num(e.startValue) : NaN;
  }
  const iv = interval(e, key);
  if (!iv) return NaN;
  return key === "maxDrawdown" ? -iv.hi : iv.lo;
}
