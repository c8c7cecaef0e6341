// The Transformer through the JS API: the same numbers as the native CLI on one model file (and
// the same seeds give the same text, past the context window), createModel/train/save/load, and
// trace()'s attention weights.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { cli, codePoints, englishText, maxAbsDiff, readBytes, recurInstance, requireCli, tempDir } from './helpers.mjs';

let recur, tmp, lmPath, lm;

before(async () => {
  requireCli();
  recur = await recurInstance();
  tmp = tempDir();
  writeFileSync(tmp.file('en.txt'), englishText);
  lmPath = tmp.file('tf.safetensors');
  cli('train', '--data', tmp.file('en.txt'), '--out', lmPath, '--cell', 'transformer', '--hidden', '16', '--heads', '2',
    '--ff', '24', '--max-len', '32', '--layers', '2', '--seq', '24', '--batch', '4', '--steps', '60', '--seed', '1',
    '--quiet');
  lm = recur.loadModel(readBytes(lmPath));
});

after(() => {
  lm?.dispose();
  tmp?.remove();
});

test('a transformer file loads with its settings', () => {
  assert.equal(lm.config.cell, 'transformer');
  assert.equal(lm.config.numHeads, 2);
  assert.equal(lm.config.ffSize, 24);
  assert.equal(lm.config.maxLen, 32);
  assert.equal(lm.config.normFirst, false);
  assert.equal(lm.config.activation, 'relu');
  assert.equal(lm.config.embeddingDim, 16);
});

test('predict() gives the native probabilities', () => {
  const text = 'the lazy dog sat on the mat';
  const native = JSON.parse(cli('probs', '--json', '--model', lmPath, '--text', text));
  const d = maxAbsDiff(native.probs.flat(), lm.predict(text).probs);
  assert.ok(d <= 1e-5, `max |native - wasm| = ${d}`);
});

test('the same seed generates the same text natively and in wasm, past the context window', () => {
  for (const o of [{ seed: 3, temperature: 0.8, prompt: 'the ' }, { seed: 7, temperature: 0 }, { seed: 1, temperature: 1, topK: 4 }]) {
    const flags = ['--seed', String(o.seed), '--temperature', String(o.temperature), '--length', '90',
      ...(o.topK ? ['--top-k', String(o.topK)] : []), ...(o.prompt ? ['--prompt', o.prompt] : [])];
    const native = cli('generate', '--model', lmPath, ...flags);
    const wasm = lm.generate({ ...o, length: 90 });
    assert.equal(native, (o.prompt ?? '') + wasm + '\n');
    assert.equal(codePoints(wasm), 90);  // 90 > maxLen 32: the window restarted twice
  }
});

test('a text longer than the window is refused with the window named', () => {
  assert.throws(() => lm.predict('a'.repeat(33)), /context window \(max_len 32\)/);
  assert.throws(() => lm.hidden(0), /no recurrent state/);
});

test('createModel, train, save and load a transformer tagger', async () => {
  const examples = [];
  for (const word of ['apple', 'pear', 'plum']) {
    const text = `i ate a ${word} today`;
    examples.push({ text, labels: Array.from(text, (_, i) => (i >= 9 && i < 9 + word.length ? 'fruit' : 'O')) });
  }
  const m = recur.createModel({
    task: 'tagger', cell: 'transformer', vocab: examples.map((e) => e.text).join(''), labels: ['O', 'fruit'],
    hiddenSize: 16, numHeads: 4, ffSize: 32, maxLen: 24, normFirst: true, activation: 'gelu', bidirectional: true,
    seed: 2,
  });
  try {
    const t = m.trainer({ batchSize: 3, lr: 1e-2, seed: 1 });
    const first = t.step(examples);
    let last = first;
    for (let i = 0; i < 60; i++) last = t.step(examples);
    assert.ok(last < 0.5 * first, `loss ${first} -> ${last}`);
    writeFileSync(tmp.file('tagger.safetensors'), m.save());
    assert.match(cli('info', '--model', tmp.file('tagger.safetensors')), /cell\s+transformer/);
    const back = recur.loadModel(readFileSync(tmp.file('tagger.safetensors')));
    try {
      assert.deepEqual(back.config, m.config);
      assert.equal(back.config.activation, 'gelu');
      assert.ok(maxAbsDiff(back.predict('i ate a plum').probs, m.predict('i ate a plum').probs) === 0);
    } finally {
      back.dispose();
    }
  } finally {
    m.dispose();
  }
  assert.throws(() => recur.createModel({ vocab: 'abc', cell: 'lstm', numHeads: 2 }), /apply to cell 'transformer' only/);
  assert.throws(() => recur.createModel({ vocab: 'abc', cell: 'transformer', hiddenSize: 6, numHeads: 4 }), /must divide/);
});

test('trace() gives each head\'s attention: rows sum to 1 and read only the past', () => {
  const text = 'the dog ran';
  const tr = lm.trace(text);
  const n = codePoints(text);
  assert.equal(tr.layers.length, 2);
  for (const layer of tr.layers) {
    assert.equal(layer.attention.length, 2);
    assert.equal(layer.h.length, n * 16);
    for (const a of layer.attention) {
      assert.equal(a.length, n * n);
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let k = 0; k < n; k++) {
          if (k > q) assert.equal(a[q * n + k], 0);
          s += a[q * n + k];
        }
        assert.ok(Math.abs(s - 1) < 1e-5, `row ${q} sums to ${s}`);
      }
    }
  }
});
