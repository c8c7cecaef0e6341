// The peers' versions of recur's char-lstm-256x2 on recur's weights, shared by ort_bench.mjs,
// tfjs_bench.mjs and side_by_side.mjs: an ONNX graph written with protobufjs and a hand-typed
// subset of onnx.proto (ort/onnx-subset.proto), and TensorFlow.js layers built with zeros and
// setWeights (default initialisers take seconds).
// ONNX: ids (T, 1) int64 -> Gather(embedding) -> LSTM -> Squeeze -> LSTM -> Squeeze -> MatMul + Add
// (head) -> Softmax, with the state carried through initial_h/initial_c (inputs) and Y_h/Y_c
// (outputs). ONNX gate orders: LSTM i o f c (PyTorch i f g o), one bias of [Wb; Rb]; GRU z r h with
// linear_before_reset = 1 (PyTorch's GRU; PyTorch order r z n); RNN tanh.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { V, E, H, here, reorderGates, transpose } from './common.mjs';

const root = await protobuf.load(join(here, 'ort/onnx-subset.proto'));
const ModelProto = root.lookupType('onnx.ModelProto');
export const FLOAT = 1, INT64 = 7;
const AT_FLOAT = 1, AT_INT = 2, AT_INTS = 7;

export const tensor = (name, dims, data) => ({
  name, dims, dataType: data instanceof BigInt64Array ? INT64 : FLOAT,
  rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});
export const valueInfo = (name, elemType, dims) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});
export const node = (opType, input, output, attribute = []) => ({ opType, input, output, name: `${opType}_${output[0]}`, attribute });
export const intAttr = (name, i) => ({ name, type: AT_INT, i });
export const intsAttr = (name, ints) => ({ name, type: AT_INTS, ints });
export const floatAttr = (name, f) => ({ name, type: AT_FLOAT, f });

/** The bytes of an ONNX model (opset 17) of the given graph. */
export function encodeModel(graph) {
  const model = { irVersion: 8, producerName: 'recur-bench', opsetImport: [{ domain: '', version: 17 }], graph };
  const err = ModelProto.verify(model);
  if (err) throw new Error(err);
  return ModelProto.encode(ModelProto.create(model)).finish();
}

// G gates, PyTorch block order -> ONNX block order.
const CELLS = {
  lstm: { op: 'LSTM', G: 4, order: [0, 3, 1, 2], state: ['h', 'c'] },
  gru: { op: 'GRU', G: 3, order: [1, 0, 2], state: ['h'], attrs: [intAttr('linear_before_reset', 1)] },
  rnn: { op: 'RNN', G: 1, order: [0], state: ['h'] },
};

/** The ONNX model bytes for recur's weights w (parsed safetensors) and cell. */
export function buildOnnx(w, cell) {
  const c = CELLS[cell];
  const inits = [tensor('emb', [V, E], w['embedding.weight'].data)];
  const nodes = [node('Gather', ['emb', 'ids'], ['x0'])];
  const inputs = [valueInfo('ids', INT64, ['T', 1])];
  const outputs = [valueInfo('probs', FLOAT, ['T', 1, V])];
  inits.push(tensor('axes1', [1], new BigInt64Array([1n])));
  for (let k = 0; k < 2; k++) {
    const inSize = k === 0 ? E : H;
    const W = reorderGates(w[`rnn.weight_ih_l${k}`].data, c.G, c.order);
    const R = reorderGates(w[`rnn.weight_hh_l${k}`].data, c.G, c.order);
    const B = new Float32Array(2 * c.G * H);
    B.set(reorderGates(w[`rnn.bias_ih_l${k}`].data, c.G, c.order), 0);
    B.set(reorderGates(w[`rnn.bias_hh_l${k}`].data, c.G, c.order), c.G * H);
    inits.push(tensor(`W${k}`, [1, c.G * H, inSize], W), tensor(`R${k}`, [1, c.G * H, H], R), tensor(`B${k}`, [1, 2 * c.G * H], B));
    const stIn = c.state.map((s) => `${s}${k}_in`), stOut = c.state.map((s) => `${s}${k}_out`);
    for (const s of stIn) inputs.push(valueInfo(s, FLOAT, [1, 1, H]));
    for (const s of stOut) outputs.push(valueInfo(s, FLOAT, [1, 1, H]));
    // LSTM inputs: X W R B sequence_lens initial_h initial_c; GRU / RNN: X W R B sequence_lens initial_h.
    nodes.push(node(c.op, [`x${k}`, `W${k}`, `R${k}`, `B${k}`, '', ...stIn], [`y${k}`, ...stOut],
      [intAttr('hidden_size', H), ...(c.attrs ?? [])]));
    nodes.push(node('Squeeze', [`y${k}`, 'axes1'], [`x${k + 1}`]));  // (T, 1, 1, H) -> (T, 1, H)
  }
  inits.push(tensor('headWT', [H, V], transpose(w['head.weight'].data, V, H)), tensor('headB', [V], w['head.bias'].data));
  nodes.push(node('MatMul', ['x2', 'headWT'], ['logits0']), node('Add', ['logits0', 'headB'], ['logits']));
  nodes.push(node('Softmax', ['logits'], ['probs'], [intAttr('axis', -1)]));
  return encodeModel({ name: `char-${cell}-256x2`, node: nodes, initializer: inits, input: inputs, output: outputs });
}

