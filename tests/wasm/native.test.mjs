// The wasm engine against independent numbers: the native CLI (same model file, same seed) and the
// golden fixtures of tests/golden (PyTorch's equations in NumPy). Also model files in both directions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { parseJsonl } from '../../web/lib/recur.js';
import {
  biasLmBytes, bytesEqual, chineseText, cli, cliPath, codePoints, englishText, maxAbsDiff, readBytes, recurInstance, requireCli,
  tempDir, testData, trainNative,
} from './helpers.mjs';

let recur, tmp, enPath, zhPath, en, zh;

before(async () => {
  requireCli();
  recur = await recurInstance();
  tmp = tempDir();
  enPath = trainNative(tmp.dir, 'en', englishText);
  zhPath = trainNative(tmp.dir, 'zh', chineseText);
  en = recur.loadModel(readBytes(enPath));
  zh = recur.loadModel(readBytes(zhPath));
});

after(() => {
  en?.dispose();
  zh?.dispose();
  tmp?.remove();
});

test('comparison helpers notice a difference', () => {
  assert.equal(maxAbsDiff([1, 2, 3], [1, 2, 3]), 0);
  assert.ok(maxAbsDiff([1, 2, 3], [1, 2.00002, 3]) > 1e-5);
  assert.equal(maxAbsDiff([1, 2], [1, 2, 3]), Infinity);
  assert.equal(maxAbsDiff([1, NaN], [1, 2]), Infinity);
  assert.ok(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert.ok(!bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert.ok(!bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])));
});

describe('recur probs --json vs model.predict()', () => {
  const cases = [
    ['english', () => en, () => enPath, 'the cat sat on the mat.\nthe dog'],
    ['english, one character', () => en, () => enPath, 't'],
    ['english, a character outside the vocabulary (<unk>)', () => en, () => enPath, 'the Zebra!'],
    ['chinese', () => zh, () => zhPath, '床前明月光，疑是地上霜。'],
  ];
  for (const [name, model, file, text] of cases) {
    test(name, () => {
      const native = JSON.parse(cli('probs', '--json', '--model', file(), '--text', text));
      const p = model().predict(text);
      assert.deepEqual(native.symbols, model().vocab);
      assert.deepEqual(p.symbols, model().vocab);
      assert.equal(p.rows, codePoints(text));
      assert.equal(native.probs.length, p.rows);
      assert.equal(p.cols, model().config.vocabSize);
      const d = maxAbsDiff(native.probs.flat(), p.probs);
      assert.ok(d <= 1e-5, `max |native - wasm| = ${d}`);
    });
  }
});

test('predictAsync() of a long text, read in slices, gives recur probs\'s numbers and reports its progress', async () => {
  const text = englishText.repeat(6);  // 3,400 characters: many slices
  const native = JSON.parse(cli('probs', '--json', '--model', enPath, '--text', text));
  const reports = [];
  const p = await en.predictAsync(text, { onProgress: (r) => reports.push(r) });
  assert.equal(p.rows, codePoints(text));
  const d = maxAbsDiff(native.probs.flat(), p.probs);
  assert.ok(d <= 1e-5, `max |native - wasm| = ${d}`);
  assert.deepEqual(p.row(5), p.probs.subarray(5 * p.cols, 6 * p.cols));
  assert.ok(reports.length >= 2, `${reports.length} progress reports`);
  assert.ok(reports.every((r, i) => r.total === p.rows && r.loaded > (reports[i - 1]?.loaded ?? 0)), JSON.stringify(reports));
  assert.equal(reports.at(-1).loaded, p.rows);
});

