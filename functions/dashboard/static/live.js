// @ts-check
// Live updates over SSE. One EventSource per channel
// ({base}/api/events/{channel}), opened while at least one subscriber wants
// it and closed when the last one leaves, because browsers allow only six
// HTTP/1.1 connections per origin.
//
// Subscribers get {kind, type, data, id}:
//   kind "snapshot": the stream's current state (first event after connecting)
//   kind "data":     an update, same payload shape as the snapshot
//   kind "reset":    the relay lost our place; refetch everything via RPC
//   kind "resync":   the connection came back after an error; refetch too
//
// EventSource retries network errors on its own; when it gives up (HTTP
// error, wrong content type) readyState is CLOSED and we reopen with
// exponential backoff, 1 s doubling to 30 s, with jitter.

// Named event types the relay and the reference send; EventSource only
// delivers a named event to a listener registered for that exact name.
const EVENT_TYPES = [
  "snapshot", "reset", "prices", "connected",
  "positions:updated", "trades:updated", "conversations:updated", "portfolio:updated",
  "workflow:complete", "batch:complete",
  "positions:changed", "trades:changed", "conversations:changed",
];
const IGNORED = new Set(["ping", "heartbeat", "connected"]);
const MAX_BACKOFF_MS = 30000;

class Stream {
  constructor(url, onState) {
    this.url = url;
    this.onState = onState;
    this.subs = new Set();
    this.es = null;
    this.timer = 0;
    this.failures = 0;
    this.hadError = false;
    this.open = false;
  }

  start() {
    if (this.es || this.timer) return;
    const es = new EventSource(this.url);
    this.es = es;
    const onEvent = (e) => this.dispatch(e);
    es.onmessage = onEvent;
    for (const t of EVENT_TYPES) es.addEventListener(t, onEvent);
    es.onopen = () => {
      this.failures = 0;
      this.setOpen(true);
      if (this.hadError) {
        this.hadError = false;
        this.emit({ kind: "resync", type: "resync", data: null, id: "" });
      }
    };
    es.onerror = () => {
      this.hadError = true;
      this.setOpen(false);
      if (es.readyState === EventSource.CLOSED) this.retryLater();
    };
  }

  retryLater() {
    this.close();
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++);
    this.timer = setTimeout(() => {
      this.timer = 0;
      this.start();
    }, delay * (0.8 + Math.random() * 0.4));
  }

  close() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (this.es) {
      this.es.onopen = this.es.onerror = this.es.onmessage = null;
      this.es.close();
      this.es = null;
    }
  }

  stop() {
    this.close();
    this.setOpen(false);
  }

  setOpen(v) {
    if (this.open === v) return;
    this.open = v;
    this.onState();
  }

  dispatch(e) {
    const type = e.type === "message" ? "message" : e.type;
    if (IGNORED.has(type)) return;
    let data = null;
    if (e.data) {
      try {
        data = JSON.parse(e.data);
      } catch {
        console.warn("sse: unparseable event on", this.url, type);
        return;
      }
    } else if (type === "message") {
      return; // keep-alive
    }
    const kind = type === "snapshot" ? "snapshot" : type === "reset" ? "reset" : "data";
    this.emit({ kind, type, data, id: e.lastEventId || "" });
  }

  emit(ev) {
    for (const fn of [...this.subs]) {
      try {
        fn(ev);
      } catch (err) {
        console.error("sse subscriber failed", err);
      }
    }
  }
}

// createLive returns {subscribe(channel, fn) -> unsubscribe, status()}.
// onStatus(status) fires with "live" when every open channel is connected
// and "reconnecting" otherwise.
/**
 * @param {string} base
 * @param {(status: string) => void} [onStatus]
 */
export function createLive(base, onStatus = () => {}) {
  const streams = new Map();
  let last = "";
  const status = () => {
    for (const s of streams.values()) if (!s.open) return "reconnecting";
    return streams.size ? "live" : "reconnecting";
  };
  const changed = () => {
    const s = status();
    if (s !== last) {
      last = s;
      onStatus(s);
    }
  };

  function subscribe(channel, fn) {
    let s = streams.get(channel);
    if (!s) {
      s = new Stream(`${base}/api/events/${encodeURIComponent(channel)}`, changed);
      streams.set(channel, s);
    }
    s.subs.add(fn);
    s.start();
    changed();
    return () => {
      s.subs.delete(fn);
      if (s.subs.size === 0 && streams.get(channel) === s) {
        streams.delete(channel);
        s.stop();
        changed();
      }
    };
  }

  return { subscribe, status };
}
