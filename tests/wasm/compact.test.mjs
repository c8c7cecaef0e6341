// web/compact-weights.mjs: the copies of the models the demo page downloads (matrices as I8 with
// row scales, vectors as F16). The rounding against hand-worked cases, and a compacted shipped
// model against the original in the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { compactWeights, quantizeRow, toHalfBits } from '../../web/compact-weights.mjs';
import { loadRecur } from '../../web/lib/recur.js';
import { testData } from './helpers.mjs';

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

test('quantizeRow: scale = max |x| / 127, q rounded to nearest with halves away from zero', () => {
  const r = quantizeRow(new Float32Array([1.27, -0.635, 0.005, -0.015, 0]));
  assert.equal(r.scale, Math.fround(1.27 / 127));
  assert.deepEqual(Array.from(r.q), [127, -64, 1, -2, 0]);  // -63.5 → -64, 0.5 → 1, -1.5 → -2
  const zero = quantizeRow(new Float32Array(4));
  assert.equal(zero.scale, 0);
  assert.deepEqual(Array.from(zero.q), [0, 0, 0, 0]);
  const r2 = quantizeRow(new Float32Array([-2, 1]));
  assert.deepEqual(Array.from(r2.q), [-127, 64]);  // 63.5 → 64
});

test('a compacted model has I8 matrices with their scales, loads, and answers as the original does to within rounding', async () => {
  const recur = await loadRecur();
  const file = readFileSync(path.join(testData, '..', 'models', 'apple-lstm', 'model.safetensors'));
  const small = compactWeights(new Uint8Array(file));
  assert.deepEqual(compactWeights(small), small, 'compacting twice changes nothing');
  const n = Number(new DataView(small.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(small.subarray(8, 8 + n)));
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
    assert.ok(worst < 0.02, `largest change of a probability ${worst}`);
  } finally {
    a.dispose();
    b.dispose();
  }
});
