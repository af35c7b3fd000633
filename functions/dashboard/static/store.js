// @ts-check
// Shared client state: the variant table, what we know about each account
// (model id -> name, variant, kind) learned from any payload that carries
// it, and the global model filter.
import { color } from "./html.js";

// The reference's variants (autonome-behaviour.md §4); replaced by
// variants.getVariants once it answers.
export const FALLBACK_VARIANTS = [
  { id: "Guardian", label: "Guardian (Fortress)", color: "#a855f7" },
  { id: "Apex", label: "Apex (Kelly Engine)", color: "#f59e0b" },
  { id: "Gladiator", label: "Gladiator (Tournament)", color: "#22c55e" },
  { id: "Sniper", label: "Sniper (Precision)", color: "#3b82f6" },
  { id: "Trendsurfer", label: "Trendsurfer (Momentum)", color: "#06b6d4" },
  { id: "Contrarian", label: "Contrarian (Reverter)", color: "#e11d48" },
  { id: "Sovereign", label: "Sovereign (Adaptive)", color: "#eab308" },
];
export const AGGREGATE = { id: "all", label: "Aggregate Index", color: "#e2e8f0" };

// Line colours for models, chosen to read on the dark background.
const PALETTE = ["#38bdf8", "#f472b6", "#a3e635", "#fb923c", "#c084fc", "#facc15", "#2dd4bf", "#f87171", "#818cf8", "#4ade80", "#e879f9", "#fdba74"];
const BASELINE_COLOR = "#94a3b8";
const FILTER_KEY = "autonome.modelFilter";

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// A colour too dark for the dark theme (the reference's aggregate is
// #0f172a) is swapped for a light one.
function readable(c) {
  const m = /^#([0-9a-f]{6})$/i.exec(c);
  if (!m) return c;
  const n = parseInt(m[1], 16);
  const lum = 0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  return lum < 60 ? "#e2e8f0" : c;
}

export function createStore() {
  const listeners = new Set();
  const accounts = new Map(); // modelId -> {id, name, variant, kind}
  let variants = FALLBACK_VARIANTS;
  let names = [];
  let filter = "";
  try {
    filter = localStorage.getItem(FILTER_KEY) || "";
  } catch {}

  const emit = (what) => listeners.forEach((fn) => fn(what));

  const store = {
    on(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    get variants() {
      return variants;
    },
    setVariants(list) {
      if (!Array.isArray(list) || !list.length) return;
      variants = list
        .filter((v) => v && typeof v.id === "string" && v.id !== "all")
        .map((v) => ({ id: v.id, label: String(v.label || v.id), color: readable(color(v.color)), description: v.description ? String(v.description) : "" }));
      emit("variants");
    },
    variant(id) {
      if (id === "all") return AGGREGATE;
      return variants.find((v) => v.id === id) || { id, label: String(id ?? "—"), color: "#64748b" };
    },

    // learn records facts about accounts from any payload that has them.
    /**
     * @param {string} modelId
     * @param {{name?: string, variant?: string, kind?: string, runStatus?: string, runHint?: string, initialCapital?: number | string}} [facts]
     */
    learn(modelId, { name, variant, kind, runStatus, runHint, initialCapital } = {}) {
      if (!modelId) return;
      const a = accounts.get(modelId) || { id: modelId };
      if (name) a.name = String(name);
      if (variant) a.variant = String(variant);
      if (kind) a.kind = String(kind);
      if (runStatus !== undefined) a.runStatus = String(runStatus || "");
      if (runHint !== undefined) a.runHint = String(runHint || "");
      if (initialCapital !== undefined && Number.isFinite(Number(initialCapital)) && Number(initialCapital) > 0) a.capital = Number(initialCapital);
      accounts.set(modelId, a);
    },
    account(modelId) {
      return accounts.get(modelId);
    },
    variantOf(modelId, fallback) {
      return fallback || accounts.get(modelId)?.variant;
    },
    // cannotRun returns how to enable a seat the worker cannot run (no API
    // key), or "" for one that runs.
    cannotRun(modelId) {
      const a = accounts.get(modelId);
      return a?.runStatus === "no_key" ? a.runHint || "no API key configured for this model" : "";
    },
    // capital is the account's starting capital (models.getModels'
    // initialCapital), or NaN while unknown.
    capital(modelId) {
      return accounts.get(modelId)?.capital ?? NaN;
    },
    isBaseline(modelId) {
      return accounts.get(modelId)?.kind === "baseline";
    },

    get modelNames() {
      return names;
    },
    setModels(models) {
      const set = new Set();
      for (const m of models || []) {
        if (!m || !m.name) continue;
        set.add(String(m.name));
        store.learn(m.id, { name: m.name, variant: m.variant, kind: m.kind, runStatus: m.runStatus || "", runHint: m.runHint || "", initialCapital: m.initialCapital });
      }
      names = [...set].sort((a, b) => a.localeCompare(b));
      emit("models");
    },
    modelColor(name, modelId) {
      if (modelId && store.isBaseline(modelId)) return BASELINE_COLOR;
      const i = names.indexOf(name);
      return PALETTE[(i >= 0 ? i : hash(String(name))) % PALETTE.length];
    },

    get filter() {
      return filter;
    },
    setFilter(name) {
      filter = name || "";
      try {
        localStorage.setItem(FILTER_KEY, filter);
      } catch {}
      emit("filter");
    },
    // shows reports whether an item of the named model passes the filter.
    shows(modelName) {
      return !filter || modelName === filter;
    },
  };
  return store;
}
