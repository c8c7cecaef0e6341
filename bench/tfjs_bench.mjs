// TensorFlow.js (layers API) on the same weights as recur: node tfjs_bench.mjs cpu|wasm [--quick]
// - Layers are built with 'zeros' initialisers and then setWeights (the default orthogonal
//   initialiser of 256x1024 kernels takes seconds to minutes).
// - LSTM: Keras's kernel (in, 4H) = W_ih^T with the same gate order (i f c o) as PyTorch, one bias
//   = b_ih + b_hh, recurrentActivation 'sigmoid' (tfjs defaults to hardSigmoid). SimpleRNN: same
//   layout. GRU: tfjs has no reset_after=true (PyTorch's GRU), so it is not benchmarked.
// - Generation: a stateful model with batch input shape [1, 1], model.predict() per step,
//   probabilities read back with dataSync() and sampled in JS.
// - Training: seq 64, batch 32, softmax cross-entropy, Adam (lr 2e-3), gradient clipping by global
//   norm 1, through tf.variableGrads + optimizer.applyGradients; zero start state per batch (no
//   state carried). On the wasm backend the Embedding layer cannot be trained (Kernel
//   'UnsortedSegmentSum' not registered): one-hot input into a bias-free Dense(64) instead, the
//   same arithmetic as a lookup, and so for both backends, for comparability.
import { createRequire } from 'node:module';
import {
  VOCAB, V, E, CHECK_TEXT, TRANSFORMER, quick, now, sampler, trainingText, loadRecurApi, recurModel, recurTransformer,
  recurReference, parseSafetensors, compare, stats, log, report,
} from './common.mjs';
import * as peers from './peer_models.mjs';
import { tfjsTransformerWeights, tfjsTransformerLogits, tfjsTransformerStep, tfjsEmptyCache } from './peer_transformer.mjs';

const backend = process.argv[2] === 'wasm' ? 'wasm' : 'cpu';
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
if (backend === 'wasm') {
  require('@tensorflow/tfjs-backend-wasm');
}
await tf.setBackend(backend);
await tf.ready();
const version = tf.version.tfjs;
const result = { bench: `tfjs-${backend}`, version, backend: tf.getBackend() };
if (backend === 'wasm') {
  // SIMD and threads as detected by the backend.
  result.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  result.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
}
log(`TensorFlow.js ${version}, backend ${tf.getBackend()}${backend === 'wasm' ? ` (simd ${result.simd}, threads ${result.threads})` : ''}`);

const recur = await loadRecurApi();

// Keras weights from recur's tensors.
const step = (model, id) => peers.tfjsStep(tf, model, id);

function generation(cell, kw, ref) {
  const model = peers.genModel(tf, cell, kw);
  // Check: CHECK_TEXT one character at a time from the zero state vs recur's predict().
  model.resetStates();
  const got = new Float32Array(ref.length);
  Array.from(CHECK_TEXT).forEach((ch, t) => got.set(step(model, VOCAB.indexOf(ch)), t * V));
  const c = compare(got, ref);
  log(`check ${cell}: max rel err ${c.rel.toExponential(2)} (max abs ${c.abs.toExponential(2)}) over ${ref.length} probabilities`);
  model.resetStates();
  const draw = sampler();
  let id = 1;
  let t0 = now();
  for (let i = 0; i < 50; i++) id = Math.max(1, draw(step(model, id)));
  const cold = 50 / ((now() - t0) / 1e3);
  const rates = [];
  const n = quick ? 200 : 1000;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    t0 = now();
    for (let i = 0; i < n; i++) id = Math.max(1, draw(step(model, id)));
    rates.push(n / ((now() - t0) / 1e3));
  }
  const s = stats(rates);
  log(`gen   ${cell.padEnd(5)} ${s.best.toFixed(0).padStart(8)} steps/s best ${s.median.toFixed(0).padStart(8)} median ${cold.toFixed(0).padStart(8)} cold (first 50)`);
  model.dispose();
  return { check: c.rel, best: s.best, median: s.median, cold };
}

// Training step shared by the LSTM and the Transformer: softmax cross-entropy of logits() against
// ys, gradients of every trainable variable, clipping by global norm 1, Adam. Returns the loss.
function trainStep(opt, logits, ys) {
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys(), logits()));
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(1), tf.add(norm, 1e-6)));
    const clipped = {};
    for (const n of names) clipped[n] = tf.mul(grads[n], scale);
    opt.applyGradients(clipped);
    return value;
  });
  const v = loss.dataSync()[0];
  loss.dispose();
  if (!Number.isFinite(v)) throw new Error('diverged');
  return v;
}

// Characters per second of step(): the first step is the cold figure, then the best of a few.
function timeTraining(name, chars, step) {
  let t0 = now();
  step();
  const cold = chars / ((now() - t0) / 1e3);
  const rates = [];
  for (let r = 0; r < (quick || backend === 'cpu' ? 1 : 3); r++) {
    t0 = now();
    step();
    rates.push(chars / ((now() - t0) / 1e3));
  }
  const s = stats(rates);
  log(`train ${name.padEnd(5)} ${s.best.toFixed(0).padStart(8)} chars/s best ${s.median.toFixed(0).padStart(8)} median ${cold.toFixed(0).padStart(8)} cold (first step)`);
  return { best: s.best, median: s.median, cold };
}

