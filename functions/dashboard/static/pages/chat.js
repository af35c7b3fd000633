// @ts-check
// Chat: the co-pilot. Questions go to POST {apiBase}/api/chat with the
// conversation so far; the answer streams back in the AI SDK's UI message
// stream (chatstream.js) and is drawn as it arrives: text, reasoning (folded),
// each tool call as a card with its input, a table of its rows (escaped,
// like every server string here) and a chart when the rows are a time
// series. The conversation lives in this module (and the tab's
// sessionStorage), so it survives leaving the page and reloading it.
import config from "../../../config.js";
import { html, render } from "../html.js";
import * as f from "../format.js";
import { createLineChart } from "../chart.js";
import { splitEvents, newMessage, applyChunk, forRequest, tableOf, timeSeries } from "../chatstream.js";

const STORE_KEY = "autonome.chat";
const TOKEN_KEY = "autonome.chat.token";
const MAX_ROWS_SHOWN = 200;
const PALETTE = ["#38bdf8", "#a78bfa", "#f472b6", "#fbbf24", "#34d399", "#f87171", "#60a5fa", "#c084fc", "#fb923c", "#2dd4bf", "#e879f9", "#a3e635"];
const EXAMPLES = ["Who is winning right now?", "Show the equity of every deepseek variant", "Which model has the best win rate, and how many trades?", "What positions are open?"];

const TOOL_TITLES = {
  getModelsOverview: "Models overview",
  getPortfolioHistory: "Portfolio history",
  getOpenPositionsTool: "Open positions",
  getRecentTradesTool: "Recent trades",
  compareModelsPerformance: "Compare models",
  queryPortfolioSql: "SQL query",
};

const newId = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));

// The conversation, kept across visits of the page.
let conversation = load();
let chatId = conversation.id;

function load() {
  try {
    const v = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
    if (v && Array.isArray(v.messages)) return v;
  } catch {
    /* a broken entry starts a new conversation */
  }
  return { id: newId(), messages: [] };
}

function save() {
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify(conversation));
  } catch {
    /* full or unavailable: the conversation stays in memory */
  }
}

export default function chat(root) {
  let busy = null; // AbortController of the answer being read
  let notice = "";
  const charts = new Map(); // host id -> chart, redrawn only when the id is new

  render(root, html`<div class="copilot">
    <section class="panel page-panel">
      <div class="panel-head"><h1>Co-pilot</h1><span class="muted">Ask about models, positions, trades and performance. It can only read.</span>
        <button type="button" class="btn" id="cp-new" data-testid="chat-new">New chat</button></div>
      <div class="copilot-log" id="cp-log" data-testid="chat-log" aria-live="polite"></div>
      <div id="cp-notice"></div>
      <form class="copilot-form" id="cp-form">
        <textarea id="cp-input" data-testid="chat-input" rows="2" maxlength="4000" placeholder="Ask the arena anything…" aria-label="Question"></textarea>
        <button type="submit" class="btn primary" id="cp-send" data-testid="chat-send">Ask</button>
      </form>
    </section></div>`);
  const $ = (id) => root.querySelector("#" + id);
  const input = $("cp-input");

  function draw() {
    const log = $("cp-log");
    const msgs = conversation.messages;
    render(log, msgs.length ? html`${msgs.map((m, i) => message(m, i))}` : html`<div class="copilot-empty muted">Try:
      ${EXAMPLES.map((q) => html`<button type="button" class="chip" data-example="${q}">${q}</button>`)}</div>`);
    render($("cp-notice"), notice ? html`<div class="error" data-testid="chat-notice">${notice}</div>` : "");
    $("cp-send").disabled = !!busy;
    $("cp-send").textContent = busy ? "Answering…" : "Ask";
    drawCharts(log);
    log.scrollTop = log.scrollHeight;
  }

  function drawCharts(log) {
    for (const host of log.querySelectorAll("[data-chart]")) {
      const m = conversation.messages[Number(host.dataset.msg)];
      const part = m?.parts.find((p) => p.toolCallId === host.dataset.chart);
      const series = part && timeSeries(part.output);
      if (!series) continue;
      const chart = createLineChart(host, { yFormat: (v) => f.fixed(v, 2) });
      chart.setSeries(series.map((s, i) => ({ ...s, color: PALETTE[i % PALETTE.length] })));
      charts.set(host.dataset.chart, chart);
    }
  }

  async function ask(question) {
    if (busy || !question.trim()) return;
    notice = "";
    conversation.messages.push({ id: newId(), role: "user", parts: [{ type: "text", text: question.trim() }] });
    const answer = newMessage();
    conversation.messages.push(answer);
    busy = new AbortController();
    draw();
    try {
      await stream(answer, busy.signal);
    } catch (err) {
      if (!busy.signal.aborted) notice = (err instanceof Error && err.message) || String(err);
      if (!answer.parts.length) conversation.messages.splice(conversation.messages.indexOf(answer) - 1, 2);
    } finally {
      busy = null;
      save();
      draw();
    }
  }

  async function stream(answer, signal) {
    const headers = { "content-type": "application/json", accept: "text/event-stream" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = "Bearer " + token;
    const history = conversation.messages.slice(0, -1).map((m) => (m.role === "user" ? m : forRequest(m)));
    const res = await fetch(`${config.apiBase}/api/chat`, {
      method: "POST",
      headers,
      body: JSON.stringify({ id: chatId, trigger: "submit-message", messages: history }),
      signal,
    });
    if (!res.ok) throw new Error(await refusal(res));
    if (!res.body) throw new Error("the co-pilot answered without a body");
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    let pending = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const { events, rest } = splitEvents(buf + value);
      buf = rest;
      for (const data of events) {
        if (data === "[DONE]") continue;
        try {
          applyChunk(answer, JSON.parse(data));
        } catch {
          /* a chunk that is not JSON is skipped */
        }
      }
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          draw();
        });
      }
    }
  }

  async function refusal(res) {
    let msg = `The co-pilot answered ${res.status}.`;
    try {
      const body = await res.json();
      if (body?.error?.message) msg = body.error.message;
    } catch {
      /* not JSON */
    }
    if (res.status === 401) {
      const t = window.prompt("The co-pilot needs its token (CHAT_TOKEN):");
      if (t) {
        sessionStorage.setItem(TOKEN_KEY, t.trim());
        msg += " Token saved for this tab: ask again.";
      }
    }
    return msg;
  }

  $("cp-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = input.value;
    input.value = "";
    ask(q);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      $("cp-form").requestSubmit();
    }
  });
  root.addEventListener("click", (e) => {
    const ex = e.target.closest("[data-example]");
    if (ex) ask(ex.dataset.example);
  });
  $("cp-new").addEventListener("click", () => {
    busy?.abort();
    conversation = { id: newId(), messages: [] };
    chatId = conversation.id;
    notice = "";
    save();
    draw();
  });
  draw();
  return {
    destroy() {
      busy?.abort();
    },
  };
}

