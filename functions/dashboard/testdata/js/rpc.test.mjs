import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createClient, deserialize, RpcError, describe } from "../static/rpc.js";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function stubFetch(status, body, seen = []) {
  globalThis.fetch = async (url, init) => {
    seen.push({ url, init });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
  return seen;
}

test("deserialize restores Dates and other meta types at flat paths", () => {
  const out = deserialize(
    { failures: [{ createdAt: "2025-11-21T10:00:00.000Z", toolCalls: [{ createdAt: "2025-11-21T10:01:00.000Z" }] }], big: "12", nan: null, tags: ["a"] },
    [[1, "failures", 0, "createdAt"], [1, "failures", 0, "toolCalls", 0, "createdAt"], [0, "big"], [2, "nan"], [6, "tags"]],
  );
  assert.ok(out.failures[0].createdAt instanceof Date);
  assert.equal(out.failures[0].toolCalls[0].createdAt.toISOString(), "2025-11-21T10:01:00.000Z");
  assert.equal(out.big, 12n);
  assert.ok(Number.isNaN(out.nan));
  assert.ok(out.tags instanceof Set);
});

test("deserialize accepts the older nested path form, root values and bad entries", () => {
  assert.ok(deserialize({ runStartTime: "2025-11-21T10:00:00Z" }, [[1, ["runStartTime"]]]).runStartTime instanceof Date);
  assert.ok(deserialize("2025-11-21T10:00:00Z", [[1]]) instanceof Date);
  assert.deepEqual(deserialize({ a: 1 }, [[1, "missing", "x"], "junk", []]), { a: 1 });
  assert.deepEqual(deserialize({ a: 1 }, undefined), { a: 1 });
});

test("a call posts the oRPC envelope and returns the output", async () => {
  const seen = stubFetch(200, { json: { runStartTime: "2025-11-21T10:00:00.000Z" }, meta: [[1, "runStartTime"]] });
  const call = createClient("https://api.example.com");
  const out = await call("analytics/getRunInfo", { variant: "Apex" });
  assert.equal(seen[0].url, "https://api.example.com/api/rpc/analytics/getRunInfo");
  assert.equal(seen[0].init.method, "POST");
  assert.deepEqual(JSON.parse(seen[0].init.body), { json: { variant: "Apex" } });
  assert.ok(out.runStartTime instanceof Date);
});

test("an error envelope becomes an RpcError with code, status and message", async () => {
  stubFetch(400, { json: { defined: false, code: "BAD_REQUEST", status: 400, message: "window must be 24h, 7d or 30d", data: { issues: [] } }, meta: [] });
  const call = createClient("");
  await assert.rejects(call("analytics/getLeaderboard", { window: "1y" }), (err) => {
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, "BAD_REQUEST");
    assert.equal(err.status, 400);
    assert.deepEqual(err.data, { issues: [] });
    assert.equal(describe(err), "BAD_REQUEST: window must be 24h, 7d or 30d");
    return true;
  });
});

test("a non-JSON answer or a network failure is an RpcError too", async () => {
  stubFetch(502, "<html>Bad gateway</html>");
  await assert.rejects(createClient("")("trading/getTrades", {}), (err) => err instanceof RpcError && err.status === 502 && err.code === "INTERNAL_SERVER_ERROR");
  globalThis.fetch = async () => {
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(createClient("")("trading/getTrades", {}), (err) => err instanceof RpcError && err.code === "NETWORK_ERROR");
});