describe('recur generate vs model.generate(): same seed, same text', () => {
  const settings = [
    { seed: 0, temperature: 1 },
    { seed: 1, temperature: 1 },
    { seed: 12345, temperature: 0.7 },
    { seed: 7, temperature: 1.5 },
    { seed: 3, temperature: 0 },
    { seed: 5, temperature: 1, topK: 3 },
    { seed: 6, temperature: 0.9, topP: 0.8 },
    { seed: 8, temperature: 1.2, topK: 5, topP: 0.9 },
    { seed: 9, temperature: 1, stop: 'e' },
  ];
  const flags = (o) => [
    '--seed', String(o.seed), '--temperature', String(o.temperature), '--length', String(o.length),
    ...(o.topK ? ['--top-k', String(o.topK)] : []), ...(o.topP ? ['--top-p', String(o.topP)] : []),
    ...(o.stop ? ['--stop', o.stop] : []), ...(o.prompt !== undefined ? ['--prompt', o.prompt] : []),
    ...(o.avoidUnknown ? ['--avoid-unknown'] : []),
  ];
  for (const s of settings) {
    test(`english ${JSON.stringify(s)}`, () => {
      for (const prompt of ['the ', undefined]) {
        const o = { ...s, length: 120, ...(prompt !== undefined ? { prompt } : {}) };
        const native = cli('generate', '--model', enPath, ...flags(o));
        const wasm = en.generate(o);
        assert.equal(native, (prompt ?? '') + wasm + '\n');
        if (!o.stop) assert.equal(codePoints(wasm), o.length);
        else assert.ok(wasm.endsWith(o.stop), `stop text missing: ${JSON.stringify(wasm)}`);
      }
    });
  }
  for (const s of [{ seed: 0, temperature: 1 }, { seed: 42, temperature: 0.8, topK: 4 }, { seed: 2, temperature: 0 },
    { seed: 11, temperature: 1, topP: 0.5 }]) {
    test(`chinese (UTF-8 end to end) ${JSON.stringify(s)}`, () => {
      const o = { ...s, length: 60, prompt: '床前' };
      const native = cli('generate', '--model', zhPath, ...flags(o));
      const wasm = zh.generate(o);
      assert.equal(native, '床前' + wasm + '\n');
      assert.equal(codePoints(wasm), 60);
      assert.match(wasm, /^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\n\ufffd]+$/u, 'expected only CJK text');
    });
  }
  test('--avoid-unknown and avoidUnknown: true, on a model that mostly says U+FFFD', () => {
    const file = tmp.file('fffd.safetensors');
    writeFileSync(file, biasLmBytes(recur, ['a', '<unk>', 'b', '\ufffd', 'c'], [0, 3, 1, 4, -0.5]));
    const m = recur.loadModel(readBytes(file));
    try {
      for (const s of [{ seed: 1, temperature: 1 }, { seed: 2, temperature: 1.5, topK: 2 }, { seed: 3, temperature: 0.8, topP: 0.9 },
        { seed: 4, temperature: 0 }]) {
        const o = { ...s, length: 300, prompt: 'a\ufffd', avoidUnknown: true };
        const wasm = m.generate(o);
        assert.equal(cli('generate', '--model', file, ...flags(o)), 'a\ufffd' + wasm + '\n', JSON.stringify(s));
        assert.doesNotMatch(wasm, /\ufffd/u);
      }
    } finally { m.dispose(); }
  });
});

describe('golden fixtures (tests/golden) through model.predict()', () => {
  const dir = path.join(testData, 'golden');
  const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

  test('the fixtures are there', () => {
    assert.ok(names.length >= 12, `found ${names.length} golden cases in ${dir}`);
  });

  for (const name of names) {
    test(name, (t) => {
      const g = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
      if (g.init_h) return t.skip('starts from a given state; predict() starts from zero');
      const m = recur.loadModel(readBytes(path.join(dir, `${name}.safetensors`)));
      try {
        // Sequence b = 0: time-major ids[t*B + 0], t < lengths[0]. Every case has lengths[0] = T,
        // so the bidirectional taggers and classifiers see exactly the fixture's sequence too.
        const B = g.batch, T = g.lengths[0];
        const ids = Array.from({ length: T }, (_, t) => g.ids[t * B]);
        assert.ok(ids.every((id) => m.vocab[id] !== '<unk>'));
        const text = ids.map((id) => m.vocab[id]).join('');
        const p = m.predict(text);
        const cols = p.cols;
        const rows = m.config.task === 'classifier' ? [0] : ids.map((_, t) => t * B);
        assert.equal(p.rows, rows.length);
        const expected = rows.flatMap((r) => g.log_probs.slice(r * cols, (r + 1) * cols).map(Math.exp));
        const d = maxAbsDiff(expected, p.probs);
        assert.ok(d <= 1e-5, `${name}: max |golden - wasm| = ${d}`);
      } finally {
        m.dispose();
      }
    });
  }
});

