// @ts-check
// Safe HTML building. Every value interpolated into html`` is escaped unless
// it is itself the result of html`` (or raw()); server strings (model output
// above all) are hostile and must never reach innerHTML unescaped.
// Templates must quote every attribute value with double quotes.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

// BIDI matches the Unicode bidirectional controls (embeddings, overrides,
// isolates, marks). In model text they reverse or reorder what follows,
// even outside the element that holds them, so text that reads "LONG" can
// show "GNOL"; they are dropped from every server string shown.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// plain is a server string made safe to show as text: bidi controls dropped.
export function plain(value) {
  return String(value ?? "").replace(BIDI, "");
}

export function esc(value) {
  return plain(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

class SafeHTML {
  constructor(s) {
    this.s = s;
  }
  toString() {
    return this.s;
  }
}

// raw marks a string the caller built from trusted parts as already safe.
export const raw = (s) => new SafeHTML(String(s));

function part(v) {
  if (v instanceof SafeHTML) return v.s;
  if (Array.isArray(v)) return v.map(part).join("");
  if (v === null || v === undefined || v === false) return "";
  return esc(v);
}

export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new SafeHTML(out);
}

// render replaces el's content, keeping <details data-key> elements open
// across re-renders so live updates don't collapse what a reader opened.
export function render(el, content) {
  const open = new Set();
  for (const d of el.querySelectorAll("details[open][data-key]")) open.add(d.dataset.key);
  el.innerHTML = part(content);
  if (open.size) {
    for (const d of el.querySelectorAll("details[data-key]")) if (open.has(d.dataset.key)) d.open = true;
  }
}

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

// color returns c when it is a plain hex colour, else fallback; colours come
// from the server and end up in attributes.
export function color(c, fallback = "#64748b") {
  return typeof c === "string" && HEX.test(c) ? c : fallback;
}
