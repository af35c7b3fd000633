// @ts-check
// Number, money and time formatting. The API may send numbers as JSON
// numbers or as decimal strings (money is fixed-point on the server), and
// timestamps as ISO strings or Dates; everything here accepts all of them.

export function num(v) {
  if (v === null || v === undefined || v === "") return NaN;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

export const ok = (v) => Number.isFinite(num(v));

const cache = new Map();
function nf(min, max, extra = {}) {
  const key = `${min}:${max}:${JSON.stringify(extra)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { minimumFractionDigits: min, maximumFractionDigits: max, ...extra });
    cache.set(key, f);
  }
  return f;
}

export const DASH = "—";

function signOf(n, sign) {
  if (!sign) return n < 0 ? "-" : "";
  return n > 0 ? "+" : n < 0 ? "-" : "";
}

// usd formats dollars: usd(1234.5) "$1,234.50", usd(-3, {sign:true}) "-$3.00".
export function usd(v, { sign = false, dp = 2, compact = false } = {}) {
  const n = num(v);
  if (!Number.isFinite(n)) return DASH;
  const a = Math.abs(n);
  const body = compact && a >= 10000 ? nf(0, 1, { notation: "compact" }).format(a) : nf(dp, dp).format(a);
  return `${signOf(n, sign)}$${body}`;
}

// price picks decimals by magnitude, so SOL and BTC both read naturally.
export function price(v) {
  const n = num(v);
  if (!Number.isFinite(n)) return DASH;
  const a = Math.abs(n);
  const dp = a >= 1000 ? 2 : a >= 1 ? 3 : a >= 0.01 ? 5 : 8;
  return nf(dp > 2 ? 2 : dp, dp).format(n);
}

export function pct(v, { sign = true, dp = 2 } = {}) {
  const n = num(v);
  if (!Number.isFinite(n)) return DASH;
  return `${signOf(n, sign)}${nf(dp, dp).format(Math.abs(n))}%`;
}

export function qty(v) {
  const n = num(v);
  if (!Number.isFinite(n)) return DASH;
  return nf(0, Math.abs(n) >= 100 ? 2 : 6).format(n);
}

export function fixed(v, dp = 2) {
  const n = num(v);
  if (!Number.isFinite(n)) return typeof v === "string" && v ? v : DASH;
  return nf(dp, dp).format(n);
}

export function int(v) {
  const n = num(v);
  return Number.isFinite(n) ? nf(0, 0).format(n) : DASH;
}

export function tokens(v) {
  const n = num(v);
  if (!Number.isFinite(n)) return DASH;
  return Math.abs(n) >= 10000 ? nf(0, 1, { notation: "compact" }).format(n) : nf(0, 0).format(n);
}

export function pnlClass(v) {
  const n = num(v);
  if (!Number.isFinite(n) || n === 0) return "flat";
  return n > 0 ? "pos" : "neg";
}

export function toDate(v) {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (v === null || v === undefined || v === "") return null;
  const d = new Date(typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export const ms = (v) => toDate(v)?.getTime() ?? NaN;

const dtf = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const dtfShort = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
const tf = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hour12: false });
const df = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });

export function dateTime(v) {
  const d = toDate(v);
  return d ? dtf.format(d) : DASH;
}

export function dateTimeShort(v) {
  const d = toDate(v);
  return d ? dtfShort.format(d) : DASH;
}

export function timeOfDay(v) {
  const d = toDate(v);
  return d ? tf.format(d) : DASH;
}

export function day(v) {
  const d = toDate(v);
  return d ? df.format(d) : DASH;
}

export function iso(v) {
  const d = toDate(v);
  return d ? d.toISOString() : "";
}

// ago is a coarse relative time: "12s ago", "5m ago", "3h ago", "2d ago".
export function ago(v, now = Date.now()) {
  const d = toDate(v);
  if (!d) return DASH;
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

// duration formats milliseconds the way the reference's holdingTime reads:
// "1D 2H 3M", "4H 0M", "12M".
export function duration(msValue) {
  const m = Math.floor(num(msValue) / 60000);
  if (!Number.isFinite(m) || m < 0) return DASH;
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  if (d) return `${d}D ${h}H ${mm}M`;
  if (h) return `${h}H ${mm}M`;
  return `${mm}M`;
}

export function minutes(v) {
  const n = num(v);
  return Number.isFinite(n) ? duration(n * 60000) : DASH;
}

// side normalises "long"/"LONG"/"buy" and friends to "LONG" or "SHORT".
export function side(v) {
  const s = String(v ?? "").toUpperCase();
  if (s === "LONG" || s === "BUY") return "LONG";
  if (s === "SHORT" || s === "SELL") return "SHORT";
  return s || DASH;
}