describe('model files across native and wasm', () => {
  test('a CLI file loads in wasm and save() gives it back byte for byte', () => {
    for (const file of [enPath, zhPath]) {
      const bytes = readBytes(file);
      const m = recur.loadModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));  // ArrayBuffer too
      try {
        assert.ok(bytesEqual(m.save(), bytes), `${path.basename(file)}: save() differs from the CLI's file`);
      } finally {
        m.dispose();
      }
    }
  });

  test('save(load(save(m))) equals save(m)', () => {
    const m = recur.createModel({ cell: 'gru', vocab: chineseText, hiddenSize: 12, embeddingDim: 6, numLayers: 2, seed: 9 });
    const m2 = recur.loadModel(m.save());
    try {
      const a = m.save();
      const b = m2.save();
      assert.ok(a.length > 1000);
      assert.ok(bytesEqual(a, b));
      assert.deepEqual(m2.config, m.config);
      assert.deepEqual(m2.vocab, m.vocab);
    } finally {
      m.dispose();
      m2.dispose();
    }
  });

  test('a file saved in wasm loads in the CLI (info, probs, generate agree)', async () => {
    const m = recur.createModel({ cell: 'rnn_tanh', vocab: englishText, hiddenSize: 10, embeddingDim: 4, numLayers: 2, seed: 4 });
    const tagger = recur.createModel({ task: 'tagger', cell: 'lstm', bidirectional: true, vocab: 'abc', labels: ['X', 'Y'],
      hiddenSize: 5, embeddingDim: 3, seed: 2 });
    try {
      await m.trainer({ seqLen: 16, batchSize: 4, seed: 1 }).fit(englishText, { steps: 5 });
      const file = tmp.file('from-wasm.safetensors');
      writeFileSync(file, m.save());
      const info = cli('info', '--model', file);
      assert.match(info, /task\s+lm/);
      assert.match(info, /cell\s+rnn_tanh/);
      assert.match(info, /layers\s+2 x 10 hidden/);
      assert.match(info, new RegExp(`parameters\\s+${m.parameterCount}\\b`));
      const text = 'a lazy cat';
      const native = JSON.parse(cli('probs', '--json', '--model', file, '--text', text));
      const d = maxAbsDiff(native.probs.flat(), m.predict(text).probs);
      assert.ok(d <= 1e-5, `max |native - wasm| = ${d}`);
      assert.equal(cli('generate', '--model', file, '--seed', '3', '--length', '50', '--prompt', 'the'),
        'the' + m.generate({ seed: 3, length: 50, prompt: 'the' }) + '\n');

      const tfile = tmp.file('tagger.safetensors');
      writeFileSync(tfile, tagger.save());
      assert.match(cli('info', '--model', tfile), /labels\s+X, Y/);
      const tn = JSON.parse(cli('probs', '--json', '--model', tfile, '--text', 'abcab'));
      assert.deepEqual(tn.symbols, ['X', 'Y']);
      assert.ok(maxAbsDiff(tn.probs.flat(), tagger.predict('abcab').probs) <= 1e-5);
    } finally {
      m.dispose();
      tagger.dispose();
    }
  });
});

// The same training run in both builds: the wasm kernels (SSE4.1 on SIMD128, no FMA) and the
// native ones (AVX2 + FMA) round differently, so the runs drift apart by rounding alone; a real
// difference in the training code (windows, gradients, Adam, clipping) moves the loss by far more.
// `recur ...args` for its progress lines, which go to stderr.
function cliStderr(...args) {
  const r = spawnSync(cliPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `recur ${args.join(' ')} failed: ${r.stderr}`);
  return r.stderr;
}

