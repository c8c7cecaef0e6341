// The threaded module (loadRecur({ threads })): training and generation on two threads give the
// same bits as the one-thread module, whose results the other tests check against PyTorch and
// the native build; bad thread counts are errors; Node exits with its workers idle.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';

import { loadRecur } from '../../web/lib/recur.js';
import { englishText } from './helpers.mjs';

test('loadRecur({ threads }) takes a whole number from 1', async () => {
  for (const threads of [0, -1, 1.5, NaN, Infinity]) {
    await assert.rejects(loadRecur({ threads }), RangeError, String(threads));
  }
  await assert.rejects(loadRecur({ threads: '2' }), { name: 'TypeError', message: 'threads must be a number, got string' });
  assert.equal((await loadRecur({ threads: 1 })).threads, 1);
});

test('two threads train and generate the same bits as one', { skip: availableParallelism() < 2 && 'one CPU' }, async () => {
  const one = await loadRecur();
  const two = await loadRecur({ threads: 2 });
  assert.equal(two.threads, 2);
  // Big enough that every kind of split runs: training's products and batch rows, and a
  // generation step's units (2 x 256).
  const run = (recur) => {
    const m = recur.createModel({ cell: 'lstm', vocab: englishText, hiddenSize: 256, embeddingDim: 32, numLayers: 2, seed: 4 });
    try {
      const t = m.trainer({ seqLen: 32, batchSize: 16, lr: 3e-3, seed: 2 });
      for (let i = 0; i < 4; i++) t.step(englishText);
      t.dispose();
      const text = m.generate({ prompt: 'The ', length: 300, temperature: 1, seed: 9 });
      m.reset();
      const probs = Array.from(m.feed('the quick brown fox'));
      return { bytes: m.save(), text, probs };
    } finally {
      m.dispose();
    }
  };
  const a = run(one), b = run(two);
  assert.ok(Buffer.from(a.bytes).equals(Buffer.from(b.bytes)), 'the trained model files differ');
  assert.equal(b.text, a.text);
  assert.deepEqual(b.probs, a.probs);
});
