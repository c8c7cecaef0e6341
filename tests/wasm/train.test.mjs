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

// The tensors of a .safetensors file (float32) by name.
function tensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const out = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = t.data_offsets;
    out[name] = new Float32Array(bytes.slice(8 + n + b, 8 + n + e).buffer);
  }
  return out;
}

// One LSTM step and the head's softmax in plain JS, in float64 (torch.nn.LSTM's equations).
function lstmStepReference(w, H, E, id, h, c) {
  const sig = (v) => 1 / (1 + Math.exp(-v));
  const x = w['embedding.weight'].subarray(id * E, (id + 1) * E);
  const a = new Float64Array(4 * H);
  for (let r = 0; r < 4 * H; r++) {
    let s = w['rnn.bias_ih_l0'][r] + w['rnn.bias_hh_l0'][r];
    for (let k = 0; k < E; k++) s += w['rnn.weight_ih_l0'][r * E + k] * x[k];
    for (let k = 0; k < H; k++) s += w['rnn.weight_hh_l0'][r * H + k] * h[k];
    a[r] = s;
  }
  const hn = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const cn = sig(a[H + j]) * c[j] + sig(a[j]) * Math.tanh(a[2 * H + j]);
    hn[j] = sig(a[3 * H + j]) * Math.tanh(cn);
  }
  const V = w['head.bias'].length;
  const logits = Array.from({ length: V }, (_, v) => {
    let s = w['head.bias'][v];
    for (let k = 0; k < H; k++) s += w['head.weight'][v * H + k] * hn[k];
    return s;
  });
  const mx = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - mx));
  const sum = e.reduce((p, q) => p + q, 0);
  return e.map((q) => q / sum);
}

// predict() and feed() keep weights derived from the parameters (folded embedding rows,
// transposed matrices) between calls: after training in place they must use the new weights.
test('predict() and feed() follow the weights after training in place', () => {
  const m = tiny(4);
  let copy;
  try {
    const text = 'the cat sat';
    const before = m.predict(text).probs;
    m.reset();
    m.feed('the cat');  // folded rows for these symbols now hold the old weights
    const t = m.trainer({ seqLen: 8, batchSize: 2, lr: 1e-2, seed: 2 });
    for (let i = 0; i < 5; i++) t.step(englishText);

    const after = m.predict(text).probs;
    copy = recur.loadModel(m.save());
    assert.equal(maxAbsDiff(after, copy.predict(text).probs), 0);
    assert.ok(maxAbsDiff(after, before) > 1e-4, 'training changed nothing');

    // No reset: the state carries on, the next step must use the trained weights.
    const { h, c } = m.hidden(0);
    const id = m.vocab.indexOf('c');
    const want = lstmStepReference(tensors(m.save()), m.config.hiddenSize, m.config.embeddingDim, id, h, c);
    const got = m.feed('c');
    assert.ok(maxAbsDiff(got, want) < 1e-5, `feed after training vs reference: ${maxAbsDiff(got, want)}`);
  } finally {
    copy?.dispose();
    m.dispose();
  }
});

// Validation during fit(): a model learning English forgets how to predict "tttt...", so the
// validation loss falls for two epochs and then rises; that is what keepBest and earlyStopping
// are for.
const sentence = 'the cat sat on the mat. '.repeat(40);
const tttt = 't'.repeat(20);
const lmOf = () => recur.createModel({ vocab: sentence, hiddenSize: 16, embeddingDim: 8, seed: 1 });

test('fit({validation, keepBest}) evaluates each epoch and ends on the best weights', async () => {
  const m = lmOf();
  try {
    const epochs = [];
    const r = await m.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 })
      .fit(sentence, { epochs: 6, validation: tttt, keepBest: true, onEpochEnd: (e) => epochs.push(e) });
    assert.equal(epochs.length, 6);
    assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3, 4, 5, 6]);
    const losses = epochs.map((e) => e.validation.loss);
    const bestAt = losses.indexOf(Math.min(...losses));
    assert.ok(bestAt > 0 && bestAt < 5, `the best epoch should be neither the first nor the last: ${losses}`);
    assert.equal(r.best.step, epochs[bestAt].step);
    assert.equal(r.steps, epochs[5].step);
    // The weights are the best epoch's, not the last one's.
    assert.equal(m.evaluate(tttt).loss, losses[bestAt]);
    assert.ok(m.evaluate(tttt).loss < losses[5] - 0.5);
  } finally {
    m.dispose();
  }
});

test('fit({earlyStopping: {patience: 1}}) stops after the first epoch that is not better', async () => {
  const m = lmOf();
  try {
    const r = await m.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 })
      .fit(sentence, { epochs: 10, validation: tttt, earlyStopping: { patience: 1 } });
    assert.equal(r.stoppedEarly, true);
    assert.equal(r.steps, r.best.step + Math.ceil((sentence.length - 1) / (16 * 8)));
    await assert.rejects(m.trainer().fit(sentence, { steps: 2, keepBest: true }), /keeping the best weights needs validation data/);
    await assert.rejects(m.trainer().fit(sentence, { steps: 2, earlyStopping: { patience: 2 } }), /early stopping needs validation data/);
    await assert.rejects(m.trainer().fit(sentence, { steps: 2, validation: tttt, earlyStopping: { patience: 1.5 } }),
      (e) => e instanceof RangeError && /^earlyStopping\.patience must be a whole number, got 1\.5$/.test(e.message));
    await assert.rejects(m.trainer().fit(sentence, { steps: 2, validation: tttt, earlyStopping: { patience: 0 } }), RangeError);
    await assert.rejects(m.trainer().fit(sentence, { steps: 2, validation: 't' }), /at least 2 characters/);
  } finally {
    m.dispose();
  }
});

