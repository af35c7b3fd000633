// @ts-check
// Rendering of an invocation's tool calls (createPosition, closePosition,
// updateExitPlan, holding) and its telemetry, shared by the model chat and
// the failures page. Metadata arrives as an object or as a JSON string.
import { html } from "./html.js";
import * as f from "./format.js";
import { sideBadge } from "./ui.js";

export function parseJSON(v) {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

// metadata flattens {raw, decisions, results} (getInvocations) and plain
// stored metadata (getFailures) into one object.
export function metadata(m) {
  m = parseJSON(m);
  if (!m || typeof m !== "object") return { text: m == null ? "" : String(m) };
  const rawParsed = parseJSON(m.raw);
  return rawParsed && typeof rawParsed === "object" && !Array.isArray(rawParsed) ? { ...rawParsed, ...m } : m;
}

const pick = (o, ...keys) => {
  for (const k of keys) if (o?.[k] !== undefined && o[k] !== null && o[k] !== "") return o[k];
  return undefined;
};

function kindOf(type, meta) {
  const t = String(type || "").toUpperCase();
  if (meta.action === "holding" || t === "HOLDING") return ["hold", "Holding"];
  if (meta.action === "updateExitPlan") return ["exit", "Update exit plan"];
  if (meta.autoTrigger) return ["close", `Auto-close (${meta.autoTrigger})`];
  if (t === "CLOSE_POSITION") return ["close", "Close position"];
  if (t === "CREATE_POSITION") return ["open", "Create position"];
  return ["other", type ? String(type) : "Tool call"];
}

function decision(d) {
  const side = pick(d, "side", "signal");
  const lev = pick(d, "leverage");
  const conf = pick(d, "confidence");
  const target = pick(d, "profitTarget", "profit_target", "target", "new_target_price");
  const stop = pick(d, "stopLoss", "stop_loss", "stop", "new_stop_loss");
  const why = pick(d, "reason", "invalidationCondition", "invalidation_condition");
  return html`<li class="decision">
    ${side ? sideBadge(side) : ""} <b>${pick(d, "symbol") ?? "?"}</b>
    ${f.ok(pick(d, "quantity")) ? html`<span>qty ${f.qty(d.quantity)}</span>` : ""}
    ${f.ok(lev) ? html`<span>${f.fixed(lev, 0)}x</span>` : ""}
    ${f.ok(conf) ? html`<span>conf ${f.fixed(conf, 0)}%</span>` : ""}
    ${f.ok(target) ? html`<span>TP ${f.price(target)}</span>` : ""}
    ${f.ok(stop) ? html`<span>SL ${f.price(stop)}</span>` : ""}
    ${why ? html`<div class="decision-why">${why}</div>` : ""}
  </li>`;
}

function result(r) {
  if (!r || typeof r !== "object") return "";
  const failed = r.success === false;
  const detail = failed ? pick(r, "error", "message", "reason") : pick(r, "message");
  return html`<li class="result ${failed ? "fail" : "ok"}" data-testid="${failed ? "tool-result-failed" : "tool-result-ok"}">
    <span class="result-mark">${failed ? "✗" : "✓"}</span> <b>${pick(r, "symbol") ?? ""}</b>
    ${f.ok(pick(r, "entryPrice", "price", "exitPrice")) ? html`<span>@ ${f.price(pick(r, "entryPrice", "price", "exitPrice"))}</span>` : ""}
    ${f.ok(pick(r, "realizedPnl", "netPnl")) ? html`<span class="${f.pnlClass(pick(r, "realizedPnl", "netPnl"))}">${f.usd(pick(r, "realizedPnl", "netPnl"), { sign: true })}</span>` : ""}
    ${detail ? html`<span class="result-detail">${detail}</span>` : ""}
  </li>`;
}

export function toolCall(tc) {
  const meta = metadata(tc.metadata);
  const [kind, label] = kindOf(pick(tc, "type", "toolCallType"), meta);
  const decisions = Array.isArray(meta.decisions) ? meta.decisions : Array.isArray(meta.updates) ? meta.updates : [];
  const results = Array.isArray(meta.results) ? meta.results : [];
  const closed = Array.isArray(meta.closedPositions) ? meta.closedPositions : [];
  const symbols = Array.isArray(meta.symbols) ? meta.symbols : [];
  const failed = results.some((r) => r && r.success === false);
  return html`<div class="toolcall tc-${kind} ${failed ? "tc-failed" : ""}" data-testid="tool-call">
    <div class="tc-head"><span class="tc-kind">${label}</span>${symbols.length ? html`<span class="muted">${symbols.join(", ")}</span>` : ""}${
      tc.timestamp || tc.createdAt ? html`<time class="muted">${f.timeOfDay(tc.timestamp || tc.createdAt)}</time>` : ""
    }</div>
    ${kind === "hold" && meta.reason ? html`<div class="tc-reason">${meta.reason}</div>` : ""}
    ${decisions.length ? html`<ul class="decisions">${decisions.map(decision)}</ul>` : ""}
    ${results.length ? html`<ul class="results">${results.map(result)}</ul>` : ""}
    ${closed.length ? html`<ul class="results">${closed.map((c) => result({ success: true, ...c }))}</ul>` : ""}
    ${meta.text ? html`<pre class="tc-text">${meta.text}</pre>` : ""}
  </div>`;
}

// reasoning finds the model's reasoning in an invocation payload, wherever
// the worker put it.
export function reasoning(payload) {
  const p = parseJSON(payload);
  if (!p || typeof p !== "object") return "";
  for (const k of ["reasoning", "reasoningText", "thinking"]) {
    const v = p[k];
    if (typeof v === "string" && v.trim()) return v;
    if (Array.isArray(v)) {
      const s = v.map((x) => (typeof x === "string" ? x : x?.text || "")).filter(Boolean).join("\n\n");
      if (s.trim()) return s;
    }
  }
  if (Array.isArray(p.steps)) {
    const s = p.steps.map((x) => x?.reasoningText || x?.reasoning || "").filter((x) => typeof x === "string" && x).join("\n\n");
    if (s.trim()) return s;
  }
  return "";
}

// usage reads token counts from an invocation payload or failure entry.
export function usage(p) {
  p = parseJSON(p) || {};
  const u = p.usage || {};
  const input = pick(p, "totalInputTokens") ?? pick(u, "inputTokens", "promptTokens", "prompt_tokens");
  const output = pick(p, "totalOutputTokens") ?? pick(u, "outputTokens", "completionTokens", "completion_tokens");
  const total = pick(u, "totalTokens", "total_tokens") ?? (f.ok(input) && f.ok(output) ? f.num(input) + f.num(output) : undefined);
  return { input, output, total, steps: pick(p, "totalSteps"), cost: pick(p, "costUsd", "llmCostUsd"), finish: pick(p, "finishReason") };
}

export function telemetry(steps) {
  if (!Array.isArray(steps) || !steps.length) return "";
  return html`<table class="mini"><thead><tr><th>Step</th><th>Tools</th><th class="r">In</th><th class="r">Out</th><th class="r">Total</th><th>Time</th></tr></thead><tbody>${steps.map(
    (s) => html`<tr><td>${s?.stepNumber ?? ""}</td><td>${Array.isArray(s?.toolNames) ? s.toolNames.join(", ") : ""}</td><td class="r">${f.tokens(s?.inputTokens)}</td><td class="r">${f.tokens(
      s?.outputTokens,
    )}</td><td class="r">${f.tokens(s?.totalTokens)}</td><td>${f.timeOfDay(s?.timestamp)}</td></tr>`,
  )}</tbody></table>`;
}
