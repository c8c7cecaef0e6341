// Shared by the JavaScript benches: the standard workload, recur's weights as plain arrays, the
// sampling every library's generation loop uses, timing and result reporting.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..');
export const quick = process.argv.includes('--quick');

/** "<unk>" and the 95 printable ASCII characters: V = 96, as native_bench.cpp. */
export const VOCAB = ['<unk>', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];
export const V = 96, E = 64, H = 256, L = 2;
/**
 * char-transformer-128x4, the Transformer of about the same size (817,760 parameters at V 96 against
 * the LSTM's 886,880): d 128, 4 layers, 4 heads, feed-forward 512, window 256, post-norm, ReLU. Its
 * generation is timed over whole windows from a reset (positions 0..255: a step's cost grows with
 * its position), its training on 16 windows of 128 (the LSTM's 2,048 characters per step).
 */
export const TRANSFORMER = { d: 128, layers: 4, heads: 4, ff: 512, window: 256, trainBatch: 16, trainSeq: 128 };
/** Text of the correctness check (every library reads it from the zero state). */
export const CHECK_TEXT = 'Hello, world! The quick brown fox jumps over 13 lazy dogs.';
/** The tagger's sentence: 100 characters. */
export const TAGGER_TEXT = 'the quick brown fox jumps over the lazy dog, pack my box with five dozen liquor jugs. the quick brown'.slice(0, 100);

export const now = () => performance.now();

/** The seeded generator (mulberry32) the demo uses for its probes: same seed, same numbers. */
import { rng } from '../web/apple-text.js';
export { rng };

/** The caller's sampling step (temperature 1): one uniform, inverse CDF over the probabilities. */
export function sampler(seed = 12345) {
  const u = rng(seed);
  return (probs) => {
    const r = u();
    let acc = 0;
    for (let i = 0; i < probs.length; i++) {
      acc += probs[i];
      if (r < acc) return i;
    }
    return probs.length - 1;
  };
}

/** Training text: n random printable characters (content does not change the speed). */
export function trainingText(n, seed = 7) {
  const u = rng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + Math.floor(u() * 95));
  return s;
}

/** Ids of text in VOCAB. */
export const ids = (text) => Array.from(text, (ch) => VOCAB.indexOf(ch));

/** Tensors of a .safetensors file (recur's model.save()) as {name: {shape, data: Float32Array}}. */
export function parseSafetensors(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const out = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`${name}: dtype ${t.dtype}`);
    const [a, b] = t.data_offsets;
    const copy = bytes.slice(8 + n + a, 8 + n + b);
    out[name] = { shape: t.shape, data: new Float32Array(copy.buffer, copy.byteOffset, (b - a) / 4) };
  }
  return out;
}

/** Rows [r0, r1) of a row-major (rows, cols) matrix. */
export const rowBlock = (data, cols, r0, r1) => data.subarray(r0 * cols, r1 * cols);

/** Transpose of a row-major (rows, cols) matrix. */
export function transpose(data, rows, cols) {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j];
  return t;
}

/** Reorders the gate blocks (each H rows) of a (G*H, cols) matrix or (G*H) vector: out block k = in block order[k]. */
export function reorderGates(data, G, order) {
  const block = data.length / G;
  const out = new Float32Array(data.length);
  order.forEach((src, k) => out.set(data.subarray(src * block, (src + 1) * block), k * block));
  return out;
}

/** max |a - b| / |b| over all entries (b: recur's reference), and max |a - b|. */
export function compare(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let rel = 0, abs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.abs(b[i]));
  }
  return { rel, abs };
}

/** The recur wasm engine, through the public API (web/lib/recur.js). */
export async function loadRecurApi(options = {}) {
  const { loadRecur } = await import(join(root, 'web/lib/recur.js'));
  return loadRecur(options);
}

/** recur's char-lstm-256x2 (or cell variant) with seed 1: the weights every library gets. */
export function recurModel(recur, cell = 'lstm', extra = {}) {
  return recur.createModel({ cell, vocab: VOCAB, embeddingDim: E, hiddenSize: H, numLayers: L, seed: 1, ...extra });
}

/** recur's char-transformer-128x4 with seed 1. */
export function recurTransformer(recur) {
  const t = TRANSFORMER;
  return recur.createModel({ cell: 'transformer', vocab: VOCAB, hiddenSize: t.d, numLayers: t.layers, numHeads: t.heads,
    ffSize: t.ff, maxLen: t.window, seed: 1 });
}

/** The sinusoidal positional code of rows [0, n) for width d: (n, d) row-major. */
export function positions(n, d) {
  const pe = new Float32Array(n * d);
  for (let p = 0; p < n; p++)
    for (let i = 0; i < d; i += 2) {
      const a = p * Math.pow(10000, -i / d);
      pe[p * d + i] = Math.sin(a);
      if (i + 1 < d) pe[p * d + i + 1] = Math.cos(a);
    }
  return pe;
}

/** recur's reference probabilities for CHECK_TEXT: (len, V) rows, from predict(). */
export function recurReference(model) {
  return model.predict(CHECK_TEXT).probs;
}

/** Median and best of an array of rates. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { best: s[s.length - 1], median: s[Math.floor(s.length / 2)], worst: s[0] };
}

export const log = (...a) => console.error(...a);

/** Reports the result object to run.mjs. */
export function report(obj) {
  console.log('@@RESULT ' + JSON.stringify(obj));
}

export const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
