// @ts-check
// The co-pilot's wire: reading the AI SDK's UI message stream (SSE, one JSON
// chunk per event, ended by [DONE]) into a UI message, and seeing tables and
// time series in tool results. Pure functions, unit-tested in Node.

// splitEvents takes the text received so far and returns the data of every
// complete event and the incomplete rest.
export function splitEvents(buffer) {
  const events = [];
  let start = 0;
  for (;;) {
    const end = buffer.indexOf("\n\n", start);
    if (end < 0) break;
    const data = buffer
      .slice(start, end)
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data) events.push(data);
    start = end + 2;
  }
  return { events, rest: buffer.slice(start) };
}

// newMessage is an empty assistant message.
export function newMessage(id = "") {
  return { id, role: "assistant", parts: [], finishReason: "", metadata: null, error: "" };
}

// applyChunk folds one chunk into msg (parts as the AI SDK's
// readUIMessageStream builds them). Unknown chunks are ignored.
export function applyChunk(msg, c) {
  if (!c || typeof c.type !== "string") return msg;
  const byId = (id) => msg.parts.find((p) => p._id === id);
  const tool = (id) => msg.parts.find((p) => p.toolCallId === id);
  switch (c.type) {
    case "start":
      if (c.messageId) msg.id = String(c.messageId);
      break;
    case "start-step":
      msg.parts.push({ type: "step-start" });
      break;
    case "text-start":
    case "reasoning-start":
      msg.parts.push({ type: c.type.slice(0, -6), _id: c.id, text: "", state: "streaming" });
      break;
    case "text-delta":
    case "reasoning-delta": {
      const p = byId(c.id);
      if (p) p.text += String(c.delta ?? "");
      break;
    }
    case "text-end":
    case "reasoning-end": {
      const p = byId(c.id);
      if (p) p.state = "done";
      break;
    }
    case "tool-input-start":
      msg.parts.push({ type: "tool-" + c.toolName, toolName: String(c.toolName), toolCallId: c.toolCallId, state: "input-streaming", inputText: "" });
      break;
    case "tool-input-delta": {
      const p = tool(c.toolCallId);
      if (p) p.inputText += String(c.inputTextDelta ?? "");
      break;
    }
    case "tool-input-available": {
      let p = tool(c.toolCallId);
      if (!p) msg.parts.push((p = { type: "tool-" + c.toolName, toolName: String(c.toolName), toolCallId: c.toolCallId }));
      Object.assign(p, { input: c.input, state: "input-available" });
      break;
    }
    case "tool-output-available": {
      const p = tool(c.toolCallId);
      if (p) Object.assign(p, { output: c.output, state: "output-available" });
      break;
    }
    case "tool-output-error": {
      const p = tool(c.toolCallId);
      if (p) Object.assign(p, { errorText: String(c.errorText ?? ""), state: "output-error" });
      break;
    }
    case "error":
      msg.error = String(c.errorText ?? "error");
      break;
    case "finish":
      msg.finishReason = c.finishReason || "stop";
      msg.metadata = c.messageMetadata ?? null;
      break;
  }
  return msg;
}

// forRequest strips a message to what the server reads back as history.
export function forRequest(msg) {
  const parts = msg.parts
    .filter((p) => p.type === "text" || (p.toolCallId && (p.state === "output-available" || p.state === "output-error")))
    .map((p) =>
      p.type === "text"
        ? { type: "text", text: p.text }
        : { type: p.type, toolCallId: p.toolCallId, state: p.state, input: p.input ?? {}, output: p.output, errorText: p.errorText },
    );
  return { id: msg.id, role: msg.role, parts };
}

const isRowList = (v) => Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === "object" && !Array.isArray(r));

// tableOf returns {columns, rows} for a tool result holding rows: a SQL
// result, or the first list of records of a fixed tool's result.
export function tableOf(output) {
  if (!output || typeof output !== "object") return null;
  if (Array.isArray(output.columns) && Array.isArray(output.rows)) return { columns: output.columns.map(String), rows: output.rows };
  for (const v of Object.values(output)) {
    if (isRowList(v)) {
      const columns = [];
      for (const r of v) for (const k of Object.keys(r)) if (!columns.includes(k) && !isRowList(r[k])) columns.push(k);
      return { columns, rows: v };
    }
  }
  return null;
}

const TIME_COL = /(^|_)(at|time|timestamp|date|day|hour|bucket)$|At$|^created|^closed|^opened/i;
const toMs = (v) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN);
const toNum = (v) => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && !/^\d{4}-\d{2}-\d{2}/.test(v) ? Number(v) : NaN);

// timeSeries returns chart series ({key, label, points: [[ms, value]]}) when a
// result is a time series: the equity history tool's series, or a table with
// a time column and numeric columns (one series per numeric column, or per
// value of a name/model column when there is one).
export function timeSeries(output) {
  if (output && Array.isArray(output.series)) {
    const series = output.series
      .filter((s) => s && Array.isArray(s.points))
      .map((s) => ({
        key: String(s.modelId ?? s.name),
        label: s.variant ? `${s.name} · ${s.variant}` : String(s.name ?? ""),
        points: s.points.map((p) => [toMs(p.at), toNum(p.equity)]).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)),
      }))
      .filter((s) => s.points.length > 1);
    return series.length ? series : null;
  }
  const t = tableOf(output);
  if (!t || t.rows.length < 2) return null;
  const timeCol = t.columns.find((c) => TIME_COL.test(c) && t.rows.every((r) => Number.isFinite(toMs(r[c]))));
  if (!timeCol) return null;
  const numCols = t.columns.filter((c) => c !== timeCol && t.rows.every((r) => r[c] === null || Number.isFinite(toNum(r[c]))) && t.rows.some((r) => r[c] !== null));
  if (!numCols.length) return null;
  const groupCol = t.columns.find((c) => /^(name|model|model_id|modelId|model_name|variant|symbol)$/.test(c) && !numCols.includes(c));
  const out = new Map();
  for (const r of t.rows) {
    for (const c of numCols.slice(0, groupCol ? 1 : 4)) {
      const key = groupCol ? String(r[groupCol]) : c;
      if (!out.has(key)) out.set(key, { key, label: key, points: [] });
      const v = toNum(r[c]);
      if (Number.isFinite(v)) out.get(key).points.push([toMs(r[timeCol]), v]);
    }
  }
  const series = [...out.values()].slice(0, 12).filter((s) => s.points.length > 1);
  for (const s of series) s.points.sort((a, b) => a[0] - b[0]);
  return series.length ? series : null;
}
