// The threaded module (loadRecur({ threads })): training and generation on two threads give the
// same bits as the one-thread module, whose results the other tests check against PyTorch and
// the native build; bad thread counts are errors; missing files are errors, not a hang; Node
// exits by itself with the threads' workers idle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadRecur } from '../../web/lib/recur.js';
import { englishText } from './helpers.mjs';

const lib = fileURLToPath(new URL('../../web/lib/', import.meta.url));
const skip = availableParallelism() < 2 && 'one CPU';

test('loadRecur({ threads }) takes a whole number from 1', async () => {
  for (const threads of [0, -1, 1.5, NaN, Infinity]) {
    await assert.rejects(loadRecur({ threads }), RangeError, String(threads));
  }
  await assert.rejects(loadRecur({ threads: '2' }), { name: 'TypeError', message: 'threads must be a number, got string' });
  assert.equal((await loadRecur({ threads: 1 })).threads, 1);
});

test('two threads train and generate the same bits as one', { skip }, async () => {
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

// A copy of the package without one of the threaded module's files.
function packageWithout(missing) {
  const dir = mkdtempSync(path.join(tmpdir(), 'recur-threads-'));
  mkdirSync(path.join(dir, 'mt'));
  for (const f of ['recur.js', 'errors.js', 'recur-core.mjs', 'recur-core.wasm', 'mt/package.json', 'mt/recur-core-mt.mjs',
    'mt/recur-core-mt.wasm', 'mt/recur-core-mt.worker.js']) {
    if (f !== missing) copyFileSync(path.join(lib, f), path.join(dir, f));
  }
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
  return dir;
}

test('a missing file of the threaded module is a wasm_load RecurError naming it, not a hang', { skip }, async () => {
  for (const [missing, named] of [['mt/recur-core-mt.worker.js', /recur-core-mt\.worker\.js/], ['mt/recur-core-mt.wasm', /recur-core-mt\.wasm/],
    ['mt/recur-core-mt.mjs', /recur-core-mt\.mjs/]]) {
    const dir = packageWithout(missing);
    try {
      const { loadRecur: load } = await import(path.join(dir, 'recur.js'));
      await assert.rejects(load({ threads: 2 }), (e) => e.code === 'wasm_load' && named.test(e.message), missing);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('Node exits by itself after training on two threads', { skip }, () => {
  const script = `import { loadRecur } from ${JSON.stringify(path.join(lib, 'recur.js'))};
    const recur = await loadRecur({ threads: 2 });
    const m = recur.createModel({ vocab: 'ab ', hiddenSize: 256, numLayers: 2, seed: 1 });
    m.trainer({ seqLen: 16, batchSize: 16 }).step('ab ba '.repeat(100));
    console.log(recur.threads);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.signal, null, 'still running after 60 s');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2');
});
