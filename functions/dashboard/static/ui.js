// @ts-check
// Pieces shared by the pages: a self-retrying RPC resource, controls that
// write to the URL query, and small renderers (model chip, badges, errors).
import { html, color } from "./html.js";
import { describe } from "./rpc.js";
import * as f from "./format.js";

// resource wraps one RPC read. load() fetches now, aborting an older fetch
// whose answer would be stale (the parameters changed); schedule()
// coalesces bursts of live events into one fetch and, if a fetch is
// already running, queues one more after it instead of aborting it, so a
// steady stream of events cannot starve a slow API. A failure retries with
// backoff, 2 s doubling to 60 s. onData(data, startedAt) gets the
// performance.now() at which the fetch began, so a caller can drop an
// answer older than a live update.
/**
 * @template T
 * @param {(signal: AbortSignal) => Promise<T>} fetcher
 * @param {{onData: (data: T, startedAt: number) => void, onError?: (err: unknown) => void}} handlers
 */
export function resource(fetcher, { onData, onError = () => {} }) {
  let ctrl = null, timer = 0, retry = 0, failures = 0, dead = false, busy = false, again = false;
  async function load() {
    clearTimeout(timer);
    clearTimeout(retry);
    timer = retry = 0;
    again = false;
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    const started = performance.now();
    busy = true;
    try {
      const data = await fetcher(c.signal);
      if (c !== ctrl || dead) return;
      failures = 0;
      onError(null);
      onData(data, started);
    } catch (err) {
      if (c !== ctrl || dead) return;
      onError(err);
      retry = setTimeout(load, Math.min(60000, 2000 * 2 ** failures++));
    } finally {
      if (c === ctrl) {
        busy = false;
        if (again && !dead) load();
      }
    }
  }
  return {
    load,
    schedule(delay = 400) {
      if (dead || timer) return;
      timer = setTimeout(() => {
        timer = 0;
        if (busy) again = true;
        else load();
      }, delay);
    },
    destroy() {
      dead = true;
      ctrl?.abort();
      clearTimeout(timer);
      clearTimeout(retry);
    },
  };
}

export function errorBox(err, what) {
  if (!err) return "";
  return html`<div class="error" role="alert" data-testid="error"><b>Couldn't load ${what}.</b> ${describe(err)} <span class="muted">Retrying…</span></div>`;
}

// seg renders a segmented control; clicking sets query[key] = value.
export function seg(key, options, current, testid) {
  return html`<div class="seg" role="group" data-testid="${testid || "seg-" + key}">${options.map(
    ([value, label]) => html`<button type="button" data-set="${key}" data-value="${value}" class="${value === current ? "on" : ""}" aria-pressed="${value === current}">${label}</button>`,
  )}</div>`;
}

export function variantSelect(store, current, testid = "variant-select", label = "Competition") {
  const opts = [["all", "All variants"], ...store.variants.map((v) => [v.id, v.label])];
  return html`<label class="select"><span>${label}</span><select data-set-select="variant" data-testid="${testid}">${opts.map(
    ([id, l]) => html`<option value="${id}" ${id === current ? html`selected` : ""}>${l}</option>`,
  )}</select></label>${current && current !== "all" ? html`<span class="muted" data-testid="baselines-note"> Baselines are listed in every competition.</span>` : ""}`;
}

// bindControls routes clicks on [data-set] and changes of
// [data-set-select] into navigate({key: value}).
export function bindControls(root, navigate) {
  const click = (e) => {
    const b = e.target.closest("[data-set]");
    if (b && root.contains(b)) navigate({ [b.dataset.set]: b.dataset.value });
  };
  const change = (e) => {
    const s = e.target.closest("[data-set-select]");
    if (s && root.contains(s)) navigate({ [s.dataset.setSelect]: s.value });
  };
  root.addEventListener("click", click);
  root.addEventListener("change", change);
  return () => {
    root.removeEventListener("click", click);
    root.removeEventListener("change", change);
  };
}

// BASELINE is the variant the API shows for a built-in baseline: it follows
// no persona and is listed in every competition as a yardstick.
export const BASELINE = "baseline";

export function variantBadge(store, id) {
  if (!id) return "";
  if (id === BASELINE) {
    return html`<span class="vbadge" style="--c:#94a3b8" title="Built-in baseline: no persona; listed in every competition" data-testid="baseline-variant">baseline</span>`;
  }
  const v = store.variant(id);
  return html`<span class="vbadge" style="--c:${color(v.color)}" title="${v.label}">${String(v.id)}</span>`;
}

export function modelChip(store, name, modelId) {
  const c = store.modelColor(name, modelId);
  return html`<span class="model"><i class="dot" style="background:${c}"></i><span class="model-name">${name || modelId || "unknown"}</span>${
    store.isBaseline(modelId) ? html`<span class="tag tag-baseline" data-testid="baseline-badge">baseline</span>` : ""
  }${noKeyBadge(store, modelId)}</span>`;
}

// noKeyBadge labels a seat the worker cannot run; its title says how to
// enable it.
export function noKeyBadge(store, modelId) {
  const hint = store.cannotRun(modelId);
  return hint ? html`<span class="tag tag-nokey" data-testid="nokey-badge" title="${hint}">not running · no key</span>` : "";
}

export function sideBadge(side) {
  const s = f.side(side);
  return html`<span class="sbadge side-${s === "LONG" ? "long" : s === "SHORT" ? "short" : "none"}">${s}</span>`;
}

export function money(v, opts) {
  return html`<span class="${f.pnlClass(v)}">${f.usd(v, { sign: true, ...opts })}</span>`;
}

export function percent(v, opts) {
  return html`<span class="${f.pnlClass(v)}">${f.pct(v, opts)}</span>`;
}

// list normalises a stream or RPC payload that is either an array or an
// object holding the array under key.
export function list(payload, key) {
  if (Array.isArray(payload)) return payload;
  if (payload && Array.isArray(payload[key])) return payload[key];
  return null;
}
