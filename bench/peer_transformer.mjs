// The peers' versions of recur's char-transformer-128x4 (common.mjs TRANSFORMER) on recur's
// weights: nn.TransformerEncoderLayer's equations (post-norm, ReLU, LayerNorm eps 1e-5), input
// embedding · √d + sinusoidal positions, causal attention, head on each position.
// - ONNX (ort_bench.mjs): one step per session.run() with a key/value cache, as exported decoders
//   do: ids and pos in, past_k{l} / past_v{l} (heads, P, dh) in, present_* (heads, P + 1, dh) out
//   (Concat), probabilities out. Batch 1 and one query make every reshape a plain Reshape.
// - TensorFlow.js (tfjs_bench.mjs), hand-written ops (tfjs has no attention layer): the same
//   cached step for generation, and a whole-window forward over (B, T) for training, its input a
//   one-hot product as in the LSTM's training (tfjs-wasm cannot train an embedding lookup).
import { V, TRANSFORMER, positions, transpose } from './common.mjs';
import { FLOAT, INT64, tensor, valueInfo, node, intAttr, intsAttr, floatAttr, encodeModel } from './peer_models.mjs';

const { d, layers: L, heads: NH, ff: F, window: W } = TRANSFORMER;
const dh = d / NH;
const EPS = 1e-5;

/** Layer k's tensors of recur's weights w (parsed safetensors), transposed for x · W^T. */
function layerWeights(w, k) {
  const t = (name) => w[`encoder.layers.${k}.${name}`].data;
  return {
    qkvT: transpose(t('self_attn.in_proj_weight'), 3 * d, d), qkvB: t('self_attn.in_proj_bias'),
    oT: transpose(t('self_attn.out_proj.weight'), d, d), oB: t('self_attn.out_proj.bias'),
    f1T: transpose(t('linear1.weight'), F, d), f1B: t('linear1.bias'),
    f2T: transpose(t('linear2.weight'), d, F), f2B: t('linear2.bias'),
    n1g: t('norm1.weight'), n1b: t('norm1.bias'), n2g: t('norm2.weight'), n2b: t('norm2.bias'),
  };
}

/** The embedding pre-multiplied by √d: (V, d). */
function scaledEmbedding(w) {
  const e = Float32Array.from(w['embedding.weight'].data);
  for (let i = 0; i < e.length; i++) e[i] *= Math.sqrt(d);
  return e;
}

