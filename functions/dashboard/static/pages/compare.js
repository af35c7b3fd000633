// @ts-check
// Compare: entrant A against entrant B on the same periods: both equity
// curves, the probability that A's return beats B's from a paired
// bootstrap of their returns over the periods they share, and whether that
// is significant at 5 %; the distribution over repeats when the season has
// repeats (the live arena runs each entrant once, so it says so).
//
// RPC: analytics.getLeaderboard (the choices, and the default pair: the two
// leading ranked entrants), analytics.getComparison. SSE: portfolio (refetch).
import { html, render, color } from "../html.js";
import * as f from "../format.js";
import { createLineChart } from "../chart.js";
import { resource, errorBox, seg, bindControls, variantBadge, percent, list } from "../ui.js";

const WINDOWS = [["24h", "24h"], ["7d", "7d"], ["30d", "30d"]];

function normalize(q) {
  return { window: WINDOWS.some(([w]) => w === q.window) ? q.window : "7d", a: q.a || "", b: q.b || "", season: q.season || "live" };
}

// defaultPair picks the two leading ranked entrants (the API's order), or
// the two first when fewer are ranked.
export function defaultPair(entries) {
  const ranked = entries.filter((e) => !e.immature);
  const pool = ranked.length >= 2 ? ranked : entries;
  return [pool[0]?.modelId || "", pool[1]?.modelId || ""];
}

// verdict words P(A beats B).
export function verdict(p, significant, a, b) {
  const n = f.num(p);
  if (!Number.isFinite(n)) return "Not enough shared periods to compare yet.";
  if (!significant) return `No significant difference: ${a} beats ${b} in ${Math.round(n * 100)}% of resamples.`;
  return n > 0.5 ? `${a} beats ${b} (significant at 5%).` : `${b} beats ${a} (significant at 5%).`;
}

