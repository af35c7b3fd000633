// @ts-check
// Failures: failed invocations (aborted runs and failed tool calls) with
// their structured reason, response, tool calls and step telemetry, and the
// per-model failure statistics, for one variant or all.
//
// RPC: analytics.getFailures. SSE: workflow (refetch).
import { html, render } from "../html.js";
import * as f from "../format.js";
import { resource, errorBox, seg, variantSelect, bindControls, variantBadge, modelChip, list } from "../ui.js";
import { toolCall, telemetry, usage, parseJSON } from "../toolcalls.js";

const LIMITS = [["25", "25"], ["50", "50"], ["100", "100"]];
const PAYLOAD_PREVIEW = 20000;

// reason reads failureReason, which may be a string or a structured
// {code|kind|type, message|detail} object.
export function reason(fr, toolCalls) {
  const v = parseJSON(fr);
  if (v && typeof v === "object") {
    const code = v.code || v.kind || v.type || v.category || "";
    const message = v.message || v.detail || v.error || "";
    return { code: String(code), message: String(message) };
  }
  if (typeof v === "string" && v) {
    const m = /^([a-z][a-z0-9_]*)(?::\s*|\s+-\s+)(.*)$/is.exec(v);
    return m && m[1].length <= 32 ? { code: m[1], message: m[2] } : { code: "", message: v };
  }
  const toolFailed = (toolCalls || []).some((tc) => {
    const m = parseJSON(tc?.metadata);
    return Array.isArray(m?.results) && m.results.some((r) => r?.success === false);
  });
  return { code: toolFailed ? "tool_call_failed" : "unknown", message: "" };
}

function pretty(v) {
  const p = parseJSON(v);
  if (p === undefined || p === null || p === "") return "";
  const s = typeof p === "string" ? p : JSON.stringify(p, null, 2);
  return s.length > PAYLOAD_PREVIEW ? s.slice(0, PAYLOAD_PREVIEW) + "\n… (truncated)" : s;
}

