// @ts-check
// A minimal oRPC client speaking the RPC wire format of @orpc/client 1.x:
// POST {base}/api/rpc/{namespace}/{procedure} with {"json": input}, answered
// by {"json": output, "meta": [[type, ...path], ...]} or, on error,
// {"json": {"defined", "code", "status", "message", "data"}}.

export class RpcError extends Error {
  constructor(code, status, message, data) {
    super(message || code);
    this.name = "RpcError";
    this.code = code;
    this.status = status;
    this.data = data;
  }
}

const TIMEOUT_MS = 20000;

// createClient returns call(path, input, {signal}) resolving to the
// procedure's output with meta-typed values (Dates, ...) restored.
export function createClient(base) {
  /**
   * @param {string} path
   * @param {unknown} [input]
   * @param {{signal?: AbortSignal}} [options]
   */
  return async function call(path, input, { signal } = {}) {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const sig = signal && AbortSignal.any ? AbortSignal.any([signal, timeout]) : signal || timeout;
    let res;
    try {
      res = await fetch(`${base}/api/rpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: input === undefined ? undefined : JSON.stringify({ json: input }),
        signal: sig,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const why = timeout.aborted ? "timed out" : "network error";
      throw new RpcError("NETWORK_ERROR", 0, `${path}: ${why}`);
    }
    let body;
    try {
      const text = await res.text();
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new RpcError(res.ok ? "BAD_RESPONSE" : httpCode(res.status), res.status, `${path}: HTTP ${res.status}, body is not JSON`);
    }
    if (!res.ok) {
      const e = body && typeof body.json === "object" && body.json !== null ? body.json : {};
      throw new RpcError(String(e.code || httpCode(res.status)), Number(e.status) || res.status, String(e.message || `${path}: HTTP ${res.status}`), e.data);
    }
    return deserialize(body.json, body.meta);
  };
}

function httpCode(status) {
  return status >= 500 ? "INTERNAL_SERVER_ERROR" : status === 404 ? "NOT_FOUND" : "HTTP_" + status;
}

// deserialize applies oRPC meta entries to json. An entry is a type code
// followed by the path of the value: 0 BigInt, 1 Date, 2 NaN, 3 undefined,
// 4 URL, 5 RegExp, 6 Set, 7 Map. The older nested form [type, [path]] is
// accepted too.
export function deserialize(json, meta) {
  if (!Array.isArray(meta)) return json;
  let root = json;
  for (const entry of meta) {
    if (!Array.isArray(entry) || entry.length === 0) continue;
    const type = entry[0];
    const path = entry.length === 2 && Array.isArray(entry[1]) ? entry[1] : entry.slice(1);
    if (path.length === 0) {
      root = revive(type, root);
      continue;
    }
    let parent = root;
    for (let i = 0; i < path.length - 1 && parent != null; i++) parent = parent instanceof Map ? parent.get(path[i]) : parent[path[i]];
    if (parent == null || typeof parent !== "object") continue;
    const key = path[path.length - 1];
    parent[key] = revive(type, parent[key]);
  }
  return root;
}

function revive(type, v) {
  try {
    switch (type) {
      case 0: return BigInt(v);
      case 1: return new Date(v);
      case 2: return NaN;
      case 3: return undefined;
      case 4: return new URL(v);
      case 5: {
        const m = /^\/(.*)\/([a-z]*)$/s.exec(String(v));
        return m ? new RegExp(m[1], m[2]) : v;
      }
      case 6: return new Set(v);
      case 7: return new Map(v);
      default: return v;
    }
  } catch {
    return v;
  }
}

// describe turns an error into one short line for the UI.
export function describe(err) {
  if (err instanceof RpcError) return err.code && err.message && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message || err.code;
  return err?.message || String(err);
}
