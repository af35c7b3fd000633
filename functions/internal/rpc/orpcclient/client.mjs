// Calls the Go API with the official oRPC client, exactly as the reference
// frontend does (createORPCClient + RPCLink), and prints what came back.
//
//   node client.mjs <base url> <admin token> <cases.json>
//
// cases.json lists {name, path: ["trading", "getTrades"], input?, admin}.
// For each case it prints {name, ok, output} or {name, ok: false, error}
// where error is the ORPCError's JSON, then a list of the values that must
// have been revived as Date by the client (meta type 1) and of timestamps
// that must have stayed strings.
import { readFileSync } from "node:fs";
import { createORPCClient, ORPCError } from "@orpc/client";
import { RPCLink } from "@orpc/client/fetch";

const [base, token, casesFile] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesFile, "utf8"));

const anonymous = createORPCClient(new RPCLink({ url: `${base}/api/rpc` }));
const admin = createORPCClient(new RPCLink({ url: `${base}/api/rpc`, headers: { authorization: `Bearer ${token}` } }));

const results = [];
const outputs = {};
for (const c of cases) {
  let fn = c.admin ? admin : anonymous;
  for (const seg of c.path) fn = fn[seg];
  try {
    const output = "input" in c ? await fn(c.input) : await fn();
    outputs[c.name] = output;
    results.push({ name: c.name, ok: true, output });
  } catch (err) {
    if (!(err instanceof ORPCError)) {
      results.push({ name: c.name, ok: false, error: { code: "NOT_AN_ORPC_ERROR", message: String(err) } });
      continue;
    }
    results.push({ name: c.name, ok: false, error: err.toJSON() });
  }
}

const at = (name, ...path) => path.reduce((v, k) => (v == null ? v : v[k]), outputs[name]);
const kind = (v) => (v instanceof Date ? (Number.isNaN(v.getTime()) ? "invalid Date" : "Date") : typeof v);
const checks = [
  ["analytics.getRunInfo", "runStartTime"],
  ["analytics.getFailures", "failures", 0, "createdAt"],
  ["analytics.getFailures", "failures", 0, "toolCalls", 0, "createdAt"],
  ["analytics.getFailures", "failures", 1, "createdAt"],
  ["trading.getTrades", "trades", 0, "openedAt"],
  ["trading.getTrades", "trades", 0, "closedAt"],
  ["trading.getPortfolioHistory.apex", "history", 0, "createdAt"],
  ["models.getInvocations", "conversations", 0, "timestamp"],
].map(([name, ...path]) => {
  const v = at(name, ...path);
  return { name, path, kind: kind(v), iso: v instanceof Date ? v.toISOString() : v };
});

process.stdout.write(JSON.stringify({ client: "@orpc/client", results, checks }));
