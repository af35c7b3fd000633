// @ts-check
// Hand-written SVG line chart for equity curves: time on x, value on y,
// end-of-line labels, a dashed reference line (starting capital) and a
// hover crosshair with a tooltip. No library; redraws on resize.
import { esc, plain } from "./html.js";

const NS = "http://www.w3.org/2000/svg";
const M = { top: 14, right: 168, bottom: 26, left: 62 };
const MINUTE = 60000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const TIME_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

// niceTicks returns about n round numbers spanning [lo, hi].
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

// timeTicks returns tick times in [t0, t1] on a round local-time step.
export function timeTicks(t0, t1, n) {
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= n) || TIME_STEPS[TIME_STEPS.length - 1];
  const offset = new Date(t0).getTimezoneOffset() * MINUTE;
  const out = [];
  for (let t = Math.ceil((t0 - offset) / step) * step + offset; t <= t1; t += step) out.push(t);
  return { ticks: out, step };
}

const fmtHM = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hour12: false });
const fmtMD = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });
const fmtFull = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });

function timeLabel(t, step) {
  if (step >= DAY) return fmtMD.format(t);
  const d = new Date(t);
  return d.getHours() === 0 && d.getMinutes() === 0 ? fmtMD.format(t) : fmtHM.format(t);
}

// decimate keeps, per pixel column, the first, lowest, highest and last
// point, so a long series draws fast without losing its extremes.
export function decimate(points, x0, x1, px) {
  if (points.length <= px * 2 || x1 <= x0) return points;
  const out = [];
  let col = -1, bucket = [];
  const flush = () => {
    if (!bucket.length) return;
    let lo = bucket[0], hi = bucket[0];
    for (const p of bucket) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = new Set([bucket[0], lo, hi, bucket[bucket.length - 1]]);
    for (const p of bucket) if (keep.has(p)) out.push(p);
    bucket = [];
  };
  for (const p of points) {
    const c = Math.floor(((p[0] - x0) / (x1 - x0)) * px);
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

// nearest returns the index of the point whose time is closest to t.
function nearest(points, t) {
  let lo = 0, hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1][0] - t) <= Math.abs(points[lo][0] - t)) return lo - 1;
  return lo;
}

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

// createLineChart draws into host (whose CSS gives it a height). Series are
// {key, label, color, dashed?, points: [[ms, value], ...] sorted by time}.
/**
 * @typedef {{key: string, label: string, color: string, dashed?: boolean, points: number[][]}} Series
 * @typedef {{yFormat?: (v: number) => string, baseline?: number | null, empty?: string}} ChartOptions
 */
/**
 * @param {Element} host
 * @param {ChartOptions} [options]
 */