test('fit({validationEvery}) evaluates on that schedule; progress carries every loss; a promise from onProgress holds the run', async () => {
  const m = lmOf();
  try {
    const evaluated = [], losses = [];
    let pending = 0;
    const r = await m.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 }).fit(sentence, {
      steps: 9, validation: tttt, validationEvery: 4, onEpochEnd: (e) => evaluated.push(e.step),
      onProgress: async (p) => {
        losses.push(...p.losses);
        pending++;  // held for 20 ms; fit must not go on (nor resolve) before this settles
        await new Promise((resolve) => setTimeout(resolve, 20));
        pending--;
      },
    });
    assert.equal(pending, 0, 'fit resolved while onProgress still held the run');
    assert.deepEqual(evaluated, [4, 8, 9]);
    assert.equal(r.steps, 9);
    assert.equal(losses.length, 9);
    assert.equal(losses[8], r.loss);
  } finally {
    m.dispose();
  }
});

test('tag() and classify() take an array of texts and answer each as alone', () => {
  const tagger = recur.createModel({ task: 'tagger', vocab: 'abc ', labels: ['X', 'Y'], hiddenSize: 4, embeddingDim: 2, seed: 3 });
  const classifier = recur.createModel({ task: 'classifier', vocab: 'abc ', labels: ['X', 'Y'], hiddenSize: 4, embeddingDim: 2, seed: 4 });
  try {
    const texts = ['ab c', 'c', 'bbb a'];
    assert.deepEqual(tagger.tag(texts), texts.map((t) => tagger.tag(t)));
    assert.deepEqual(classifier.classify(texts), texts.map((t) => classifier.classify(t)));
    assert.equal(tagger.tag(texts)[2].length, 5);
  } finally {
    tagger.dispose();
    classifier.dispose();
  }
});

test('parseJsonl reads what recur train reads and names the line of a bad one', async () => {
  const { parseJsonl } = await import('../../web/lib/recur.js');
  assert.deepEqual(parseJsonl('{"text": "ab", "label": "X"}\n\n{"text": "c", "labels": ["Y"]}\n'),
    [{ text: 'ab', label: 'X' }, { text: 'c', labels: ['Y'] }]);
  assert.throws(() => parseJsonl('{"text": "ab", "label": "X"}\n{"text": "ab"'),
    (e) => e instanceof RecurError && e.code === 'bad_format' && /^line 2: not JSON/.test(e.message));
  assert.throws(() => parseJsonl('{"text": "ab", "label": "X"}\n\n[1, 2]'),
    (e) => e instanceof RecurError && /^line 3: expected \{"text"/.test(e.message));
});

test('createModel({initFrom}) starts from a trained model; {forgetBias} changes only fresh LSTM weights', () => {
  const source = recur.createModel({ vocab: sentence, hiddenSize: 16, embeddingDim: 8, numLayers: 2, seed: 7 });
  try {
    // Same shapes and vocabulary: every tensor transfers, so it predicts exactly as the source.
    const copy = recur.createModel({ vocab: sentence, hiddenSize: 16, embeddingDim: 8, numLayers: 2, seed: 99, initFrom: source });
    assert.equal(maxAbsDiff(copy.predict('the mat').probs, source.predict('the mat').probs), 0);
    // A forget bias on fresh weights moves the outputs; on weights initFrom copies, it does not.
    const biased = recur.createModel({ vocab: sentence, hiddenSize: 16, embeddingDim: 8, numLayers: 2, seed: 99, forgetBias: 1 });
    const plain = recur.createModel({ vocab: sentence, hiddenSize: 16, embeddingDim: 8, numLayers: 2, seed: 99 });
    assert.ok(maxAbsDiff(biased.predict('the mat').probs, plain.predict('the mat').probs) > 1e-4);
    const both = recur.createModel({ vocab: sentence, hiddenSize: 16, embeddingDim: 8, numLayers: 2, seed: 99,
      forgetBias: 1, initFrom: source });
    assert.equal(maxAbsDiff(both.predict('the mat').probs, source.predict('the mat').probs), 0);
    for (const m of [copy, biased, plain, both]) m.dispose();
    assert.throws(() => recur.createModel({ vocab: sentence, cell: 'gru', hiddenSize: 16, embeddingDim: 8, initFrom: source }),
      (e) => e instanceof RecurError && /its cell \(lstm\) differs from this model's \(gru\)/.test(e.message));
    assert.throws(() => recur.createModel({ vocab: sentence, cell: 'gru', forgetBias: 1 }),
      (e) => e instanceof RecurError && /forget-gate bias needs an lstm/.test(e.message));
    assert.throws(() => recur.createModel({ vocab: sentence, initFrom: 'model.safetensors' }), TypeError);
  } finally {
    source.dispose();
  }
});