/** The ONNX model bytes of one cached generation step. */
export function buildOnnxTransformer(w) {
  const inits = [
    tensor('emb', [V, d], scaledEmbedding(w)), tensor('pe', [W, d], positions(W, d)),
    tensor('qkvSplit', [3], new BigInt64Array([BigInt(d), BigInt(d), BigInt(d)])),
    tensor('headsShape', [3], new BigInt64Array([BigInt(NH), 1n, BigInt(dh)])),
    tensor('rowShape', [2], new BigInt64Array([1n, BigInt(d)])),
    tensor('scale', [], new Float32Array([1 / Math.sqrt(dh)])),
    tensor('headWT', [d, V], transpose(w['head.weight'].data, V, d)), tensor('headB', [V], w['head.bias'].data),
  ];
  const inputs = [valueInfo('ids', INT64, [1]), valueInfo('pos', INT64, [1])];
  const outputs = [valueInfo('probs', FLOAT, [1, V])];
  const nodes = [
    node('Gather', ['emb', 'ids'], ['e']), node('Gather', ['pe', 'pos'], ['p']), node('Add', ['e', 'p'], ['x0']),
  ];
  const linear = (x, wName, bName, out) => {
    nodes.push(node('MatMul', [x, wName], [`${out}_mm`]), node('Add', [`${out}_mm`, bName], [out]));
  };
  for (let k = 0; k < L; k++) {
    const lw = layerWeights(w, k);
    const n = (s) => `l${k}_${s}`;
    inits.push(
      tensor(n('qkvT'), [d, 3 * d], lw.qkvT), tensor(n('qkvB'), [3 * d], lw.qkvB),
      tensor(n('oT'), [d, d], lw.oT), tensor(n('oB'), [d], lw.oB),
      tensor(n('f1T'), [d, F], lw.f1T), tensor(n('f1B'), [F], lw.f1B),
      tensor(n('f2T'), [F, d], lw.f2T), tensor(n('f2B'), [d], lw.f2B),
      tensor(n('n1g'), [d], lw.n1g), tensor(n('n1b'), [d], lw.n1b), tensor(n('n2g'), [d], lw.n2g), tensor(n('n2b'), [d], lw.n2b));
    inputs.push(valueInfo(`past_k${k}`, FLOAT, [NH, 'P', dh]), valueInfo(`past_v${k}`, FLOAT, [NH, 'P', dh]));
    outputs.push(valueInfo(`present_k${k}`, FLOAT, [NH, 'P1', dh]), valueInfo(`present_v${k}`, FLOAT, [NH, 'P1', dh]));
    const x = `x${k}`;
    linear(x, n('qkvT'), n('qkvB'), n('qkv'));
    nodes.push(node('Split', [n('qkv'), 'qkvSplit'], [n('q0'), n('k0'), n('v0')], [intAttr('axis', 1)]));
    for (const s of ['q', 'k', 'v']) nodes.push(node('Reshape', [n(`${s}0`), 'headsShape'], [n(s)]));  // (1, d) -> (NH, 1, dh)
    nodes.push(
      node('Concat', [`past_k${k}`, n('k')], [`present_k${k}`], [intAttr('axis', 1)]),
      node('Concat', [`past_v${k}`, n('v')], [`present_v${k}`], [intAttr('axis', 1)]),
      node('Transpose', [`present_k${k}`], [n('kT')], [intsAttr('perm', [0, 2, 1])]),
      node('MatMul', [n('q'), n('kT')], [n('s0')]),  // (NH, 1, P + 1)
      node('Mul', [n('s0'), 'scale'], [n('s')]),
      node('Softmax', [n('s')], [n('a')], [intAttr('axis', -1)]),
      node('MatMul', [n('a'), `present_v${k}`], [n('c0')]),  // (NH, 1, dh)
      node('Reshape', [n('c0'), 'rowShape'], [n('c')]));
    linear(n('c'), n('oT'), n('oB'), n('o'));
    nodes.push(node('Add', [x, n('o')], [n('r1')]),
      node('LayerNormalization', [n('r1'), n('n1g'), n('n1b')], [n('x1')], [intAttr('axis', -1), floatAttr('epsilon', EPS)]));
    linear(n('x1'), n('f1T'), n('f1B'), n('h0'));
    nodes.push(node('Relu', [n('h0')], [n('h')]));
    linear(n('h'), n('f2T'), n('f2B'), n('f'));
    nodes.push(node('Add', [n('x1'), n('f')], [n('r2')]),
      node('LayerNormalization', [n('r2'), n('n2g'), n('n2b')], [`x${k + 1}`], [intAttr('axis', -1), floatAttr('epsilon', EPS)]));
  }
  linear(`x${L}`, 'headWT', 'headB', 'logits');
  nodes.push(node('Softmax', ['logits'], ['probs'], [intAttr('axis', -1)]));
  return encodeModel({ name: 'char-transformer-128x4', node: nodes, initializer: inits, input: inputs, output: outputs });
}

/**
 * Steps through an ORT session of buildOnnxTransformer(), as onnxStepper does: zeros() is the empty
 * cache at position 0, runStep(id, state) returns the next-symbol probabilities and the cache one
 * position further as its state.
 */
export function onnxTransformerStepper(ort, session) {
  const zeros = () => {
    const c = { pos: 0 };
    for (let k = 0; k < L; k++) for (const s of ['k', 'v']) c[`past_${s}${k}`] = new ort.Tensor('float32', new Float32Array(0), [NH, 0, dh]);
    return c;
  };
  const idBuf = new BigInt64Array(1), posBuf = new BigInt64Array(1);
  const runStep = async (id, cache) => {
    idBuf[0] = BigInt(id);
    posBuf[0] = BigInt(cache.pos);
    const { pos, ...past } = cache;
    const o = await session.run({ ids: new ort.Tensor('int64', idBuf, [1]), pos: new ort.Tensor('int64', posBuf, [1]), ...past });
    const next = { pos: pos + 1 };
    for (let k = 0; k < L; k++) for (const s of ['k', 'v']) next[`past_${s}${k}`] = o[`present_${s}${k}`];
    return { probs: o.probs.data, state: next };
  };
  return { zeros, runStep };
}

// ---- TensorFlow.js (tf: the loaded @tensorflow/tfjs module, any backend) -------------------------