export default function compare(root, { rpc, live, store, navigate }, query) {
  let q = normalize(query);
  let entries = [];
  let out = null;
  let err = null;

  const pair = () => {
    const [da, db] = defaultPair(entries);
    return [q.a || da, q.b || (q.a === db ? da : db)];
  };
  // The live arena's entrants come from its leaderboard; a stored season's
  // pair comes from the URL (#/compare?season=ID&a=…&b=…).
  const board = resource((signal) => (q.season === "live" ? rpc("analytics/getLeaderboard", { window: q.window }, { signal }) : Promise.resolve({ entries: [] })), {
    onData(o) {
      entries = (list(o, "entries") || []).filter(Boolean);
      for (const e of entries) store.learn(e.modelId, { name: e.modelName, variant: e.variant, kind: e.kind });
      drawControls();
      comparison.load();
    },
    onError(e) {
      err = e;
      draw();
    },
  });
  const comparison = resource(
    (signal) => {
      const [a, b] = pair();
      if (!a || !b || a === b) return Promise.resolve(null);
      return rpc("analytics/getComparison", { seasonId: q.season, a, b, window: q.window }, { signal });
    },
    {
      onData(o) {
        out = o;
        err = null;
        if (q.season !== "live" && o?.a && o?.b) {
          entries = [o.a, o.b];
          drawControls();
        }
        draw();
      },
      onError(e) {
        err = e;
        draw();
      },
    },
  );

  const select = (key, current, testid) =>
    html`<label class="select"><span>${key.toUpperCase()}</span><select data-set-select="${key}" data-testid="${testid}">${entries.map(
      (e) => html`<option value="${e.modelId}" ${e.modelId === current ? html`selected` : ""}>${e.modelName} · ${e.variant}${e.immature ? " (immature)" : ""}</option>`,
    )}</select></label>`;

  function drawControls() {
    const [a, b] = pair();
    render(root.querySelector("#cmp-controls"), html`${q.season !== "live" ? html`<span class="muted" data-testid="compare-season">Season ${q.season}</span>` : ""}${select("a", a, "compare-a")}${select("b", b, "compare-b")}${
      q.season === "live" ? seg("window", WINDOWS, q.window, "compare-window") : ""}`);
  }

  const side = (m, label) =>
    m ? html`<div class="cmp-side" data-testid="${"compare-side-" + label}"><span class="muted">${label.toUpperCase()}</span> <b>${m.modelName}</b> ${variantBadge(store, m.variant)} ${percent(m.pnlPercent)}</div>` : "";

  // repeats shows each side's return over the season's repeats as dots on
  // one scale, with the mean and its 95% interval.
  function repeats(o) {
    const sides = [["a", o.a, o.repeats?.a], ["b", o.b, o.repeats?.b]].filter(([, , d]) => d && Array.isArray(d.runs) && d.runs.length);
    if (!sides.length) {
      return html`<p class="note muted" data-testid="compare-repeats">Distribution over repeats: ${o.seasonId === "live" ? "the live arena runs each entrant once" : "no repeats of these entrants in this season (worker season repeat, then import the bundles)"}, so there is none to show.</p>`;
    }
    const all = sides.flatMap(([, , d]) => [...d.runs.map(f.num), f.num(d.interval?.lo), f.num(d.interval?.hi)]).filter(Number.isFinite);
    let lo = Math.min(0, ...all), hi = Math.max(0, ...all);
    if (hi === lo) hi = lo + 1;
    const W = 360, x = (v) => (8 + ((v - lo) / (hi - lo)) * (W - 16)).toFixed(1);
    return html`<div class="cmp-repeats" data-testid="compare-repeats">${sides.map(([k, m, d]) => html`<div class="cmp-repeat" data-testid="${"compare-repeats-" + k}" data-runs="${d.runs.length}">
      <span class="muted">${k.toUpperCase()}</span> <b>${m.modelName}</b> over ${d.runs.length} repeats: mean ${f.pct(d.mean)} (sd ${f.fixed(d.sd, 2)})${d.interval ? html`, 95% interval of the mean ${f.pct(d.interval.lo)} to ${f.pct(d.interval.hi)}` : ""}
      <svg class="strip" width="${W}" height="16" viewBox="0 0 ${W} 16" aria-hidden="true"><line class="whisker-zero" x1="${x(0)}" x2="${x(0)}" y1="0" y2="16"/>
        ${d.interval ? html`<line class="whisker-range" x1="${x(d.interval.lo)}" x2="${x(d.interval.hi)}" y1="8" y2="8"/>` : ""}
        ${d.runs.map((r) => html`<circle class="strip-run" data-testid="repeat-run" cx="${x(f.num(r))}" cy="8" r="3"/>`)}
      </svg></div>`)}</div>`;
  }

  function draw() {
    const o = out;
    render(root.querySelector("#cmp-summary"), html`${errorBox(err, "the comparison")}${
      o ? html`<div class="cmp-head">${side(o.a, "a")}${side(o.b, "b")}
        <div class="cmp-p" data-testid="compare-p" data-p="${o.pBeats ?? ""}" data-significant="${o.significant ? "true" : "false"}">
          <span class="muted">P(A beats B)</span> <b class="num">${o.pBeats === null || o.pBeats === undefined ? f.DASH : f.pct(f.num(o.pBeats) * 100, { sign: false, dp: 1 })}</b>
          <span class="tag ${o.significant ? "tag-significant" : ""}" data-testid="compare-significant">${o.significant ? "significant" : "not significant"}</span></div>
        </div>
        <p class="note" data-testid="compare-verdict">${verdict(o.pBeats, o.significant, o.a?.modelName, o.b?.modelName)}</p>
        <p class="note muted">${f.int(o.periods)} shared ${o.intervals?.period || ""} periods ${o.window === "season" ? "over the season" : html`in the ${o.window} window`}, paired ${o.intervals?.method || "bootstrap"} (blocks of ${f.fixed(o.intervals?.blockLength, 1)} periods, ${f.int(o.intervals?.resamples)} draws): each draw resamples the same periods for both.</p>
        ${repeats(o)}`
      : !err && entries.length < 2 ? html`<div class="empty">Two entrants are needed to compare.</div>` : ""}`);
    const pts = (m) => (m?.equity || []).map((p) => [f.ms(p.time), f.num(p.value)]).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
    chart.setSeries(o ? [
      { key: "a", label: `A ${o.a.modelName} ${o.a.variant}`, color: color(store.modelColor(o.a.modelName, o.a.modelId)), points: pts(o.a) },
      { key: "b", label: `B ${o.b.modelName} ${o.b.variant}`, color: color(store.modelColor(o.b.modelName, o.b.modelId)), dashed: true, points: pts(o.b) },
    ] : []);
  }

  const offControls = bindControls(root, navigate);
  const refetch = (ev) => (ev.kind === "reset" || ev.kind === "resync" ? comparison.load() : ev.kind === "data" && comparison.schedule(1500));
  const subs = [live.subscribe("portfolio", refetch)];
  render(root, html`<section class="panel page-panel">
    <div class="panel-head wrap"><h1>Compare</h1><div class="controls" id="cmp-controls"></div></div>
    <div id="cmp-summary"></div>
    <div id="cmp-chart" class="equity-chart short" data-testid="compare-chart"></div>
  </section>`);
  const chart = createLineChart(root.querySelector("#cmp-chart"), { yFormat: (v) => f.usd(v, { dp: 0 }), empty: "No shared periods yet" });
  drawControls();
  draw();
  board.load();

  return {
    update(next) {
      const prev = q;
      q = normalize(next);
      if (prev.window !== q.window || prev.season !== q.season) return board.load();
      drawControls();
      if (prev.a !== q.a || prev.b !== q.b) comparison.load();
    },
    destroy() {
      subs.forEach((off) => off());
      offControls();
      board.destroy();
      comparison.destroy();
      chart.destroy();
    },
  };
}
