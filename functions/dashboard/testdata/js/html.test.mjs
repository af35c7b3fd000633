import { test } from "node:test";
import assert from "node:assert/strict";
import { esc, html, raw, color, plain } from "../static/html.js";

test("esc escapes every markup and quote character", () => {
  assert.equal(esc(`<img src=x onerror="a('b')">&\``), "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;&#96;");
  assert.equal(esc(null), "");
  assert.equal(esc(undefined), "");
  assert.equal(esc(0), "0");
});

test("html escapes interpolations but not nested templates", () => {
  const evil = `"><script>x()</script>`;
  const out = html`<div title="${evil}">${evil}${html`<b>${evil}</b>`}${[evil, html`<i>ok</i>`]}${false}${null}</div>`.toString();
  assert.equal(out.includes("<script>"), false);
  assert.equal(out.includes("<b>&quot;&gt;&lt;script&gt;"), true);
  assert.equal(out.includes("<i>ok</i>"), true);
  assert.equal(out.includes("false"), false);
  assert.equal(html`${raw("<hr>")}`.toString(), "<hr>");
});

test("color accepts plain hex colours only", () => {
  assert.equal(color("#a855f7"), "#a855f7");
  assert.equal(color("#abc"), "#abc");
  assert.equal(color("#a855f7;background:url(x)"), "#64748b");
  assert.equal(color("red"), "#64748b");
  assert.equal(color(undefined, "#000"), "#000");
  assert.equal(color('#fff" onmouseover="x'), "#64748b");
});

test("bidi controls in server text are dropped so model text cannot reverse the page", () => {
  const evil = "open \u202eGNOL\u202c BTC \u2067x\u2069 \u200f";
  assert.equal(plain(evil), "open GNOL BTC x ");
  assert.equal(html`<p>${evil}</p>`.toString(), "<p>open GNOL BTC x </p>");
  assert.equal(esc("\u202d<b>"), "&lt;b&gt;");
  assert.equal(plain("مرحبا hello"), "مرحبا hello"); // right-to-left scripts themselves are kept
});