export function createLineChart(host, { yFormat = String, baseline = null, empty = "No data yet" } = {}) {
  let series = [];
  let hidden = new Set();
  let geom = null;
  host.classList.add("chart");
  const svg = el("svg", { class: "chart-svg", role: "img" });
  const tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.hidden = true;
  const msg = document.createElement("div");
  msg.className = "chart-empty";
  host.replaceChildren(svg, tip, msg);

  function visible() {
    return series.filter((s) => !hidden.has(s.key) && s.points.length);
  }

  function draw() {
    const W = host.clientWidth, H = host.clientHeight || 360;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("width", W);
    svg.setAttribute("height", H);
    svg.replaceChildren();
    tip.hidden = true;
    const vis = visible();
    msg.textContent = vis.length ? "" : empty;
    msg.hidden = vis.length > 0;
    geom = null;
    if (!vis.length || W < 120) return;

    let t0 = Infinity, t1 = -Infinity, v0 = Infinity, v1 = -Infinity;
    for (const s of vis) {
      for (const [t, v] of s.points) {
        if (t < t0) t0 = t;
        if (t > t1) t1 = t;
        if (v < v0) v0 = v;
        if (v > v1) v1 = v;
      }
    }
    if (baseline !== null && Number.isFinite(baseline)) {
      v0 = Math.min(v0, baseline);
      v1 = Math.max(v1, baseline);
    }
    if (t1 === t0) {
      t0 -= HOUR;
      t1 += HOUR;
    }
    const span = v1 - v0 || Math.max(1, Math.abs(v1) * 0.01);
    v0 -= span * 0.08;
    v1 += span * 0.08;
    const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
    const x = (t) => M.left + ((t - t0) / (t1 - t0)) * pw;
    const y = (v) => M.top + (1 - (v - v0) / (v1 - v0)) * ph;

    const grid = el("g", { class: "chart-grid" }, svg);
    for (const v of niceTicks(v0, v1, Math.max(2, Math.round(ph / 56)))) {
      const yy = Math.round(y(v)) + 0.5;
      el("line", { x1: M.left, x2: M.left + pw, y1: yy, y2: yy }, grid);
      el("text", { x: M.left - 8, y: yy + 4, "text-anchor": "end", class: "chart-label" }, grid).textContent = yFormat(v);
    }
    const { ticks, step } = timeTicks(t0, t1, Math.max(2, Math.floor(pw / 96)));
    for (const t of ticks) {
      const xx = Math.round(x(t)) + 0.5;
      el("line", { x1: xx, x2: xx, y1: M.top, y2: M.top + ph, class: "chart-vgrid" }, grid);
      el("text", { x: xx, y: H - 8, "text-anchor": "middle", class: "chart-label" }, grid).textContent = timeLabel(t, step);
    }
    if (baseline !== null && baseline >= v0 && baseline <= v1) {
      const yy = Math.round(y(baseline)) + 0.5;
      el("line", { x1: M.left, x2: M.left + pw, y1: yy, y2: yy, class: "chart-baseline" }, svg);
    }

    const lines = el("g", { class: "chart-lines" }, svg);
    const ends = [];
    for (const s of vis) {
      const pts = decimate(s.points, t0, t1, pw);
      let d = "";
      for (let i = 0; i < pts.length; i++) d += `${i ? "L" : "M"}${x(pts[i][0]).toFixed(1)},${y(pts[i][1]).toFixed(1)}`;
      const attrs = { d, stroke: s.color, fill: "none", "stroke-width": s.dashed ? 1.5 : 1.9, "stroke-linejoin": "round", "stroke-linecap": "round" };
      if (s.dashed) attrs["stroke-dasharray"] = "5 4";
      el("path", attrs, lines);
      const last = s.points[s.points.length - 1];
      ends.push({ s, x: x(last[0]), y: y(last[1]), v: last[1] });
    }
    drawEnds(ends, W, H);

    const hover = el("g", { class: "chart-hover", visibility: "hidden" }, svg);
    el("line", { x1: 0, x2: 0, y1: M.top, y2: M.top + ph, class: "chart-cross" }, hover);
    geom = { x, y, t0, t1, pw, ph, vis, hover };
  }

  // End labels sit in the right margin, pushed apart so they never overlap.
  function drawEnds(ends, W, H) {
    const g = el("g", { class: "chart-ends" }, svg);
    const gap = 15;
    ends.sort((a, b) => a.y - b.y);
    let prev = -Infinity;
    for (const e of ends) {
      e.ly = Math.max(e.y, prev + gap);
      prev = e.ly;
    }
    const overflow = prev - (H - M.bottom);
    if (overflow > 0) for (const e of ends) e.ly -= overflow;
    for (let i = 1; i < ends.length; i++) if (ends[i].ly < ends[i - 1].ly + gap) ends[i].ly = ends[i - 1].ly + gap;
    for (const e of ends) {
      el("circle", { cx: e.x, cy: e.y, r: 3.2, fill: e.s.color }, g);
      const lx = W - M.right + 8;
      el("line", { x1: e.x + 4, y1: e.y, x2: lx - 2, y2: e.ly, stroke: e.s.color, "stroke-opacity": 0.35 }, g);
      const t = el("text", { x: lx, y: e.ly + 4, class: "chart-end", fill: e.s.color }, g);
      t.textContent = `${truncate(plain(e.s.label), 15)} ${yFormat(e.v)}`;
    }
  }

  function onMove(ev) {
    if (!geom) return;
    const r = svg.getBoundingClientRect();
    const px = ev.clientX - r.left;
    if (px < M.left || px > M.left + geom.pw) return onLeave();
    const t = geom.t0 + ((px - M.left) / geom.pw) * (geom.t1 - geom.t0);
    const rows = [];
    let at = t;
    for (const s of geom.vis) {
      const p = s.points[nearest(s.points, t)];
      if (Math.abs(p[0] - t) > (geom.t1 - geom.t0) / 8 && s.points.length > 1) continue;
      rows.push({ s, v: p[1], t: p[0] });
      at = p[0];
    }
    const { hover } = geom;
    hover.setAttribute("visibility", "visible");
    const cx = geom.x(at);
    hover.firstChild.setAttribute("x1", cx);
    hover.firstChild.setAttribute("x2", cx);
    while (hover.childNodes.length > 1) hover.lastChild.remove();
    for (const row of rows) el("circle", { cx: geom.x(row.t), cy: geom.y(row.v), r: 3.5, fill: row.s.color, stroke: "#0a0d12", "stroke-width": 1.5 }, hover);
    rows.sort((a, b) => b.v - a.v);
    tip.innerHTML =
      `<div class="chart-tip-time">${esc(fmtFull.format(at))}</div>` +
      rows.map((row) => `<div class="chart-tip-row"><i style="background:${esc(row.s.color)}"></i><span>${esc(row.s.label)}</span><b>${esc(yFormat(row.v))}</b></div>`).join("");
    tip.hidden = !rows.length;
    const tw = tip.offsetWidth;
    tip.style.left = `${cx + 14 + tw > host.clientWidth ? cx - 14 - tw : cx + 14}px`;
    tip.style.top = `${M.top + 4}px`;
  }

  function onLeave() {
    tip.hidden = true;
    geom?.hover.setAttribute("visibility", "hidden");
  }

  svg.addEventListener("pointermove", onMove);
  svg.addEventListener("pointerleave", onLeave);
  let frame = 0;
  const ro = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(draw);
  });
  ro.observe(host);

  return {
    setSeries(s) {
      series = s;
      draw();
    },
    setHidden(h) {
      hidden = new Set(h);
      draw();
    },
    // setBaseline moves the dotted reference line (null hides it).
    setBaseline(b) {
      if (b === baseline) return;
      baseline = b;
      draw();
    },
    destroy() {
      ro.disconnect();
      cancelAnimationFrame(frame);
    },
  };
}

function truncate(s, n) {
  s = String(s);
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}
