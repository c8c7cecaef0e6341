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
  VOCAB, V, E, CHECK_TEXT, quick, now, sampler, trainingText, loadRecurApi, recurModel, recurReference,
  parseSafetensors, compare, stats, log, report,
} from './common.mjs';
import * as peers from './peer_models.mjs';

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
  const text = trainingText(B * T * 8 + 1);
  const codes = Array.from(text, (ch) => VOCAB.indexOf(ch));
  const streamLen = Math.floor((codes.length - 1) / B);
  let pos = 0;
  const batch = () => {
    const x = new Int32Array(B * T), y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      x[b * T + t] = codes[b * streamLen + pos + t];
      y[b * T + t] = codes[b * streamLen + pos + t + 1];
    }
    pos = (pos + T) % (streamLen - T);
    return { x, y };
  };
  const trainStep = () => {
    const { x, y } = batch();
    const loss = tf.tidy(() => {
      const xs = tf.oneHot(tf.tensor2d(x, [B, T], 'int32'), V).toFloat();
      const ys = tf.oneHot(tf.tensor1d(y, 'int32'), V).toFloat();
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(xs, { training: true }).reshape([B * T, V]);
        return tf.losses.softmaxCrossEntropy(ys, logits);
      });
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
    return v;
  };
  const chars = B * T;
  let t0 = now();
  trainStep();
  const cold = chars / ((now() - t0) / 1e3);
  const rates = [];
  for (let r = 0; r < (quick || backend === 'cpu' ? 1 : 3); r++) {
    t0 = now();
    const l = trainStep();
    rates.push(chars / ((now() - t0) / 1e3));
    if (!Number.isFinite(l)) throw new Error('diverged');
  }
  const s = stats(rates);
  log(`train ${cell.padEnd(5)} ${s.best.toFixed(0).padStart(8)} chars/s best ${s.median.toFixed(0).padStart(8)} median ${cold.toFixed(0).padStart(8)} cold (first step)`);
  model.dispose();
  return { best: s.best, median: s.median, cold };
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
result.quick = quick;
report(result);