// Batches of B windows of T (ids x, next ids y) over a random text, window b from stream b.
function batches(B, T) {
  const codes = Array.from(trainingText(B * T * 8 + 1), (ch) => VOCAB.indexOf(ch));
  const streamLen = Math.floor((codes.length - 1) / B);
  let pos = 0;
  return () => {
    const x = new Int32Array(B * T), y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      x[b * T + t] = codes[b * streamLen + pos + t];
      y[b * T + t] = codes[b * streamLen + pos + t + 1];
    }
    pos = (pos + T) % (streamLen - T);
    return { x, y };
  };
}
const oneHot = (ids, shape) => tf.oneHot(tf.tensor(ids, shape, 'int32'), V).toFloat();

// Training: one-hot (B, T, V) -> Dense(64, no bias) -> 2 x LSTM 256 -> Dense(96) logits.
function training(cell, kw) {
  const B = 32, T = 64;
  const input = tf.input({ batchShape: [B, T, V] });
  const proj = tf.layers.dense({ units: E, useBias: false, kernelInitializer: 'zeros' });
  const r1 = peers.rnnLayer(tf, cell, { returnSequences: true });
  const r2 = peers.rnnLayer(tf, cell, { returnSequences: true });
  const head = tf.layers.dense({ units: V, kernelInitializer: 'zeros' });
  const model = tf.model({ inputs: input, outputs: head.apply(r2.apply(r1.apply(proj.apply(input)))) });
  proj.setWeights([tf.tensor2d(kw.emb, [V, E])]);
  r1.setWeights([kw.layers[0].kernel, kw.layers[0].recurrent, kw.layers[0].bias]);
  r2.setWeights([kw.layers[1].kernel, kw.layers[1].recurrent, kw.layers[1].bias]);
  head.setWeights([kw.headW, kw.headB]);
  const opt = tf.train.adam(2e-3);
  const next = batches(B, T);
  const t = timeTraining(cell, B * T, () => {
    const { x, y } = next();
    return trainStep(opt, () => model.apply(oneHot(x, [B, T]), { training: true }).reshape([B * T, V]), () => oneHot(y, [B * T]));
  });
  model.dispose();
  return t;
}

// The Transformer (hand-written ops, peer_transformer.mjs): the check reads CHECK_TEXT both through
// the cached step and through the training graph; generation runs whole windows from an empty cache.
function transformer() {
  const m = recurTransformer(recur);
  const ref = recurReference(m);
  const tw = tfjsTransformerWeights(tf, parseSafetensors(m.save()));
  m.dispose();
  let cache = tfjsEmptyCache();
  const got = new Float32Array(ref.length);
  Array.from(CHECK_TEXT).forEach((ch, t) => {
    const r = tfjsTransformerStep(tf, tw, VOCAB.indexOf(ch), cache);
    got.set(r.probs, t * V);
    cache = r.cache;
  });
  const n = CHECK_TEXT.length;
  const whole = tf.tidy(() => tf.softmax(tfjsTransformerLogits(tf, tw, oneHot(Array.from(CHECK_TEXT, (ch) => VOCAB.indexOf(ch)), [n]), 1, n)).dataSync());
  const c = compare(got, ref), cw = compare(whole, ref);
  log(`check transformer: max rel err ${c.rel.toExponential(2)} step by step, ${cw.rel.toExponential(2)} through the training graph`);
  const draw = sampler();
  let id = 1, i = 0;
  const step = () => {
    if (i++ % TRANSFORMER.window === 0) {
      for (const t of [...cache.k, ...cache.v]) t.dispose();
      cache = tfjsEmptyCache();
    }
    const r = tfjsTransformerStep(tf, tw, id, cache);
    cache = r.cache;
    id = Math.max(1, draw(r.probs));
  };
  let t0 = now();
  for (let k = 0; k < 50; k++) step();
  const cold = 50 / ((now() - t0) / 1e3);
  const rates = [];
  const steps = quick ? 256 : 1024;
  i = 0;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    t0 = now();
    for (let k = 0; k < steps; k++) step();
    rates.push(steps / ((now() - t0) / 1e3));
  }
  for (const t of [...cache.k, ...cache.v]) t.dispose();
  const g = stats(rates);
  log(`gen   transformer ${g.best.toFixed(0).padStart(8)} steps/s best ${g.median.toFixed(0).padStart(8)} median ${cold.toFixed(0).padStart(8)} cold (first 50), whole windows`);
  const out = { check_transformer: Math.max(c.rel, cw.rel), gen_transformer: g.best, gen_transformer_median: g.median, gen_transformer_cold: cold };
  if (!process.argv.includes('--no-train')) {
    const { trainBatch: B, trainSeq: T } = TRANSFORMER;
    const opt = tf.train.adam(2e-3);
    const next = batches(B, T);
    const t = timeTraining('transformer', B * T, () => {
      const { x, y } = next();
      return trainStep(opt, () => tfjsTransformerLogits(tf, tw, oneHot(x, [B * T]), B, T), () => oneHot(y, [B * T]));
    });
    Object.assign(out, { train_transformer: t.best, train_transformer_median: t.median, train_transformer_cold: t.cold });
  }
  return out;
}

for (const cell of ['lstm', 'rnn']) {
  const m = recurModel(recur, cell === 'rnn' ? 'rnn_tanh' : cell);
  const ref = recurReference(m);
  const kw = peers.kerasWeights(tf, parseSafetensors(m.save()), cell);
  m.dispose();
  const g = generation(cell, kw, ref);
  Object.assign(result, { [`check_${cell}`]: g.check, [`gen_${cell}`]: g.best, [`gen_${cell}_median`]: g.median, [`gen_${cell}_cold`]: g.cold });
  if (cell === 'lstm' && !process.argv.includes('--no-train')) {
    const t = training(cell, kw);
    Object.assign(result, { train_lstm: t.best, train_lstm_median: t.median, train_lstm_cold: t.cold });
  }
}
Object.assign(result, transformer());
result.quick = quick;
report(result);
