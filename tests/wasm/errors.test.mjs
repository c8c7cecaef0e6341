// Every misuse throws an Error (RecurError from the engine, TypeError for a wrong JS type) whose
// message says what was wrong, and the module keeps working afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { RecurError } from '../../web/lib/recur.js';
import { englishText, maxAbsDiff, recurInstance } from './helpers.mjs';

let recur, m, noUnk, good, reference;

before(async () => {
  recur = await recurInstance();
  m = recur.createModel({ cell: 'lstm', vocab: englishText, hiddenSize: 8, embeddingDim: 4, numLayers: 2, seed: 1 });
  noUnk = recur.createModel({ vocab: Array.from('abc '), hiddenSize: 4, embeddingDim: 2, seed: 1 });  // no <unk>
  good = m.save();
  reference = Array.from(m.predict('the cat').probs);
});

after(() => {
  m?.dispose();
  noUnk?.dispose();
});

// A deterministic pseudo-random byte string (xorshift32).
function noise(n, seed) {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

// A safetensors file whose header is the given JSON text (no tensor data).
function withHeader(json) {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}
// 40 MB of "0," as one array: ~20 M values, each ~100 bytes as a parsed tree (4 GB) if unbounded.
const zeros = () => withHeader(`[${'0,'.repeat(20e6)}0]`);
// A vocabulary over kMaxVocab (2^21) symbols inside an otherwise ordinary header.
const config = JSON.stringify({ task: 'lm', cell: 'lstm', vocab_size: 3, embedding_dim: 2, hidden_size: 2,
  num_layers: 1, bidirectional: false, dropout: 0, num_labels: 0 });
const hugeVocab = () => withHeader(JSON.stringify({ __metadata__: { format: 'recur', version: '1', config,
  vocab: `[${'"a",'.repeat(1 << 21)}"a"]`, labels: '[]' } }));

const recurError = RecurError;
const cases = [
  ['a 40 MB header of zeros', () => recur.loadModel(zeros()), recurError, /more than 16384 values .*over the limit/],
  ['a vocabulary over the limit', () => recur.loadModel(hugeVocab()), recurError, /at most 2097152 strings: JSON: more than 2097152 values/],
  // [name, call, error class, message pattern]
  ['random bytes', () => recur.loadModel(noise(4096, 7)), recurError, /header length|not a safetensors/],
  ['random bytes with a small header length', () => {
    const b = noise(300, 3);
    b.set([100, 0, 0, 0, 0, 0, 0, 0]);
    return recur.loadModel(b);
  }, recurError, /header is not valid JSON/],
  ['truncated file', () => recur.loadModel(good.subarray(0, good.length - 17)), recurError, /truncated/],
  ['truncated header', () => recur.loadModel(good.subarray(0, 40)), recurError, /truncated: header length says \d+ header bytes, file has 32/],
  ['empty bytes', () => recur.loadModel(new Uint8Array(0)), recurError, /too short: 0 bytes/],
  ['one flipped weight-table byte', () => {
    const b = good.slice();
    const at = new TextDecoder().decode(b.subarray(0, 2000)).indexOf('"shape":[') + 9;
    b[at] = '9'.charCodeAt(0);
    return recur.loadModel(b);
  }, recurError, /embedding\.weight has shape \[90, 4\], expected \[30, 4\]/],
  ['loadModel("string")', () => recur.loadModel('model.safetensors'), TypeError, /Uint8Array/],
  ['loadModel(null)', () => recur.loadModel(null), TypeError, /Uint8Array/],
  ['createModel: negative hidden size', () => recur.createModel({ vocab: 'abc', hiddenSize: -3 }), RangeError, /^hiddenSize must be a whole number in 1\.\.16384, got -3$/],
  ['createModel: hidden size 64.5', () => recur.createModel({ vocab: 'abc', hiddenSize: 64.5 }), RangeError, /^hiddenSize must be a whole number, got 64\.5$/],
  ['createModel: dropout 1', () => recur.createModel({ vocab: 'abc', dropout: 1 }), RangeError, /^dropout must be in \[0, 1\), got 1$/],
  ['createModel: unknown cell', () => recur.createModel({ vocab: 'abc', cell: 'mamba' }), recurError, /unknown cell "mamba": expected rnn_tanh, rnn_relu, lstm, gru or transformer/],
  ['createModel: no config', () => recur.createModel(), TypeError, /config/],
  ['createModel: bidirectional "false"', () => recur.createModel({ vocab: 'abc', bidirectional: 'false' }), TypeError,
    /bidirectional must be true or false, got "false"/],
  ['createModel: duplicate symbol', () => recur.createModel({ vocab: ['a', 'a'] }), recurError, /symbol 1 'a' \(U\+0061\) duplicates symbol 0/],
  ['temperature NaN', () => m.generate({ temperature: NaN }), RangeError, /temperature must be a finite number, got NaN/],
  ['temperature -1', () => m.generate({ temperature: -1 }), RangeError, /^temperature must be a finite number >= 0, got -1$/],
  ['temperature Infinity', () => m.generate({ temperature: Infinity }), RangeError, /temperature must be a finite number, got Infinity/],
  ['temperature "hot"', () => m.generate({ temperature: 'hot' }), TypeError, /temperature must be a number/],
  ['topP 0', () => m.generate({ topP: 0 }), RangeError, /^topP must be in \(0, 1\] \(1 turns it off\), got 0$/],
  ['topP 1.5', () => m.generate({ topP: 1.5 }), RangeError, /^topP .*got 1\.5$/],
  ['topK 0', () => m.generate({ topK: 0 }), RangeError, /topK must be >= 1/],
  ['hiddenSize NaN', () => recur.createModel({ vocab: 'ab', hiddenSize: NaN }), RangeError, /hiddenSize must be a finite number, got NaN/],
  // Unknown option names are typos until shown otherwise: a TypeError naming the likely one.
  ['createModel({hidden})', () => recur.createModel({ vocab: 'ab', hidden: 64 }), TypeError,
    /createModel\(\): unknown option "hidden"; did you mean "hiddenSize"\?/],
  ['createModel({hidden_size})', () => recur.createModel({ vocab: 'ab', hidden_size: 64 }), TypeError, /did you mean "hiddenSize"/],
  ['generate({lenght})', () => m.generate({ lenght: 10 }), TypeError, /unknown option "lenght"; did you mean "length"/],
  ['generate({chunk}): a stream() option', () => m.generate({ chunk: 4 }), TypeError, /generate\(\): unknown option "chunk"/],
  ['generate({colour}): no hint', () => m.generate({ colour: 1 }), TypeError, /unknown option "colour" \(known: prompt, length/],
  ['trainer({learningRate})', () => m.trainer({ learningRate: 1 }), TypeError, /did you mean "lr"/],
  ['topK 2.5', () => m.generate({ topK: 2.5 }), RangeError, /^topK must be a whole number, got 2\.5$/],
  ['length 0', () => m.generate({ length: 0 }), RangeError, /^length must be between 1 and 10000000, got 0$/],
  ['length 1e12', () => m.generate({ length: 1e12 }), RangeError, /length must be between 1 and/],
  ['length 1e300', () => m.generate({ length: 1e300 }), RangeError, /length must be between 1 and/],
  ['length 1.5', () => m.generate({ length: 1.5 }), RangeError, /^length must be a whole number, got 1\.5$/],
  ['seed -1', () => m.generate({ seed: -1 }), RangeError, /^seed must be an integer between 0 and 2\^53 - 1, got -1$/],
  ['avoidUnknown "yes"', () => m.generate({ avoidUnknown: 'yes' }), TypeError, /avoidUnknown must be true or false, got "yes"/],
  ['prompt character outside a vocabulary without <unk>', () => noUnk.generate({ prompt: 'abZ', length: 3 }),
    recurError, /'Z' \(U\+005A\) at position 2/],
  ['predict: character outside a vocabulary without <unk>', () => noUnk.predict('a€'), recurError, /U\+20AC/],
  ["predict('')", () => m.predict(''), recurError, /empty/],
  ['predict(42)', () => m.predict(42), TypeError, /text must be a string/],
  ['hidden(99)', () => m.hidden(99), recurError, /layer 99 out of range: the model has 2 layers/],
  ['hidden(-1)', () => m.hidden(-1), recurError, /layer -1 out of range/],
  ['hidden(0.5)', () => m.hidden(0.5), TypeError, /integer/],
  ['trainer lr -1', () => m.trainer({ lr: -1 }), RangeError, /^lr must be a finite number > 0, got -1$/],
  ['trainer seqLen 0', () => m.trainer({ seqLen: 0 }), RangeError, /^seqLen must be a whole number between 1 and 65536, got 0$/],
  ['trainer batchSize 1.5', () => m.trainer({ batchSize: 1.5 }), RangeError, /^batchSize must be a whole number, got 1\.5$/],
  ['trainer totalSteps 0', () => m.trainer({ totalSteps: 0 }), RangeError, /^totalSteps must be a whole number between 1 and/],
  ['trainer optimizer "rmsprop"', () => m.trainer({ optimizer: 'rmsprop' }), recurError, /unknown optimizer "rmsprop"/],
  ['trainer.step on text shorter than seqLen + 1', () => m.trainer({ seqLen: 16 }).step('the cat'), recurError,
    /7 symbols: need at least seq_len \+ 1 = 17/],
  ['trainer.step without text', () => m.trainer().step(), TypeError, /step\(\) needs the training (data|text)/],
  ['training text outside the vocabulary', () => noUnk.trainer({ seqLen: 2 }).step('abc abc Z'), recurError, /'Z'/],
];

for (const [name, call, cls, pattern] of cases) {
  test(name, () => {
    assert.throws(call, (e) => {
      assert.ok(e instanceof Error, 'an Error');
      assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.constructor.name}: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    });
  });
}

test('fit({epochs}) must be more than 0, and validationEvery / patience are checked in their JS spelling', async () => {
  for (const epochs of [0, -1]) {
    await assert.rejects(m.trainer({ seqLen: 8 }).fit(englishText, { epochs }),
      (e) => e instanceof RangeError && new RegExp(`^epochs must be > 0, got ${epochs}$`).test(e.message));
  }
  await assert.rejects(m.trainer({ seqLen: 8 }).fit(englishText, { steps: 2, validation: englishText, validationEvery: -3 }),
    (e) => e instanceof RangeError && /^validationEvery must be 0 or more, got -3$/.test(e.message));
  await assert.rejects(m.trainer({ seqLen: 8 }).fit(englishText, { steps: 2, validation: englishText, earlyStopping: { patience: 1.5 } }),
    (e) => e instanceof RangeError && /^earlyStopping\.patience must be a whole number, got 1\.5$/.test(e.message));
});

test('fit({step}) rejects with a TypeError naming steps', async () => {
  await assert.rejects(m.trainer({ seqLen: 4 }).fit(englishText, { step: 3 }),
    (e) => e instanceof TypeError && /fit\(\): unknown option "step"; did you mean "steps"/.test(e.message));
});

test('fit on a text shorter than seqLen + 1 rejects', async () => {
  await assert.rejects(m.trainer({ seqLen: 16 }).fit('the cat', { steps: 2 }),
    (e) => e instanceof RecurError && /need at least seq_len \+ 1 = 17/.test(e.message));
});

test('using a disposed model throws, dispose twice is fine', () => {
  const d = recur.loadModel(good);
  d.dispose();
  d.dispose();
  for (const use of [() => d.predict('the'), () => d.generate({ length: 3 }), () => d.feed('a'), () => d.hidden(0),
    () => d.save(), () => d.trainer(), () => d.reset()]) {
    assert.throws(use, (e) => e instanceof Error && /this model has been disposed/.test(e.message));
  }
});

test('Symbol.dispose disposes a model and its trainers (what `using` calls)', () => {
  const d = recur.loadModel(good);
  const t = d.trainer();
  const u = d.trainer();
  u[Symbol.dispose]();
  assert.throws(() => u.step('the cat sat on the mat'), /this trainer has been disposed/);
  d[Symbol.dispose]();
  assert.throws(() => d.predict('the'), /this model has been disposed/);
  assert.throws(() => t.step('the cat sat on the mat'), /this trainer has been disposed/);
  d[Symbol.dispose]();
});

describe('predictAsync(): stopped, disposed or trained under it, it says so and disturbs nothing', () => {
  const long = englishText.repeat(40);  // 23,000 characters: a few slices of this small model
  const stopAt = (at) => {
    const ctrl = new AbortController();
    return { signal: ctrl.signal, onProgress: (p) => { if (p.loaded >= at) ctrl.abort(); } };
  };

  test('an aborted signal rejects with its reason, at once or between slices', async () => {
    const ctrl = new AbortController();
    const reason = new Error('the user went elsewhere');
    ctrl.abort(reason);
    await assert.rejects(m.predictAsync('the cat', { signal: ctrl.signal }), (e) => e === reason);
    let last = 0;
    const o = stopAt(1);
    await assert.rejects(m.predictAsync(long, { ...o, onProgress: (p) => { last = p.loaded; o.onProgress(p); } }),
      (e) => e.name === 'AbortError');
    assert.ok(last > 0 && last < long.length, `stopped after ${last} of ${long.length}`);
  });

  test('predict() on the same model meanwhile is unaffected, and so is the run', async () => {
    let inBetween;
    const p = await m.predictAsync(long, { onProgress: () => { inBetween ??= Array.from(m.predict('the cat').probs); } });
    assert.deepEqual(inBetween, reference);
    // Slices of other lengths round the input products differently: equal to float precision.
    const d = maxAbsDiff(p.probs.subarray(0, 7 * p.cols), m.predict(long.slice(0, 7)).probs);
    assert.ok(d <= 1e-6, `max |slices - one call| = ${d}`);
  });

  test('a model disposed or trained during the run rejects it; the run\'s wasm object is freed', async () => {
    const d = recur.loadModel(good);
    await assert.rejects(d.predictAsync(long, { onProgress: () => d.dispose() }), /this model has been disposed/);
    const t = recur.loadModel(good);
    const trainer = t.trainer({ seqLen: 8, batchSize: 2 });
    await assert.rejects(t.predictAsync(long, { onProgress: () => trainer.step(englishText) }),
      (e) => e instanceof RecurError && /the model was trained while predictAsync\(\) was reading/.test(e.message));
    assert.deepEqual([...t._children], [trainer], 'the run is no longer among the model\'s objects');
    t.dispose();
  });

  test('options are checked like every call\'s', async () => {
    await assert.rejects(m.predictAsync('the', { onprogress: () => {} }), /unknown option "onprogress"; did you mean "onProgress"\?/);
    await assert.rejects(m.predictAsync(''), (e) => e instanceof RecurError && /text is empty/.test(e.message));
    await assert.rejects(m.predictAsync(42), TypeError);
  });
});

test('after all of that, the module still works and gives the same numbers', () => {
  assert.deepEqual(Array.from(m.predict('the cat').probs), reference);
  const again = recur.loadModel(good);
  try {
    assert.deepEqual(Array.from(again.predict('the cat').probs), reference);
    assert.equal(Array.from(again.generate({ length: 20, seed: 1 })).length, 20);
  } finally {
    again.dispose();
  }
});

test('trainer({steps}) is refused: the schedule length is totalSteps, steps to run are fit()\'s', () => {
  assert.throws(() => m.trainer({ steps: 100 }),
    (e) => e instanceof TypeError && /trainer\(\): unknown option "steps"; did you mean "totalSteps"\?/.test(e.message));
  m.trainer({ totalSteps: 100, schedule: 'cosine' }).dispose();
});