export default function failures(root, { rpc, live, store, navigate }, query) {
  const norm = (q) => ({ variant: q.variant || "all", limit: LIMITS.some(([l]) => l === q.limit) ? q.limit : "50" });
  let q = norm(query);
  let items = [], statsRows = [], err = null;

  const data = resource((signal) => rpc("analytics/getFailures", { limit: Number(q.limit), variant: q.variant }, { signal }), {
    onData(out) {
      items = (list(out, "failures") || []).filter(Boolean);
      statsRows = (out && Array.isArray(out.modelStats) ? out.modelStats : []).filter(Boolean);
      for (const s of statsRows) store.learn(s.modelId, { name: s.modelName, variant: s.variant });
      draw();
    },
    onError(e) {
      err = e;
      draw();
    },
  });

  render(root, html`<div class="failures">
    <section class="panel page-panel"><div class="panel-head wrap"><h1>Failures</h1><div class="controls" id="fl-controls"></div></div><div id="fl-error"></div></section>
    <div class="grid-2 grid-failures">
      <section class="panel"><div class="panel-head"><h2>Recent failed invocations</h2><span id="fl-count" class="muted"></span></div><div id="fl-list" class="failures-list" data-testid="failures-list"></div></section>
      <section class="panel"><div class="panel-head"><h2>Failure rate by model</h2></div><div id="fl-stats"></div></section>
    </div>
  </div>`);
  const $ = (id) => root.querySelector("#" + id);

  function drawControls() {
    render($("fl-controls"), html`${variantSelect(store, q.variant, "failures-variant", "Variant")}${seg("limit", LIMITS, q.limit, "failures-limit")}`);
  }

  function drawStats() {
    const rows = statsRows.filter((s) => store.shows(s.modelName)).sort((a, b) => f.num(b.failureRate) - f.num(a.failureRate));
    const hasCount = rows.some((s) => s.failedCount !== undefined);
    render($("fl-stats"), html`<div class="table-wrap"><table class="table" data-testid="failure-stats-table">
      <thead><tr><th>Model</th><th>Variant</th><th class="r" title="Failed workflow runs">Runs</th><th class="r" title="Failed tool calls">Tools</th>${hasCount ? html`<th class="r" title="Failed invocations">Failed</th>` : ""}<th class="r" title="Invocations">Inv.</th><th class="r">Rate</th></tr></thead>
      <tbody>${rows.map((s) => {
        const rate = f.num(s.failureRate);
        return html`<tr data-testid="failure-stats-row" data-model-id="${s.modelId}"><td>${modelChip(store, s.modelName, s.modelId)}</td><td>${variantBadge(store, s.variant)}</td>
          <td class="r num">${f.int(s.failedWorkflowCount)}</td><td class="r num">${f.int(s.failedToolCallCount)}</td>${hasCount ? html`<td class="r num">${f.int(s.failedCount)}</td>` : ""}
          <td class="r num">${f.int(s.invocationCount)}</td><td class="r num ${rate > 20 ? "neg" : rate > 5 ? "warn" : ""}">${f.pct(s.failureRate, { sign: false, dp: 1 })}</td></tr>`;
      })}</tbody></table>${!rows.length && !err ? html`<div class="empty">No invocations recorded.</div>` : ""}</div>`);
  }

  function failureRow(x) {
    const r = reason(x.failureReason, x.toolCalls);
    const u = usage(x);
    const text = String(x.response ?? "");
    const calls = Array.isArray(x.toolCalls) ? x.toolCalls : [];
    const payload = pretty(x.responsePayload);
    return html`<article class="failure" data-testid="failure-row" data-invocation-id="${x.invocationId}">
      <header class="chat-head">${modelChip(store, x.modelName, x.modelId)} ${variantBadge(store, store.variantOf(x.modelId, x.variant))}
        ${r.code ? html`<span class="tag tag-fail" data-testid="failure-reason-code">${r.code}</span>` : ""}
        <span class="grow"></span><time class="muted" datetime="${f.iso(x.createdAt)}">${f.dateTime(x.createdAt)}</time></header>
      ${r.message ? html`<div class="failure-reason" data-testid="failure-reason">${r.message}</div>` : ""}
      ${text ? (text.length > 600 ? html`<details class="chat-text" data-key="${"fresp:" + x.invocationId}"><summary dir="auto">${text.slice(0, 500)}…</summary><div class="pre" dir="auto">${text}</div></details>` : html`<div class="chat-text pre" dir="auto">${text}</div>`) : ""}
      ${calls.length ? html`<div class="toolcalls">${calls.map(toolCall)}</div>` : ""}
      <footer class="chat-foot muted">${f.ok(u.steps) ? html`<span>${u.steps} steps</span>` : ""}${f.ok(u.input) ? html`<span>${f.tokens(u.input)} in</span>` : ""}${f.ok(u.output) ? html`<span>${f.tokens(u.output)} out</span>` : ""}<span class="mono">${x.invocationId}</span></footer>
      ${Array.isArray(x.stepTelemetry) && x.stepTelemetry.length ? html`<details data-key="${"steps:" + x.invocationId}"><summary>Step telemetry (${x.stepTelemetry.length})</summary>${telemetry(x.stepTelemetry)}</details>` : ""}
      ${payload ? html`<details data-key="${"payload:" + x.invocationId}"><summary>Response payload</summary><pre class="payload">${payload}</pre></details>` : ""}
    </article>`;
  }

  function draw() {
    render($("fl-error"), errorBox(err, "failures"));
    drawStats();
    const rows = items.filter((x) => store.shows(x.modelName));
    render($("fl-count"), rows.length ? `${rows.length} shown` : "");
    render($("fl-list"), html`${rows.map(failureRow)}${!rows.length && !err ? html`<div class="empty">No failed invocations. </div>` : ""}`);
  }

  const offControls = bindControls(root, navigate);
  const offStore = store.on(() => {
    drawControls();
    draw();
  });
  const subs = [live.subscribe("workflow", (ev) => (ev.kind === "reset" || ev.kind === "resync" ? data.load() : ev.kind === "data" && data.schedule(1500)))];
  drawControls();
  draw();
  data.load();

  return {
    update(next) {
      const prev = q;
      q = norm(next);
      if (prev.variant !== q.variant || prev.limit !== q.limit) data.load();
      drawControls();
    },
    destroy() {
      subs.forEach((off) => off());
      offStore();
      offControls();
      data.destroy();
    },
  };
}
