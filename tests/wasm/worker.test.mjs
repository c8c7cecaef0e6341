// The API inside a node:worker_threads Worker (predict-worker.mjs), checked against a golden
// fixture and against the same model in the main thread.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { maxAbsDiff, readBytes, recurInstance, testData } from './helpers.mjs';

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./predict-worker.mjs', import.meta.url), { workerData });
    w.once('message', (m) => { w.terminate(); resolve(m); });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
}

test('loadRecur, loadModel, createModel, predict and generate work in a worker thread', async () => {
  const goldenDir = path.join(testData, 'golden');
  const g = JSON.parse(readFileSync(path.join(goldenDir, 'lm_gru_2layer.json'), 'utf8'));
  const bytes = readBytes(path.join(goldenDir, 'lm_gru_2layer.safetensors'));
  const B = g.batch, T = g.lengths[0];
  const vocab = 'abcdefg';  // the fixtures' vocabulary
  const ids = Array.from({ length: T }, (_, t) => g.ids[t * B]);
  const text = ids.map((id) => vocab[id]).join('');

  const r = await runWorker({ golden: bytes, text });
  assert.equal(r.error, undefined);
  assert.equal(r.simdArch, 'sse4.1');

  // Golden sequence 0, rows t*B.
  assert.equal(r.golden.rows, T);
  assert.ok(r.golden.probs instanceof Float32Array);
  const expected = ids.flatMap((_, t) => g.log_probs.slice(t * B * r.golden.cols, (t * B + 1) * r.golden.cols).map(Math.exp));
  const d = maxAbsDiff(expected, r.golden.probs);
  assert.ok(d <= 1e-5, `max |golden - worker| = ${d}`);

  // The model created in the worker, reloaded here, gives the same numbers and the same text.
  const recur = await recurInstance();
  const m = recur.loadModel(r.created.file);
  try {
    assert.equal(r.created.rows, 6);
    assert.deepEqual(Array.from(m.predict('明月 abc').probs), Array.from(r.created.probs));
    assert.equal(m.generate({ prompt: '明', length: 12, seed: 5 }), r.created.text);
    assert.equal(Array.from(r.created.text).length, 12);
  } finally {
    m.dispose();
  }
});

test('an error inside the worker arrives as a message, not a crash', async () => {
  const r = await runWorker({ golden: new Uint8Array(3), text: 'abc' });
  assert.match(r.error, /^RecurError: model file too short: 3 bytes/);
});