describe('training: native CLI vs wasm trainer', () => {
  for (const cell of ['lstm', 'gru', 'rnn_tanh']) {
    test(`${cell}: 40 steps from the same weights and seed give the same loss curve`, () => {
      const data = tmp.file(`curve-${cell}.txt`);
      writeFileSync(data, englishText);
      const start = trainNative(tmp.dir, `curve-start-${cell}`, englishText, ['--cell', cell]);
      const out = tmp.file(`curve-${cell}.safetensors`);
      // --val = the data itself, so that the CLI trains on all of it, as trainer.step() does.
      const log = cliStderr('train', '--data', data, '--val', data, '--out', out, '--init', start, '--cell', cell,
        '--hidden', '16', '--layers', '2', '--embed', '8', '--seq', '16', '--batch', '4', '--lr', '0.01',
        '--clip', '1', '--steps', '40', '--seed', '7', '--eval-every', '1');
      // Without a terminal the CLI reports every 40/20 = 2 steps: {step: loss}, the loss smoothed
      // as s_1 = l_1, s_k = 0.95 s_(k-1) + 0.05 l_k.
      const native = new Map([...log.matchAll(/^step (\d+)\/40 {2}loss (\d+\.\d+)/gm)].map((r) => [Number(r[1]), Number(r[2])]));
      assert.equal(native.size, 20, log);

      const m = recur.loadModel(readBytes(start));
      try {
        const t = m.trainer({ seqLen: 16, batchSize: 4, lr: 0.01, clip: 1, seed: 7 });
        const wasm = [];
        for (let i = 0; i < 40; i++) wasm.push(t.step(englishText));
        const smooth = [];
        wasm.forEach((l, i) => smooth.push(i === 0 ? l : 0.95 * smooth[i - 1] + 0.05 * l));
        // The CLI prints 4 decimals: up to 5e-5 of the difference is its rounding.
        const steps = [...native.keys()];
        const d = maxAbsDiff(steps.map((s) => native.get(s)), steps.map((s) => smooth[s - 1]));
        assert.ok(d <= 2e-4, `max |native - wasm| loss = ${d}\nnative ${[...native]}\nwasm ${wasm}`);
        assert.ok(wasm[39] < wasm[0] - 0.1, `the loss should fall: ${wasm[0]} -> ${wasm[39]}`);
        // Both end at the same weights: the saved file predicts what the wasm model predicts.
        const probs = JSON.parse(cli('probs', '--json', '--model', out, '--text', 'the lazy dog')).probs.flat();
        const w = maxAbsDiff(probs, m.predict('the lazy dog').probs);
        assert.ok(w <= 1e-4, `max |p_native - p_wasm| after training = ${w}`);
      } finally {
        m.dispose();
      }
    });
  }
});

describe('model.evaluate() vs recur eval', () => {
  test('lm: bits/char, accuracy and count of a text', () => {
    const file = tmp.file('eval.txt');
    const text = 'the lazy dog sat on the quick brown fox. '.repeat(3);
    writeFileSync(file, text);
    const m = cli('eval', '--model', enPath, '--data', file).match(/bits\/char (\S+) {2}accuracy (\S+) {2}symbols (\d+)/);
    const r = en.evaluate(text);
    assert.ok(Math.abs(r.bitsPerChar - Number(m[1])) <= 5e-5, `${r.bitsPerChar} vs ${m[1]}`);
    assert.ok(Math.abs(r.accuracy - Number(m[2])) <= 5e-5, `${r.accuracy} vs ${m[2]}`);
    assert.equal(r.count, Number(m[3]));
    assert.equal(r.count, Array.from(text).length - 1);
  });

  test('tagger and classifier: accuracy and loss of JSONL examples, parsed by parseJsonl as the CLI reads them', () => {
    for (const task of ['tagger', 'classifier']) {
      const model = recur.createModel({ task, cell: 'gru', bidirectional: true, vocab: 'abc ', labels: ['X', 'Y'],
        hiddenSize: 6, embeddingDim: 3, seed: 5 });
      try {
        const jsonl = task === 'tagger'
          ? '{"text": "ab c", "labels": ["X", "Y", "X", "X"]}\n\n{"text": "cab", "labels": ["Y", "Y", "X"]}\n'
          : '{"text": "ab c", "label": "X"}\n{"text": "cab", "label": "Y"}\n{"text": "c", "label": "Y"}\n';
        const file = tmp.file(`${task}.jsonl`);
        const modelFile = tmp.file(`${task}.safetensors`);
        writeFileSync(file, jsonl);
        writeFileSync(modelFile, model.save());
        const m = cli('eval', '--model', modelFile, '--data', file).match(/accuracy (\S+) {2}loss (\S+) nats {2}scored (\d+)/);
        const r = model.evaluate(parseJsonl(jsonl));
        assert.ok(Math.abs(r.accuracy - Number(m[1])) <= 5e-5, `${task}: ${r.accuracy} vs ${m[1]}`);
        assert.ok(Math.abs(r.loss - Number(m[2])) <= 5e-5, `${task}: ${r.loss} vs ${m[2]}`);
        assert.equal(r.count, Number(m[3]));
        if (task === 'classifier') {
          // A second path: the batched, padded evaluation against one predict() per text.
          const ex = parseJsonl(jsonl);
          const p = ex.map((e) => model.classify(e.text));
          const loss = ex.reduce((sum, e, i) => sum - Math.log(p[i].probs[e.label]), 0) / ex.length;
          const accuracy = ex.filter((e, i) => p[i].label === e.label).length / ex.length;
          assert.ok(Math.abs(r.loss - loss) <= 1e-5, `evaluate ${r.loss} vs classify ${loss}`);
          assert.equal(r.accuracy, accuracy);
        }
      } finally {
        model.dispose();
      }
    }
  });
});