/** recur's weights as tf.variables (trainable), transposed for x · W^T. */
export function tfjsTransformerWeights(tf, w) {
  const v = (data, shape) => tf.variable(tf.tensor(data, shape));
  return {
    emb: v(w['embedding.weight'].data, [V, d]),
    pe: tf.tensor2d(positions(W, d), [W, d]),
    layers: Array.from({ length: L }, (_, k) => {
      const lw = layerWeights(w, k);
      return {
        qkvT: v(lw.qkvT, [d, 3 * d]), qkvB: v(lw.qkvB, [3 * d]), oT: v(lw.oT, [d, d]), oB: v(lw.oB, [d]),
        f1T: v(lw.f1T, [d, F]), f1B: v(lw.f1B, [F]), f2T: v(lw.f2T, [F, d]), f2B: v(lw.f2B, [d]),
        n1g: v(lw.n1g, [d]), n1b: v(lw.n1b, [d]), n2g: v(lw.n2g, [d]), n2b: v(lw.n2b, [d]),
      };
    }),
    headWT: v(transpose(w['head.weight'].data, V, d), [d, V]), headB: v(w['head.bias'].data, [V]),
  };
}

function layerNorm(tf, x, g, b) {
  const mean = tf.mean(x, -1, true);
  const c = tf.sub(x, mean);
  const variance = tf.mean(tf.square(c), -1, true);
  return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(variance, EPS))), g), b);
}

// The two residual blocks of a layer around attention att(x) -> (rows, d): post-norm, ReLU.
function encoderLayer(tf, x, lw, att) {
  const a = tf.add(tf.matMul(att(tf.add(tf.matMul(x, lw.qkvT), lw.qkvB)), lw.oT), lw.oB);
  const x1 = layerNorm(tf, tf.add(x, a), lw.n1g, lw.n1b);
  const h = tf.relu(tf.add(tf.matMul(x1, lw.f1T), lw.f1B));
  return layerNorm(tf, tf.add(x1, tf.add(tf.matMul(h, lw.f2T), lw.f2B)), lw.n2g, lw.n2b);
}

/**
 * Logits of a whole batch of windows: oneHot (B·T, V) of the ids, row b·T + t -> (B·T, V), causal
 * attention within each window. The graph tfjs trains (call inside tf.tidy or variableGrads).
 */
export function tfjsTransformerLogits(tf, tw, oneHot, B, T) {
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);  // -1e9 above the diagonal
  let x = tf.add(tf.mul(tf.matMul(oneHot, tw.emb), Math.sqrt(d)).reshape([B, T, d]), tw.pe.slice([0, 0], [T, d])).reshape([B * T, d]);
  const split = (m) => m.reshape([B, T, NH, dh]).transpose([0, 2, 1, 3]);  // (B·T, d) -> (B, NH, T, dh)
  for (const lw of tw.layers) {
    x = encoderLayer(tf, x, lw, (qkv) => {
      const [q, k, v] = tf.split(qkv, 3, 1).map(split);
      const s = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), mask);
      return tf.matMul(tf.softmax(s), v).transpose([0, 2, 1, 3]).reshape([B * T, d]);
    });
  }
  return tf.add(tf.matMul(x, tw.headWT), tw.headB);
}

/**
 * One cached generation step: the probabilities after id at position cache.pos, and the cache one
 * further (the old one disposed). empty: tfjsEmptyCache(tf).
 */
export function tfjsTransformerStep(tf, tw, id, cache) {
  const next = { pos: cache.pos + 1, k: [], v: [] };
  const probs = tf.tidy(() => {
    let x = tf.add(tf.mul(tw.emb.slice([id, 0], [1, d]), Math.sqrt(d)), tw.pe.slice([cache.pos, 0], [1, d]));
    tw.layers.forEach((lw, l) => {
      x = encoderLayer(tf, x, lw, (qkv) => {
        const [q, k, v] = tf.split(qkv, 3, 1).map((m) => m.reshape([NH, 1, dh]));
        const kc = tf.keep(cache.pos ? tf.concat([cache.k[l], k], 1) : k);
        const vc = tf.keep(cache.pos ? tf.concat([cache.v[l], v], 1) : v);
        next.k.push(kc);
        next.v.push(vc);
        const s = tf.mul(tf.matMul(q, kc, false, true), 1 / Math.sqrt(dh));
        return tf.matMul(tf.softmax(s), vc).reshape([1, d]);
      });
    });
    return tf.softmax(tf.add(tf.matMul(x, tw.headWT), tw.headB));
  });
  for (const t of [...cache.k, ...cache.v]) t.dispose();
  const p = probs.dataSync();
  probs.dispose();
  return { probs: p, cache: next };
}

export const tfjsEmptyCache = () => ({ pos: 0, k: [], v: [] });