function message(m, i) {
  if (m.role === "user") {
    const text = m.parts.filter((p) => p.type === "text").map((p) => p.text).join("");
    return html`<div class="copilot-msg user" data-testid="chat-user"><div class="copilot-bubble">${text}</div></div>`;
  }
  const streaming = !m.finishReason;
  return html`<div class="copilot-msg assistant" data-testid="chat-assistant" data-done="${streaming ? "no" : "yes"}">
    ${m.parts.map((p) => part(p, i))}
    ${m.error ? html`<div class="error">${m.error}</div>` : ""}
    ${streaming ? html`<span class="copilot-cursor" aria-hidden="true"></span>` : usage(m.metadata)}
  </div>`;
}

function usage(meta) {
  const u = meta?.usage;
  if (!u) return "";
  return html`<div class="copilot-meta muted">${f.int(meta.steps)} step${meta.steps === 1 ? "" : "s"} · ${f.tokens((u.inputTokens || 0) + (u.outputTokens || 0))} tokens</div>`;
}

function part(p, i) {
  if (p.type === "text") return html`<div class="copilot-text" data-testid="chat-text">${p.text}</div>`;
  if (p.type === "reasoning")
    return p.text ? html`<details class="copilot-reasoning" data-key="${"r-" + i + "-" + p._id}"><summary>Reasoning</summary><div class="copilot-text muted">${p.text}</div></details>` : "";
  if (p.toolCallId) return toolCard(p, i);
  return "";
}

function toolCard(p, i) {
  const title = TOOL_TITLES[p.toolName] || p.toolName;
  const state = p.state === "output-available" ? "done" : p.state === "output-error" ? "error" : "running";
  const sql = p.input && typeof p.input === "object" ? p.input.sql : "";
  const args = p.input && typeof p.input === "object" ? Object.entries(p.input).filter(([k]) => k !== "sql" && k !== "question") : [];
  return html`<div class="copilot-tool ${state}" data-testid="chat-tool" data-tool="${p.toolName}" data-state="${state}">
    <div class="copilot-tool-head"><span class="copilot-tool-name">${title}</span>
      ${args.map(([k, v]) => html`<span class="chip">${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}</span>`)}
      <span class="copilot-tool-state">${state === "running" ? "running…" : state === "error" ? "refused" : resultSummary(p.output)}</span></div>
    ${p.input?.question ? html`<div class="muted copilot-question">${p.input.question}</div>` : ""}
    ${sql ? html`<pre class="copilot-sql" data-testid="chat-sql">${sql}</pre>` : ""}
    ${state === "error" ? html`<div class="copilot-tool-error" data-testid="chat-tool-error">${p.errorText}</div>` : ""}
    ${state === "done" ? result(p, i) : ""}
  </div>`;
}

function resultSummary(out) {
  const t = tableOf(out);
  if (out && typeof out.rowCount === "number") return `${f.int(out.rowCount)} row${out.rowCount === 1 ? "" : "s"}${out.truncated ? " (cut)" : ""} · ${f.int(out.durationMs)} ms`;
  return t ? `${f.int(t.rows.length)} row${t.rows.length === 1 ? "" : "s"}` : "";
}

function result(p, i) {
  const series = timeSeries(p.output);
  const t = tableOf(p.output);
  const warnings = Array.isArray(p.output?.warnings) ? p.output.warnings : [];
  return html`${series ? html`<div class="copilot-chart" data-testid="chat-chart" data-chart="${p.toolCallId}" data-msg="${String(i)}"></div>` : ""}
    ${Array.isArray(p.output?.series) && series ? "" : t ? table(t) : html`<div class="muted">No rows.</div>`}
    ${warnings.map((w) => html`<div class="copilot-warning">${w}</div>`)}`;
}

function cell(v) {
  if (v === null || v === undefined) return html`<span class="muted">—</span>`;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function table({ columns, rows }) {
  const shown = rows.slice(0, MAX_ROWS_SHOWN);
  return html`<div class="table-wrap copilot-table"><table class="table" data-testid="chat-table">
    <thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${shown.map((r) => html`<tr>${columns.map((c) => html`<td>${cell(r[c])}</td>`)}</tr>`)}</tbody></table>
    ${rows.length > shown.length ? html`<div class="muted">${rows.length - shown.length} more rows not shown.</div>` : ""}</div>`;
}
