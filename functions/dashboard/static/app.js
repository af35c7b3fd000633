// @ts-check
// Entry point: wires the RPC client, the live (SSE) connections and the
// shared store, keeps the header (price ticker, model filter, connection
// status) current, and routes #/, #/leaderboard, #/compare, #/seasons, #/analytics,
// #/failures and #/chat to their pages. Page options live in the hash query so views
// can be linked.
import config from "../../config.js";
import { html, render } from "./html.js";
import * as f from "./format.js";
import { createClient } from "./rpc.js";
import { createLive } from "./live.js";
import { createStore } from "./store.js";
import { resource, list } from "./ui.js";
import arena from "./pages/arena.js";
import leaderboard from "./pages/leaderboard.js";
import analytics from "./pages/analytics.js";
import failures from "./pages/failures.js";
import chat from "./pages/chat.js";
import compare from "./pages/compare.js";
import seasons from "./pages/seasons.js";

const ROUTES = { "": ["arena", arena], leaderboard: ["leaderboard", leaderboard], compare: ["compare", compare], seasons: ["seasons", seasons], analytics: ["analytics", analytics], failures: ["failures", failures], chat: ["chat", chat] };
const SYMBOL_ORDER = ["BTC", "ETH", "SOL"];
const SPARK_POINTS = 120;

const statusEl = /** @type {HTMLElement} */ (document.querySelector("[data-testid=sse-status]"));
function setStatus(s) {
  statusEl.textContent = s;
  statusEl.className = `sse-status ${s}`;
  statusEl.title = s === "live" ? "Live updates connected" : "Live updates disconnected; reconnecting";
}

const rpc = createClient(config.apiBase);
const live = createLive(config.sseBase, setStatus);
const store = createStore();
document.title = config.title;
document.querySelector(".brand")?.setAttribute("title", `Dashboard build ${config.version}`);

// ---- price ticker ---------------------------------------------------------
const prices = new Map(); // symbol -> {price, prev, points: number[], at}
let livePricesAt = -1; // performance.now() of the last live price update
const tickerEl = document.getElementById("ticker");
let tickerErr = null;

function applyPrices(items) {
  if (!Array.isArray(items)) return;
  for (const p of items) {
    if (!p || !p.symbol) continue;
    const v = f.num(p.price);
    if (!Number.isFinite(v)) continue;
    const cur = prices.get(p.symbol) || { points: [] };
    if (cur.price !== v) {
      cur.prev = cur.price;
      cur.price = v;
      cur.points.push(v);
      if (cur.points.length > SPARK_POINTS) cur.points.shift();
    }
    cur.at = p.time ?? p.timestamp ?? cur.at;
    prices.set(p.symbol, cur);
  }
  tickerErr = null;
  drawTicker();
}

function spark(points, dir) {
  if (points.length < 2) return "";
  const lo = Math.min(...points), hi = Math.max(...points), w = 64, h = 18;
  const d = points.map((v, i) => `${i ? "L" : "M"}${((i / (points.length - 1)) * w).toFixed(1)},${(h - 1 - ((v - lo) / (hi - lo || 1)) * (h - 2)).toFixed(1)}`).join("");
  return html`<svg class="spark ${dir}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" aria-hidden="true"><path d="${d}"/></svg>`;
}

function drawTicker() {
  const rank = (s) => (SYMBOL_ORDER.includes(s) ? SYMBOL_ORDER.indexOf(s) : SYMBOL_ORDER.length);
  const syms = [...prices.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  render(tickerEl, html`${syms.map((s) => {
    const p = prices.get(s);
    const dir = p.prev === undefined || p.prev === p.price ? "flat" : p.price > p.prev ? "up" : "down";
    const first = p.points[0];
    const chg = first ? ((p.price - first) / first) * 100 : NaN;
    return html`<div class="tick ${dir}" data-testid="${"price-" + s}" data-symbol="${s}" title="${p.at ? "Updated " + f.dateTime(p.at) : ""}">
      <span class="tick-sym">${s}</span><span class="tick-px num" data-testid="price-value">${f.price(p.price)}</span>
      <span class="tick-chg num ${f.pnlClass(chg)}" title="Change since this page opened">${p.points.length > 1 ? f.pct(chg) : ""}</span>${spark(p.points, dir)}</div>`;
  })}${tickerErr && !syms.length ? html`<span class="muted">Prices unavailable.</span>` : ""}`);
}

const priceRes = resource((signal) => rpc("trading/getCryptoPrices", {}, { signal }), {
  onData(out, started) {
    if (livePricesAt < started) applyPrices(list(out, "prices")); // else the stream is newer
  },
  onError(err) {
    tickerErr = err;
    if (err) drawTicker();
  },
});
live.subscribe("prices", (ev) => {
  if (ev.kind === "reset" || ev.kind === "resync") return priceRes.load();
  livePricesAt = performance.now();
  applyPrices(list(ev.data, "prices"));
});

// ---- models, variants, model filter ----------------------------------------
const filterEl = /** @type {HTMLSelectElement} */ (document.getElementById("model-filter"));
function drawFilter() {
  const names = [...store.modelNames];
  if (store.filter && !names.includes(store.filter)) names.unshift(store.filter);
  render(filterEl, html`<option value="">All models</option>${names.map((n) => html`<option value="${n}" ${n === store.filter ? html`selected` : ""}>${n}</option>`)}`);
  filterEl.classList.toggle("active", !!store.filter);
}
filterEl.addEventListener("change", () => store.setFilter(filterEl.value));
store.on((what) => (what === "models" || what === "filter") && drawFilter());

const modelsRes = resource((signal) => rpc("models/getModels", {}, { signal }), { onData: (out) => store.setModels(list(out, "models") || []) });
const variantsRes = resource((signal) => rpc("variants/getVariants", {}, { signal }), { onData: (out) => store.setVariants(list(out, "variants")) });

// ---- router ---------------------------------------------------------------
const pageEl = /** @type {HTMLElement} */ (document.getElementById("page")); // index.html always has it
let current = null; // {route, page}

export function parseHash(hash) {
  const h = String(hash || "").replace(/^#\/?/, "");
  const [path, qs = ""] = h.split("?");
  return { route: path.replace(/\/+$/, ""), query: Object.fromEntries(new URLSearchParams(qs)) };
}

function navigate(patch) {
  const { route, query } = parseHash(location.hash);
  const next = new URLSearchParams({ ...query, ...patch });
  for (const [k, v] of [...next]) if (v === "" || v === undefined) next.delete(k);
  const qs = next.toString();
  history.replaceState(null, "", `#/${route}${qs ? "?" + qs : ""}`);
  onRoute();
}

function onRoute() {
  const { route, query } = parseHash(location.hash);
  if (current && current.route === route) return current.page?.update?.(query);
  current?.page?.destroy?.();
  current = null;
  for (const a of document.querySelectorAll(/** @type {"a"} */ (".nav a"))) a.classList.toggle("on", a.dataset.route === (ROUTES[route]?.[0] ?? ""));
  const entry = ROUTES[route];
  pageEl.replaceChildren();
  if (!entry) {
    render(pageEl, html`<section class="panel page-panel"><h1>Not found</h1><p class="muted">There is no page at #/${route}. <a href="#/">Back to the arena</a>.</p></section>`);
    current = { route, page: null };
    return;
  }
  pageEl.dataset.page = entry[0];
  current = { route, page: entry[1](pageEl, { rpc, live, store, navigate }, query) };
}

window.addEventListener("hashchange", onRoute);
onRoute();
drawFilter();
priceRes.load();
modelsRes.load();
variantsRes.load();
