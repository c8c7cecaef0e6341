// web/compact-weights.mjs: the copies of the models the demo page downloads (matrices as I8 with
// row scales, vectors as F16). The rounding against hand-worked cases, and a compacted shipped
// model against the original in the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { compactWeights, fromHalfBits, quantizeRow, toHalfBits } from '../../web/compact-weights.mjs';
import { loadRecur } from '../../web/lib/recur.js';
import { safetensorsHeader, testData } from './helpers.mjs';

test('toHalfBits rounds to the nearest binary16, ties to even, and refuses what does not fit', () => {
  const cases = [
    [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [65504, 0x7bff], [65519, 0x7bff], [-0, 0x8000],
    [2 ** -14, 0x0400],                    // the smallest normal
    [2 ** -24, 0x0001],                    // the smallest subnormal
    [2 ** -25, 0x0000],                    // half of it: a tie, to the even 0
    [3 * 2 ** -25, 0x0002],                // 1.5 units: a tie, to the even 2
    [2 ** -14 - 2 ** -25, 0x0400],         // 1023.5 units: a tie, up to the even 1024 (a normal)
    [1 + 2 ** -11, 0x3c00],                // half an ulp above 1: to the even 1
    [1 + 3 * 2 ** -11, 0x3c02],            // one and a half ulps: to the even 1 + 2^-9
    [Infinity, 0x7c00], [-Infinity, 0xfc00],
  ];
  for (const [x, bits] of cases) assert.equal(toHalfBits(x), bits, `${x}`);
  assert.equal(toHalfBits(NaN) & 0x7c00, 0x7c00);
  assert.ok(toHalfBits(NaN) & 0x3ff, 'NaN stays NaN');
  assert.throws(() => toHalfBits(65520), /65504/);  // rounds up past the largest finite value
  assert.throws(() => toHalfBits(-1e6), /65504/);
});

test('fromHalfBits reads binary16 back exactly: normals, subnormals, zeros, infinities, NaN', () => {
  const cases = [[0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0400, 2 ** -14], [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24], [0x3c01, 1 + 2 ** -10], [0x8000, -0], [0x7c00, Infinity], [0xfc00, -Infinity]];
  for (const [bits, x] of cases) assert.ok(Object.is(fromHalfBits(bits), x), `${bits.toString(16)}`);
  assert.ok(Number.isNaN(fromHalfBits(0x7e00)));
  for (let bits = 0; bits < 0x7c00; bits += 37) assert.equal(toHalfBits(fromHalfBits(bits)), bits);
});

test('quantizeRow: scale = max |x| / 127, q rounded to nearest with halves away from zero, never past ±127', () => {
  const r = quantizeRow(new Float32Array([127, -63.5, 0.5, -1.5, 0]));  // scale 1: exact ties
  assert.equal(r.scale, 1);
  assert.deepEqual(Array.from(r.q), [127, -64, 1, -2, 0]);
  const zero = quantizeRow(new Float32Array(4));
  assert.equal(zero.scale, 0);
  assert.deepEqual(Array.from(zero.q), [0, 0, 0, 0]);
  // max / 127 rounds to the smallest subnormal float, so max / scale is 128: clamped, not wrapped to -128.
  const tiny = quantizeRow(new Float32Array([1.8e-43, -1.8e-43]));
  assert.deepEqual(Array.from(tiny.q), [127, -127]);
});

test('a compacted model has I8 matrices with their scales, loads, and answers as the original does to within rounding', async (t) => {
  const shipped = path.join(testData, '..', 'models', 'apple-lstm', 'model.safetensors');
  if (!existsSync(shipped)) { t.skip('models/apple-lstm is not shipped'); return; }
  const recur = await loadRecur();
  const file = readFileSync(shipped);
  const small = compactWeights(new Uint8Array(file));
  assert.deepEqual(compactWeights(small), small, 'compacting twice changes nothing');
  const { header, n } = safetensorsHeader(small);
  assert.equal(n % 8, 0);
  const tensors = Object.entries(header).filter(([k]) => k !== '__metadata__');
  for (const [name, t] of tensors) {
    if (name.endsWith('.scale')) assert.equal(t.dtype, 'F32', name);
    else assert.equal(t.dtype, t.shape.length === 2 ? 'I8' : 'F16', name);
    if (t.dtype === 'I8') assert.deepEqual(header[`${name}.scale`].shape, [t.shape[0]], name);
  }
  const dataBytes = tensors.reduce((s, [, t]) => s + t.data_offsets[1] - t.data_offsets[0], 0);
  assert.equal(8 + n + dataBytes, small.length);
  assert.ok(small.length < file.length * 0.32, `${small.length} bytes of ${file.length}`);  // a quarter, plus scales and header
  const a = recur.loadModel(new Uint8Array(file)), b = recur.loadModel(small);
  try {
    assert.deepEqual(b.config, a.config);
    assert.deepEqual(b.vocab, a.vocab);
    assert.deepEqual(b.labels, a.labels);
    const text = 'My phone fell into the lake, so I bought a new apple. 手机坏了，好想要一个苹果';
    const pa = a.predict(text).probs, pb = b.predict(text).probs;
    let worst = 0;
    for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i] - pb[i]));
    assert.ok(worst > 0, 'the rounding is visible');
    // Rounding moves single probabilities by a few hundredths where the model is least sure (0.036 with
    // the apple-lstm weights of 2026-12-05, under 0.02 with the earlier ones); a wrong scale or layout
    // would change the logits themselves, not their last digits.
    assert.ok(worst < 0.05, `largest change of a probability ${worst}`);
  } finally {
    a.dispose();
    b.dispose();
  }
});

// The models as the page downloads them meet their cards' checks (models/*/check.json) too: the
// language models' bits/char on their slices, and the classifiers' accuracy (the taggers' mention
// accuracy is checked natively, on the F32 files only).
test('every compacted shipped language model and classifier passes its check.json', async (t) => {
  const recur = await loadRecur();
  const root = path.join(testData, '..', 'models');
  const dirs = readdirSync(root).filter((d) => existsSync(path.join(root, d, 'check.json')));
  if (!dirs.length) { t.skip('no model is shipped'); return; }
  for (const d of dirs) {
    const check = JSON.parse(readFileSync(path.join(root, d, 'check.json'), 'utf8'));
    if (check.metric === 'mention_accuracy') continue;
    const small = compactWeights(new Uint8Array(readFileSync(path.join(root, d, 'model.safetensors'))));
    // Every matrix is I8, whether the shipped file holds F32 or (en-fortunes-lstm-large) F16.
    for (const [name, info] of Object.entries(safetensorsHeader(small).header))
      if (info.shape?.length === 2) assert.equal(info.dtype, 'I8', `${d}: ${name}`);
    const m = recur.loadModel(small);
    try {
      const slice = readFileSync(path.join(root, d, check.slice), 'utf8');
      const got = check.metric === 'bits_per_char' ? m.evaluate(slice).bitsPerChar
        : m.evaluate(slice.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))).accuracy;
      t.diagnostic(`${d}: ${check.metric} ${got.toFixed(4)} compacted, ${check.expected} on the card`);
      assert.ok(Math.abs(got - check.expected) <= Math.max(check.tolerance, 0.005), `${d}: ${got} vs ${check.expected}`);
    } finally {
      m.dispose();
    }
  }
});
