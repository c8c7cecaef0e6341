// Training in wasm: the loss falls, fit() reports progress and honours an AbortSignal.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { RecurError } from '../../web/lib/recur.js';
import { englishText, maxAbsDiff, mean, recurInstance } from './helpers.mjs';

let recur;
before(async () => { recur = await recurInstance(); });

const tiny = (seed = 1) =>
  recur.createModel({ cell: 'lstm', vocab: englishText, hiddenSize: 24, embeddingDim: 8, numLayers: 1, seed });

test('trainer.step: the first loss is about ln(V) and the loss falls', () => {
  const m = tiny();
  try {
    const t = m.trainer({ seqLen: 16, batchSize: 4, lr: 1e-2, seed: 1 });
    const losses = [];
    for (let i = 0; i < 60; i++) losses.push(t.step(englishText));
    // PyTorch's initialisation gives near-uniform outputs: cross-entropy ~ ln V nats.
    const lnV = Math.log(m.config.vocabSize);
    assert.ok(Math.abs(losses[0] - lnV) < 0.25, `first loss ${losses[0]}, ln V = ${lnV}`);
    assert.ok(losses.every(Number.isFinite));
    const first = mean(losses.slice(0, 5)), last = mean(losses.slice(-5));
    assert.ok(last < first - 0.3, `mean loss of the first 5 steps ${first}, of the last 5 ${last}`);
  } finally {
    m.dispose();
  }
});

test('the same seed trains to the same weights', () => {
  const a = tiny(3), b = tiny(3);
  try {
    for (const m of [a, b]) {
      const t = m.trainer({ seqLen: 8, batchSize: 2, seed: 5 });
      for (let i = 0; i < 5; i++) t.step(englishText);
    }
    assert.equal(maxAbsDiff(a.predict('the dog').probs, b.predict('the dog').probs), 0);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('fit(text, {steps, onProgress}) reports step, loss, charsPerSec and eta', async () => {
  const m = tiny();
  try {
    const before = m.predict('the cat').probs;
    const reports = [];
    const r = await m.trainer({ seqLen: 16, batchSize: 4, lr: 5e-3 }).fit(englishText, {
      steps: 30, onProgress: (p) => reports.push(p),
    });
    assert.deepEqual({ steps: r.steps, aborted: r.aborted }, { steps: 30, aborted: false });
    assert.ok(Number.isFinite(r.loss) && r.loss > 0);
    assert.ok(reports.length >= 1);
    let prev = 0;
    for (const p of reports) {
      assert.ok(Number.isInteger(p.step) && p.step > prev && p.step <= 30);
      prev = p.step;
      assert.equal(p.steps, 30);
      assert.ok(Number.isFinite(p.loss) && p.loss > 0);
      assert.ok(Math.abs(p.bitsPerChar - p.loss / Math.LN2) < 1e-9);
      assert.ok(p.charsPerSec > 0 && Number.isFinite(p.charsPerSec));
      assert.ok(p.eta >= 0 && Number.isFinite(p.eta));
    }
    const lastReport = reports.at(-1);
    assert.equal(lastReport.step, 30);
    assert.equal(lastReport.eta, 0);
    assert.equal(lastReport.loss, r.loss);
    assert.ok(maxAbsDiff(before, m.predict('the cat').probs) > 1e-4, 'fit changed the model');
  } finally {
    m.dispose();
  }
});

test('an AbortSignal stops fit early with aborted: true', { timeout: 30_000 }, async () => {
  const m = tiny();
  try {
    const ac = new AbortController();
    let calls = 0;
    const r = await m.trainer({ seqLen: 16, batchSize: 4 }).fit(englishText, {
      steps: 20_000, signal: ac.signal, onProgress: () => { if (++calls === 1) ac.abort(); },
    });
    assert.equal(r.aborted, true);
    assert.ok(r.steps >= 1 && r.steps < 20_000, `stopped after ${r.steps} steps`);
    assert.equal(calls, 1);

    // Already aborted: no step at all, the model is unchanged.
    const before = m.predict('the').probs;
    const pre = new AbortController();
    pre.abort();
    const r0 = await m.trainer().fit(englishText, { steps: 10, signal: pre.signal });
    assert.deepEqual({ steps: r0.steps, aborted: r0.aborted }, { steps: 0, aborted: true });
    assert.deepEqual(Array.from(m.predict('the').probs), Array.from(before));
  } finally {
    m.dispose();
  }
});

test('a trainer dies with its model', () => {
  const m = tiny();
  const t = m.trainer({ seqLen: 8, batchSize: 2 });
  t.step(englishText);
  m.dispose();
  assert.throws(() => t.step(), /disposed/);
  assert.throws(() => m.trainer(), /disposed/);
});

test('fit on a text shorter than seqLen + 1 is a RecurError', async () => {
  const m = tiny();
  try {
    await assert.rejects(m.trainer({ seqLen: 16 }).fit('the cat', { steps: 3 }),
      (e) => e instanceof RecurError && /seq_len \+ 1/.test(e.message));
  } finally {
    m.dispose();
  }
});
