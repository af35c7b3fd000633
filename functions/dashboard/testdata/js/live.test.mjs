import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { createLive } from "../static/live.js";

// FakeEventSource records instances and lets a test drive them.
class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = FakeEventSource.CONNECTING;
    this.listeners = {};
    this.closed = false;
    FakeEventSource.all.push(this);
  }
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.({});
  }
  fail(permanently) {
    this.readyState = permanently ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.({});
  }
  emit(type, data, id = "") {
    const e = { type, data: typeof data === "string" ? data : JSON.stringify(data), lastEventId: id };
    if (type === "message") this.onmessage?.(e);
    for (const fn of this.listeners[type] || []) fn(e);
  }
}
globalThis.EventSource = FakeEventSource;

test("named and unnamed events reach subscribers with their kind", () => {
  FakeEventSource.all = [];
  const statuses = [];
  const live = createLive("https://relay.example", (s) => statuses.push(s));
  const got = [];
  const off = live.subscribe("trades", (ev) => got.push(ev));
  const es = FakeEventSource.all[0];
  assert.equal(es.url, "https://relay.example/api/events/trades");
  es.open();
  es.emit("snapshot", [{ id: "t1" }], "1");
  es.emit("trades:updated", [{ id: "t2" }], "2");
  es.emit("message", { x: 1 });
  es.emit("reset", {});
  es.emit("ping", "");
  es.emit("message", "");
  es.emit("message", "{not json");
  assert.deepEqual(got.map((e) => e.kind), ["snapshot", "data", "data", "reset"]);
  assert.deepEqual(got[0].data, [{ id: "t1" }]);
  assert.equal(got[1].id, "2");
  assert.deepEqual(statuses, ["reconnecting", "live"]);
  off();
  assert.ok(es.closed);
});

test("a stream shared by two subscribers closes when the last leaves", () => {
  FakeEventSource.all = [];
  const live = createLive("");
  const off1 = live.subscribe("prices", () => {});
  const off2 = live.subscribe("prices", () => {});
  assert.equal(FakeEventSource.all.length, 1);
  assert.equal(FakeEventSource.all[0].url, "/api/events/prices");
  off1();
  assert.equal(FakeEventSource.all[0].closed, false);
  off2();
  assert.equal(FakeEventSource.all[0].closed, true);
});

test("after an error the reopened stream asks for a resync; a closed one is reopened with backoff", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    FakeEventSource.all = [];
    const statuses = [];
    const live = createLive("", (s) => statuses.push(s));
    const got = [];
    live.subscribe("positions", (ev) => got.push(ev.kind));
    const es = FakeEventSource.all[0];
    es.open();
    // A transient error: the browser reconnects the same EventSource.
    es.fail(false);
    es.open();
    assert.deepEqual(got, ["resync"]);
    // A fatal error (HTTP 502): we reopen after a delay that grows.
    es.fail(true);
    assert.ok(es.closed);
    assert.equal(FakeEventSource.all.length, 1);
    mock.timers.tick(1300);
    assert.equal(FakeEventSource.all.length, 2);
    FakeEventSource.all[1].fail(true);
    mock.timers.tick(1300);
    assert.equal(FakeEventSource.all.length, 2, "second retry waits about 2 s");
    mock.timers.tick(1300);
    assert.equal(FakeEventSource.all.length, 3);
    FakeEventSource.all[2].open();
    assert.deepEqual(got, ["resync", "resync"]);
    assert.deepEqual(statuses, ["reconnecting", "live", "reconnecting", "live", "reconnecting", "live"]);
  } finally {
    mock.timers.reset();
  }
});
