// Hostile inputs and long runs through the JavaScript API: each gets an Error with the engine's
// message and the module keeps working; a million generated characters leave the heap where it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadRecur, RecurError } from '../../web/lib/recur.js';

const recur = await loadRecur();  // own instance: the heap measurement sees only this file's work
const core = recur._core;

function heapTop() {  // see memory.test.mjs: the top of the used heap moves with any leak
  const p = core._malloc(16 << 20);
  core._free(p);
  return p;
}

const works = () => {
  const m = recur.createModel({ vocab: 'ab', hiddenSize: 4, embeddingDim: 2, seed: 1 });
  const rows = m.predict('abba').rows;
  m.dispose();
  assert.equal(rows, 4);
};

test('a 1 MB prompt is refused with the limit in the message', () => {
  const m = recur.createModel({ vocab: 'ab', hiddenSize: 4, embeddingDim: 2 });
  assert.throws(() => m.generate({ prompt: 'a'.repeat(1 << 20), length: 5 }),
    (e) => e instanceof RecurError && /prompt is 1048576 characters: the limit is 100000 characters/.test(e.message));
  assert.equal(Array.from(m.generate({ prompt: '', length: 5 })).length, 5);  // empty prompt: allowed
  m.dispose();
  works();
});

test('predict() and prompts count their limits in characters, not bytes', async () => {
  const m = recur.createModel({ vocab: ['中', 'a'], hiddenSize: 4, embeddingDim: 2 });
  // 4,194,304 characters of 3 bytes each (12 MiB of UTF-8) are within the limit; one more is not.
  assert.equal(m.predict('中'.repeat(4 << 20)).rows, 4 << 20);
  const tooLong = '中'.repeat((4 << 20) + 1);
  const said = /text is 4194305 characters: the limit is 4194304/;
  assert.throws(() => m.predict(tooLong), (e) => e instanceof RecurError && e.code === 'out_of_range' && said.test(e.message));
  await assert.rejects(m.predictAsync(tooLong), (e) => e instanceof RecurError && said.test(e.message));
  assert.equal(m.generate({ prompt: '中'.repeat(100000), length: 1 }).length, 1);
  assert.throws(() => m.generate({ prompt: '中'.repeat(100001), length: 1 }),
    (e) => e instanceof RecurError && /prompt is 100001 characters: the limit is 100000 characters/.test(e.message));
  m.dispose();
  works();
});

test('a lone surrogate (not Unicode) is an error, not silently paired with the next character', () => {
  const m = recur.createModel({ vocab: 'ab', hiddenSize: 4, embeddingDim: 2 });
  assert.throws(() => m.predict('a\uD800b'), (e) => e instanceof RecurError && /lone surrogate U\+D800 at index 1/.test(e.message));
  assert.throws(() => m.generate({ prompt: '\uDC00' }), (e) => e instanceof RecurError && /prompt is not valid Unicode/.test(e.message));
  m.dispose();
  works();
});

test('a config too large for memory is refused before allocating', () => {
  assert.throws(() => recur.createModel({ vocab: 'ab', hiddenSize: 16384, numLayers: 16, embeddingDim: 1024 }),
    (e) => e instanceof RecurError && /more than the limit/.test(e.message));
  assert.throws(() => recur.createModel({ vocab: 'ab', hiddenSize: 1e9 }), (e) => e instanceof RangeError && /^hiddenSize must be/.test(e.message));
  works();
});

test('a model file with a NaN weight is refused, naming the tensor', () => {
  const m = recur.createModel({ vocab: 'ab', hiddenSize: 4, embeddingDim: 2 });
  const bytes = m.save();
  m.dispose();
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const bad = bytes.slice();
  new DataView(bad.buffer).setFloat32(8 + headerLen, NaN, true);  // the first element of the first tensor
  assert.throws(() => recur.loadModel(bad), (e) => e instanceof RecurError && /embedding\.weight/.test(e.message));
  works();
});

test('training that diverges stops with the step and leaves working weights', async () => {
  const m = recur.createModel({ cell: 'rnn_relu', vocab: 'abc', hiddenSize: 8, embeddingDim: 4, seed: 2 });
  const t = m.trainer({ optimizer: 'sgd', lr: 1e30, clip: 0, seqLen: 8, batchSize: 2 });
  await assert.rejects(async () => {
    for (let i = 0; i < 50; i++) t.step('abcabcabcabcabcabcabcabcabc');
  }, (e) => e instanceof RecurError && /training diverged at step \d+/.test(e.message));
  const p = m.predict('abcabc');
  assert.ok(p.probs.every(Number.isFinite), 'the restored weights give finite probabilities');
  assert.equal(Array.from(m.generate({ length: 10 })).length, 10);
  m.dispose();
  works();
});

test('generating 1,000,000 characters keeps the heap flat', () => {
  const m = recur.createModel({ vocab: 'abc ', hiddenSize: 8, embeddingDim: 4, seed: 3 });
  m.generate({ length: 10_000, seed: 1 });  // warm: buffers at full size
  const top = heapTop();
  let n = 0;
  for (let i = 0; i < 10; i++) n += Array.from(m.generate({ length: 100_000, seed: i })).length;
  const moved = heapTop() - top;
  assert.equal(n, 1_000_000);
  assert.ok(moved <= 64 * 1024, `heap top moved by ${moved} bytes`);
  m.dispose();
});
