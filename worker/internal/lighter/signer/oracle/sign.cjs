// Signs random transactions of every type with the venue's own signer (the
// WebAssembly build of its Go signer shipped in lighter-ts-sdk) and prints one
// JSON record per line: the private key, account, API key index, chain, the
// arguments given, and the signer's output. Usage: node sign.cjs COUNT SEED.
// Inputs are drawn from a seeded generator so a failure can be replayed; when
// the signer rejects a draw (an invalid combination) another is drawn.
'use strict';
const fs = require('fs');
const path = require('path');
const wasmDir = path.join(__dirname, 'node_modules', 'lighter-ts-sdk', 'wasm');
require(path.join(wasmDir, 'wasm_exec.js'));

let state = BigInt(process.argv[3] || 1);
function next() { // 64-bit LCG, high bits
  state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
  return state >> 11n;
}
const int = (n) => Number(next() % BigInt(n));
function privateKey() { // 40 bytes little-endian; three in four below 2^318 < n, the rest any 320 bits
  const top = int(4) ? 0x3f : 0xff;
  let s = '';
  for (let i = 0; i < 40; i++) s += ((i === 39 ? top : 0xff) & int(256)).toString(16).padStart(2, '0');
  return s;
}
const expiry = () => (int(2) ? 0 : 1700000000000 + int(1e10));
const kinds = {
  createOrder: () => SignCreateOrder(int(120), int(2 ** 47), 1 + int(1e12), 1 + int(2 ** 31), int(2), int(6), int(3), int(2), int(2) ? 0 : int(2 ** 31), expiry(), int(1e12)),
  cancelOrder: () => SignCancelOrder(int(120), int(2 ** 47), int(1e12)),
  cancelAll: () => (int(2) ? SignCancelAllOrders(0, 0, int(1e12)) : SignCancelAllOrders(1, 1700000000000 + int(1e10), int(1e12))),
  updateLeverage: () => SignUpdateLeverage(int(120), 1 + int(10000), int(2), int(1e12)),
  authToken: () => CreateAuthToken(Math.floor(Date.now() / 1000) + 60 + int(7 * 3600)),
};

(async () => {
  const go = new globalThis.Go();
  const mod = go.importObject.go || go.importObject.gojs;
  go.importObject.go = mod;
  go.importObject.gojs = mod;
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(path.join(wasmDir, 'lighter-signer.wasm')), go.importObject);
  go.run(instance);
  const count = Number(process.argv[2] || 10);
  const names = Object.keys(kinds);
  const lines = [];
  for (let i = 0; i < count; i++) {
    const kind = names[i % names.length];
    const key = privateKey(), account = int(2 ** 47), apiKey = 3 + int(250), chain = int(2) ? 304 : 300;
    const c = CreateClient(key, account, apiKey, chain);
    if (c.error) throw new Error('CreateClient: ' + c.error);
    let out;
    for (let tries = 0; tries < 500; tries++) {
      out = kinds[kind]();
      if (!out.error) break;
    }
    if (out.error) throw new Error(kind + ': ' + out.error);
    lines.push(JSON.stringify({ kind, key, account, apiKey, chain, txInfo: out.txInfo || '', authToken: out.authToken || '' }));
  }
  // Exit only once stdout is flushed: writes to a pipe are asynchronous, and
  // the Go runtime keeps the event loop alive.
  process.stdout.write(lines.join('\n') + '\n', () => process.exit(0));
})().catch((e) => { console.error(e); process.exit(1); });
