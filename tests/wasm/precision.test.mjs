// loadModel(bytes, { precision }): the option's surface, and int8 against float32 in the JS API:
// the same numbers as float32 on the rounded weights, and int8 copies that follow training.
// (Accuracy on the shipped models: tests/models/shipped_models_test.cpp, natively and in wasm.)
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { quantizeRow } from '../../web/compact-weights.mjs';
import { englishText, recurInstance } from './helpers.mjs';

let recur, bytes;

before(async () => {
  recur = await recurInstance();
  const m = recur.createModel({ vocab: englishText, hiddenSize: 24, embeddingDim: 8, numLayers: 2, seed: 3 });
  bytes = m.save();
  m.dispose();
});

// Row by row with the page's model compactor (web/compact-weights.mjs: scale = max |w| / 127,
// halves away from zero), a JS implementation the engine's int8 path is checked against.
function roundRows(w, rows, cols) {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) {
    const { scale, q } = quantizeRow(w.subarray(r * cols, (r + 1) * cols));
    q.forEach((v, k) => { out[r * cols + k] = v * scale; });
  }
  return out;
}

test('recur.precisions lists float32 first; models say which they use', () => {
  assert.deepEqual(recur.precisions, ['float32', 'int8']);
  const f = recur.loadModel(bytes), q = recur.loadModel(bytes, { precision: 'int8' });
  assert.equal(f.precision, 'float32');
  assert.equal(q.precision, 'int8');
  assert.equal(recur.createModel({ vocab: 'ab', hiddenSize: 2, embeddingDim: 2 }).precision, 'float32');
  f.dispose();
  q.dispose();
});

test('a bad precision is a RangeError naming the choices; an unknown option a TypeError', () => {
  assert.throws(() => recur.loadModel(bytes, { precision: 'int4' }),
    (e) => e instanceof RangeError && /^precision must be "float32" or "int8", got "int4"$/.test(e.message));
  assert.throws(() => recur.loadModel(bytes, { precison: 'int8' }), (e) => e instanceof TypeError && /did you mean "precision"/.test(e.message));
  assert.throws(() => recur.loadModel(bytes, { precision: 8 }), TypeError);
});

// The model file with every matrix int8 inference rounds replaced by its rounded values: each
// layer's W_hh, W_ih above layer 0 (layer 0's is folded into the embedding and stays float32),
// and the head; a Transformer's in_proj, out_proj, linear1, linear2 and head.
const RECURRENT_ROUNDED = /^rnn\.weight_hh_l|^rnn\.weight_ih_l[1-9]|^head\.weight$/;
const TRANSFORMER_ROUNDED = /^encoder\.layers\.\d+\.(self_attn\.in_proj_weight|self_attn\.out_proj\.weight|linear[12]\.weight)$|^head\.weight$/;
function roundedFile(file, rounded = RECURRENT_ROUNDED) {
  const out = file.slice();
  const n = Number(new DataView(out.buffer, out.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + n)));
  const data = 8 + n;
  for (const [name, t] of Object.entries(header)) {
    if (!rounded.test(name)) continue;
    assert.equal(t.dtype, 'F32');
    const [rows, cols] = t.shape;
    const at = data + t.data_offsets[0];
    const w = new Float32Array(out.slice(at, at + rows * cols * 4).buffer);
    out.set(new Uint8Array(roundRows(w, rows, cols).buffer), at);
  }
  return out;
}

// feed() over text through file at int8, through the rounded file at float32 and through file at float32.
function int8Gaps(file, rounded, text) {
  const q = recur.loadModel(file, { precision: 'int8' });
  const f = recur.loadModel(roundedFile(file, rounded));
  const plain = recur.loadModel(file);
  let worst = 0, fromFloat = 0;
  for (const ch of text) {
    const a = q.feed(ch), b = f.feed(ch), c = plain.feed(ch);
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
      fromFloat = Math.max(fromFloat, Math.abs(a[i] - c[i]));
    }
  }
  for (const m of [q, f, plain]) m.dispose();
  return { worst, fromFloat };
}

test('int8 feed() is float32 on the rounded matrices, up to the rounding of the vectors', () => {
  const { worst, fromFloat } = int8Gaps(bytes, RECURRENT_ROUNDED, 'the quick brown fox jumps over the lazy dog');
  assert.ok(worst < 2e-4, `int8 vs float32 on rounded weights: ${worst}`);
  assert.ok(fromFloat > 10 * worst, `int8 must differ from float32 by the rounding of the weights: ${fromFloat} vs ${worst}`);
});

test('a Transformer at int8 is float32 on its rounded matrices, past its window too', () => {
  const m = recur.createModel({ cell: 'transformer', vocab: englishText, hiddenSize: 16, numLayers: 2, numHeads: 2, ffSize: 24, maxLen: 16, seed: 4 });
  const file = m.save();
  m.dispose();
  const { worst, fromFloat } = int8Gaps(file, TRANSFORMER_ROUNDED, 'the quick brown fox jumps over the lazy dog');
  assert.ok(worst < 5e-4, `int8 vs float32 on rounded weights: ${worst}`);
  assert.ok(fromFloat > 10 * worst, `int8 must differ from float32 by the rounding of the weights: ${fromFloat} vs ${worst}`);
});

test('training an int8 model updates its float32 weights; a generation after it uses the trained weights', async () => {
  const q = recur.loadModel(bytes, { precision: 'int8' });
  const before = q.generate({ prompt: 'the ', length: 40, seed: 2, temperature: 0 });
  const t = q.trainer({ lr: 0.01, seqLen: 16, batchSize: 4 });
  for (let i = 0; i < 30; i++) t.step(englishText);
  t.dispose();
  const after = q.generate({ prompt: 'the ', length: 40, seed: 2, temperature: 0 });
  assert.notEqual(after, before);
  // The same trained weights loaded afresh at int8 generate the same text.
  const again = recur.loadModel(q.save(), { precision: 'int8' });
  assert.equal(again.generate({ prompt: 'the ', length: 40, seed: 2, temperature: 0 }), after);
  q.dispose();
  again.dispose();
});

test('predict() on an int8 model follows training: its int8 copies are remade', () => {
  const q = recur.loadModel(bytes, { precision: 'int8' });
  const text = 'the quick brown fox';
  const first = q.predict(text).probs.slice();  // makes the int8 copies
  const t = q.trainer({ lr: 0.01, seqLen: 16, batchSize: 4 });
  for (let i = 0; i < 20; i++) t.step(englishText);
  t.dispose();
  const fresh = recur.loadModel(q.save(), { precision: 'int8' });
  const now = q.predict(text).probs;
  assert.deepEqual(Array.from(now), Array.from(fresh.predict(text).probs));
  assert.notDeepEqual(Array.from(now), Array.from(first));
  q.dispose();
  fresh.dispose();
});
