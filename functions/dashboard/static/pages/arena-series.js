// @ts-check
// The arena's equity series: the portfolio history (one point per account
// and snapshot) turned into chart lines, one per account in a variant tab
// and one per model name (the mean of its accounts) in the aggregate tab,
// each with the starting capital its return is measured against. Pure
// functions of the history and the store; no DOM.

import * as f from "../format.js";

const RESOLUTION_MS = { "1m": 6e4, "5m": 3e5, "15m": 9e5, "1h": 36e5, "4h": 144e5 };

function accountsFromHistory(history, store) {
  const byId = new Map();
  for (const h of history) {
    const t = f.ms(h.createdAt), v = f.num(h.netPortfolio);
    if (!Number.isFinite(t) || !Number.isFinite(v) || !h.modelId) continue;
    store.learn(h.modelId, { name: h.model?.name, variant: h.model?.variant });
    let a = byId.get(h.modelId);
    if (!a) byId.set(h.modelId, (a = { id: h.modelId, name: h.model?.name || store.account(h.modelId)?.name || h.modelId, variant: store.variantOf(h.modelId, h.model?.variant), points: [] }));
    a.points.push([t, v]);
  }
  for (const a of byId.values()) a.points.sort((x, y) => x[0] - y[0]);
  return [...byId.values()];
}

// seriesFor builds one line per account in a variant tab, and one line per
// model name (the mean of its accounts, each carried forward between its
// own points) in the aggregate tab.
export function seriesFor(history, resolution, variant, store) {
  const accounts = accountsFromHistory(history, store).filter((a) => store.shows(a.name));
  if (variant !== "all") {
    return accounts.map((a) => ({ key: a.id, label: a.name, sub: a.variant, color: store.modelColor(a.name, a.id), dashed: store.isBaseline(a.id), idle: store.cannotRun(a.id), capital: store.capital(a.id), points: a.points }));
  }
  const byName = new Map();
  for (const a of accounts) byName.set(a.name, [...(byName.get(a.name) || []), a]);
  const bucket = RESOLUTION_MS[resolution] || 6e4;
  return [...byName].map(([name, accts]) => ({
    key: "name:" + name,
    label: name,
    sub: accts.length === 1 ? accts[0].variant : `${accts.length} accounts`,
    color: store.modelColor(name, accts[0].id),
    dashed: accts.every((a) => store.isBaseline(a.id)),
    idle: accts.every((a) => store.cannotRun(a.id)) ? store.cannotRun(accts[0].id) : "", // a seat the worker cannot run
    capital: accts.reduce((sum, a) => sum + store.capital(a.id), 0) / accts.length, // the line is the accounts' mean
    points: accts.length === 1 ? accts[0].points : average(accts.map((a) => a.points), bucket),
  }));
}

// average merges several accounts' series into their mean per time bucket,
// carrying each account's last value forward; an account counts from its
// first point on.
export function average(seriesList, bucketMs) {
  const key = (t) => Math.floor(t / bucketMs) * bucketMs;
  const times = [...new Set(seriesList.flatMap((s) => s.map((p) => key(p[0]))))].sort((a, b) => a - b);
  const idx = seriesList.map(() => 0);
  const last = seriesList.map(() => undefined);
  const out = [];
  for (const T of times) {
    let sum = 0, n = 0;
    seriesList.forEach((s, i) => {
      while (idx[i] < s.length && key(s[idx[i]][0]) <= T) last[i] = s[idx[i]++][1];
      if (last[i] !== undefined) {
        sum += last[i];
        n++;
      }
    });
    if (n) out.push([T, sum / n]);
  }
  return out;
}
