// Objects free their wasm memory: many create/use/dispose cycles keep the heap flat.
// Emscripten 3.1.6 exposes the heap views on the module object (Module.HEAP8, replaced on every
// memory growth) and exports _malloc/_free; recur._core is that module.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadRecur } from '../../web/lib/recur.js';
import { englishText } from './helpers.mjs';

const MB = 1 << 20;
const heapBytes = (core) => core.HEAP8.buffer.byteLength;

// Where dlmalloc puts a block larger than any free hole: the top of the used heap. It moves by
// whatever a leak leaves behind, even when the heap has room to spare and does not grow.
function heapTop(core) {
  const p = core._malloc(16 * MB);
  assert.ok(p > 0, 'malloc failed');
  core._free(p);
  return p;
}

function cycle(recur) {
  const m = recur.createModel({ vocab: 'abc', hiddenSize: 4, embeddingDim: 2, seed: 1 });
  const p = m.predict('abcab');
  m.dispose();
  return p.rows;
}

test('10,000 create/predict/dispose cycles keep the wasm heap flat', async (t) => {
  const recur = await loadRecur();  // a fresh instance: nothing else allocates in it
  const core = recur._core;
  assert.ok(core.HEAP8 instanceof Int8Array, 'Module.HEAP8 is exposed');
  for (let i = 0; i < 100; i++) cycle(recur);
  const before = heapBytes(core);
  const emvals = core.count_emval_handles();
  let rows = 0;
  for (let i = 0; i < 10_000; i++) rows += cycle(recur);
  const growth = heapBytes(core) - before;
  t.diagnostic(`heap ${before} -> ${heapBytes(core)} bytes (growth ${growth})`);
  assert.equal(rows, 50_000);
  assert.ok(growth <= MB, `heap grew by ${growth} bytes`);
  assert.equal(core.count_emval_handles(), emvals, 'embind val handles leaked');

  // The stricter probe: the top of the used heap does not move either...
  const top = heapTop(core);
  for (let i = 0; i < 2_000; i++) cycle(recur);
  const moved = heapTop(core) - top;
  t.diagnostic(`heap top moved ${moved} bytes over 2,000 more cycles`);
  assert.ok(moved <= 64 * 1024, `heap top moved by ${moved} bytes`);

  // ...and it does see models that are never disposed (the check can fail).
  const kept = [];
  const top2 = heapTop(core);
  for (let i = 0; i < 1_000; i++) kept.push(recur.createModel({ vocab: 'abc', hiddenSize: 4, embeddingDim: 2 }));
  const leaked = heapTop(core) - top2;
  t.diagnostic(`1,000 undisposed models moved the heap top by ${leaked} bytes`);
  assert.ok(leaked > MB, `undisposed models moved the heap top by only ${leaked} bytes`);
  for (const m of kept) m.dispose();
});

test('generators, streams, trainers, feed, save and error paths free what they take', async (t) => {
  const recur = await loadRecur();
  const core = recur._core;
  const bytes = recur.createModel({ vocab: englishText, hiddenSize: 8, embeddingDim: 4, seed: 1 }).save();
  const work = async () => {
    const m = recur.loadModel(bytes);
    m.generate({ prompt: 'the ', length: 20, seed: 1, topK: 5, topP: 0.9 });
    for await (const piece of m.stream({ length: 40, chunk: 4 })) if (piece.length > 0) break;  // abandoned stream
    m.feed('the cat');
    m.hidden(0);
    m.save();
    m.trainer({ seqLen: 8, batchSize: 2 }).step(englishText);  // left for dispose() of the model
    for (const bad of [() => recur.loadModel(bytes.subarray(0, 100)), () => m.generate({ temperature: -1 }),
      () => m.predict(''), () => m.hidden(5), () => m.trainer({ lr: -1 })]) {
      assert.throws(bad);
    }
    m.dispose();
    assert.throws(() => m.generate({}));  // a disposed model allocates nothing
    assert.throws(() => m.trainer());
  };
  for (let i = 0; i < 20; i++) await work();
  const emvals = core.count_emval_handles();
  const size = heapBytes(core);
  const top = heapTop(core);
  for (let i = 0; i < 500; i++) await work();
  const moved = heapTop(core) - top;
  t.diagnostic(`heap top moved ${moved} bytes over 500 cycles; heap ${size} -> ${heapBytes(core)}`);
  assert.ok(moved <= 64 * 1024, `heap top moved by ${moved} bytes`);
  assert.equal(core.count_emval_handles(), emvals, 'embind val handles leaked');
});