/**
 * One generation step at a time through an ORT session of buildOnnx(): zeros() is the zero state,
 * runStep(id, state) returns the next-symbol probabilities and the state to feed back.
 * (ort: the loaded onnxruntime-web module.)
 */
export function onnxStepper(ort, session) {
  const zeros = () => Object.fromEntries(session.inputNames.filter((n) => n !== 'ids')
    .map((n) => [n, new ort.Tensor('float32', new Float32Array(H), [1, 1, H])]));
  const idBuf = new BigInt64Array(1);
  const runStep = async (id, state) => {
    idBuf[0] = BigInt(id);
    const o = await session.run({ ids: new ort.Tensor('int64', idBuf, [1, 1]), ...state });
    const next = {};
    for (const n of session.inputNames) if (n !== 'ids') next[n] = o[n.replace('_in', '_out')];
    return { probs: o.probs.data, state: next };
  };
  return { zeros, runStep };
}

// TensorFlow.js (tf: the loaded @tensorflow/tfjs module, any backend).
export function kerasWeights(tf, w, cell) {
  const G = cell === 'lstm' ? 4 : 1;
  const out = { emb: w['embedding.weight'].data, layers: [] };
  for (let k = 0; k < 2; k++) {
    const wih = w[`rnn.weight_ih_l${k}`], whh = w[`rnn.weight_hh_l${k}`];
    const bias = new Float32Array(G * H);
    const bih = w[`rnn.bias_ih_l${k}`].data, bhh = w[`rnn.bias_hh_l${k}`].data;
    for (let i = 0; i < bias.length; i++) bias[i] = bih[i] + bhh[i];
    out.layers.push({
      kernel: tf.tensor2d(transpose(wih.data, G * H, wih.shape[1]), [wih.shape[1], G * H]),
      recurrent: tf.tensor2d(transpose(whh.data, G * H, H), [H, G * H]),
      bias: tf.tensor1d(bias),
    });
  }
  out.headW = tf.tensor2d(transpose(w['head.weight'].data, V, H), [H, V]);
  out.headB = tf.tensor1d(w['head.bias'].data);
  return out;
}

export function rnnLayer(tf, cell, opts) {
  const common = { units: H, kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros', ...opts };
  return cell === 'lstm'
    ? tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid', unitForgetBias: false })
    : tf.layers.simpleRNN({ ...common, activation: 'tanh' });
}

// Generation model: stateful, [1, 1] ids in, softmax probabilities out.
export function genModel(tf, cell, kw) {
  const input = tf.input({ batchShape: [1, 1], dtype: 'int32' });
  const emb = tf.layers.embedding({ inputDim: V, outputDim: E, embeddingsInitializer: 'zeros' });
  const r1 = rnnLayer(tf, cell, { returnSequences: true, stateful: true });
  const r2 = rnnLayer(tf, cell, { returnSequences: false, stateful: true });
  const head = tf.layers.dense({ units: V, activation: 'softmax', kernelInitializer: 'zeros' });
  const model = tf.model({ inputs: input, outputs: head.apply(r2.apply(r1.apply(emb.apply(input)))) });
  emb.setWeights([tf.tensor2d(kw.emb, [V, E])]);
  r1.setWeights([kw.layers[0].kernel, kw.layers[0].recurrent, kw.layers[0].bias]);
  r2.setWeights([kw.layers[1].kernel, kw.layers[1].recurrent, kw.layers[1].bias]);
  head.setWeights([kw.headW, kw.headB]);
  return model;
}

/** One step of genModel(): the next-symbol probabilities after id. */
export const tfjsStep = (tf, model, id) => tf.tidy(() => model.predict(tf.tensor2d([id], [1, 1], 'int32'))).dataSync();
