// model.trace() and model.saliency() in wasm, against what can be derived without them: the
// cell equations relating the traced gates and states, the stepping state of feed() (another code
// path), and finite differences of predict() on model files whose embedding was moved.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { RecurError } from '../../web/lib/recur.js';
import { recurInstance } from './helpers.mjs';

let recur, lstm, gru, bi;
const text = 'the cat sat';

before(async () => {
  recur = await recurInstance();
  lstm = recur.createModel({ cell: 'lstm', vocab: 'abcdefghijklmnopqrstuvwxyz ', hiddenSize: 6, embeddingDim: 4, numLayers: 2, seed: 3 });
  gru = recur.createModel({ cell: 'gru', vocab: 'abcdefghijklmnopqrstuvwxyz ', hiddenSize: 6, embeddingDim: 4, seed: 4 });
  bi = recur.createModel({ task: 'tagger', labels: ['x', 'y'], vocab: 'abcdefghijklmnopqrstuvwxyz ', hiddenSize: 5,
    embeddingDim: 3, bidirectional: true, seed: 5 });
});

after(() => {
  for (const m of [lstm, gru, bi]) m?.dispose();
});

const sigmoidRange = (a) => a.every((v) => v > 0 && v < 1);
const near = (a, b, tol, what) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  assert.ok(a.length === b.length && d <= tol, `${what}: max difference ${d}`);
};

test('LSTM trace: c = f*c_prev + i*g and h = o*tanh(c) at every step, and the last h is feed()\'s state', () => {
  const t = lstm.trace(text);
  const H = t.hiddenSize;
  assert.equal(t.steps, text.length);
  assert.deepEqual(t.layers.map((l) => [l.layer, l.direction]), [[0, 'forward'], [1, 'forward']]);
  for (const l of t.layers) {
    const { i, f, g, o } = l.gates;
    assert.ok(sigmoidRange(i) && sigmoidRange(f) && sigmoidRange(o), 'i, f, o are sigmoids');
    for (let s = 0; s < t.steps; s++) {
      for (let u = 0; u < H; u++) {
        const k = s * H + u, prev = s ? l.c[k - H] : 0;
        assert.ok(Math.abs(l.c[k] - (f[k] * prev + i[k] * g[k])) < 1e-5, `c at ${s}`);
        assert.ok(Math.abs(l.h[k] - o[k] * Math.tanh(l.c[k])) < 1e-5, `h at ${s}`);
      }
    }
  }
  lstm.reset();
  lstm.feed(text);
  const last = (a) => a.subarray((t.steps - 1) * H);
  for (const layer of [0, 1]) {
    const state = lstm.hidden(layer);
    near(last(t.layers[layer].h), state.h, 1e-5, `h of layer ${layer}`);
    near(last(t.layers[layer].c), state.c, 1e-5, `c of layer ${layer}`);
  }
});

test('GRU trace: h = (1 - z)*n + z*h_prev (PyTorch\'s convention)', () => {
  const t = gru.trace(text);
  const H = t.hiddenSize, l = t.layers[0];
  assert.deepEqual(Object.keys(l.gates), ['r', 'z', 'n']);
  assert.equal(l.c, undefined);
  for (let k = 0; k < t.steps * H; k++) {
    const prev = k >= H ? l.h[k - H] : 0;
    assert.ok(Math.abs(l.h[k] - ((1 - l.gates.z[k]) * l.gates.n[k] + l.gates.z[k] * prev)) < 1e-5);
  }
});

test('bidirectional trace: the backward direction reads from the end', () => {
  const t = bi.trace(text);
  const H = t.hiddenSize;
  assert.deepEqual(t.layers.map((l) => l.direction), ['forward', 'backward']);
  // Its state at the last character has read only that character, as a trace of it alone has.
  const alone = bi.trace(text.at(-1));
  near(t.layers[1].h.subarray((t.steps - 1) * H), alone.layers[1].h, 1e-6, 'backward h at the end');
  near(t.layers[0].h.subarray(0, H), bi.trace(text[0]).layers[0].h, 1e-6, 'forward h at the start');
});

// A copy of model's file with one embedding value moved by delta (the file's own tensor table).
function moved(model, symbol, dim, delta) {
  const bytes = model.save();
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const [start] = header['embedding.weight'].data_offsets;
  const E = model.config.embeddingDim;
  const at = 8 + n + start + 4 * (model.vocab.indexOf(symbol) * E + dim);
  const view = new DataView(bytes.buffer);
  view.setFloat32(at, view.getFloat32(at, true) + delta, true);
  return recur.loadModel(bytes);
}

test('saliency: the gradient of log p(target) matches finite differences of predict()', () => {
  const distinct = 'thequick';  // each character once: moving its embedding row moves one x_t
  const position = 5;
  const s = gru.saliency(distinct, { position, target: 'z' });
  assert.equal(s.target, 'z');
  assert.equal(s.position, position);
  const col = gru.vocab.indexOf('z');
  const logp = (m) => Math.log(m.predict(distinct).row(position)[col]);
  assert.ok(Math.abs(s.logProb - logp(gru)) < 1e-5);
  const h = 1e-2, E = gru.config.embeddingDim;
  for (let t = 0; t < distinct.length; t++) {
    let sq = 0;
    for (let e = 0; e < E; e++) {
      const up = moved(gru, distinct[t], e, h), down = moved(gru, distinct[t], e, -h);
      const g = (logp(up) - logp(down)) / (2 * h);
      up.dispose();
      down.dispose();
      sq += g * g;
    }
    const fd = Math.sqrt(sq);
    if (t > position) assert.equal(s.gradNorm[t], 0, 'a model that reads left to right ignores what follows');
    else assert.ok(Math.abs(s.gradNorm[t] - fd) <= 0.02 * fd + 1e-4, `t=${t}: ${s.gradNorm[t]} vs finite differences ${fd}`);
  }
});

test('saliency defaults to the last output and its most probable class; a classifier has one output', () => {
  const s = bi.saliency(text);
  assert.equal(s.position, text.length - 1);
  const p = bi.predict(text).row(text.length - 1);
  assert.equal(s.target, p[0] >= p[1] ? 'x' : 'y');
  assert.ok(s.gradNorm.every((v) => v > 0), 'a bidirectional model reads every character');
});

test('trace() and saliency() refuse what they cannot read, and say why', () => {
  assert.throws(() => lstm.saliency(text, { position: 99 }), (e) => e instanceof RangeError && /^position must be an output row in 0\.\.10, got 99$/.test(e.message));
  assert.throws(() => lstm.saliency(text, { target: 'Q' }), (e) => e instanceof RangeError && /target "Q" is not one of the model's symbols/.test(e.message));
  assert.throws(() => lstm.saliency(text, { postion: 1 }), (e) => e instanceof TypeError && /did you mean "position"/.test(e.message));
  assert.throws(() => lstm.saliency(text, { position: 2.5 }), (e) => e instanceof RangeError && /^position must be a whole number, got 2\.5$/.test(e.message));
  assert.throws(() => lstm.trace(''), (e) => e instanceof RecurError && /empty/.test(e.message));
  assert.throws(() => lstm.trace('a'.repeat(10001)), (e) => e instanceof RecurError && e.code === 'out_of_range' && /at most 10000/.test(e.message));
  assert.throws(() => lstm.trace(42), TypeError);
  assert.equal(lstm.trace('abc').steps, 3, 'the model still works');
});
