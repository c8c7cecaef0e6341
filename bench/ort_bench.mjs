// ONNX Runtime Web (wasm backend, single thread) on the same weights as recur:
//   node ort_bench.mjs [--quick]
// The ONNX graph is written here with protobufjs and a hand-typed subset of onnx.proto
// (ort/onnx-subset.proto): ids (T, 1) int64 -> Gather(embedding) -> LSTM -> Squeeze -> LSTM ->
// Squeeze -> MatMul + Add (head) -> Softmax, with the state carried through initial_h/initial_c
// (inputs) and Y_h/Y_c (outputs). ONNX gate orders: LSTM i o f c (PyTorch i f g o), one bias of
// [Wb; Rb]; GRU z r h with linear_before_reset = 1 (PyTorch's GRU; PyTorch order r z n); RNN tanh.
// ONNX Runtime Web cannot train from JS. It needs ~2,000 steps to reach full speed: it gets them.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import * as ort from 'onnxruntime-web';
import {
  VOCAB, V, E, H, CHECK_TEXT, quick, here, now, sampler, loadRecurApi, recurModel, recurReference, parseSafetensors,
  reorderGates, transpose, compare, stats, log, report,
} from './common.mjs';

ort.env.wasm.numThreads = 1;
const root = await protobuf.load(join(here, 'ort/onnx-subset.proto'));
const ModelProto = root.lookupType('onnx.ModelProto');
const FLOAT = 1, INT64 = 7;
const AT_INT = 2, AT_FLOAT = 1;

const tensor = (name, dims, data) => ({
  name, dims, dataType: FLOAT,
  rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});
const valueInfo = (name, elemType, dims) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});
const node = (opType, input, output, attribute = []) => ({ opType, input, output, name: `${opType}_${output[0]}`, attribute });
const intAttr = (name, i) => ({ name, type: AT_INT, i });

// G gates, PyTorch block order -> ONNX block order.
const CELLS = {
  lstm: { op: 'LSTM', G: 4, order: [0, 3, 1, 2], state: ['h', 'c'] },
  gru: { op: 'GRU', G: 3, order: [1, 0, 2], state: ['h'], attrs: [intAttr('linear_before_reset', 1)] },
  rnn: { op: 'RNN', G: 1, order: [0], state: ['h'] },
};

/** The ONNX model bytes for recur's weights w (parsed safetensors) and cell. */
function buildOnnx(w, cell) {
  const c = CELLS[cell];
  const inits = [tensor('emb', [V, E], w['embedding.weight'].data)];
  const nodes = [node('Gather', ['emb', 'ids'], ['x0'])];
  const inputs = [valueInfo('ids', INT64, ['T', 1])];
  const outputs = [valueInfo('probs', FLOAT, ['T', 1, V])];
  inits.push({ name: 'axes1', dims: [1], dataType: INT64, rawData: new Uint8Array(new BigInt64Array([1n]).buffer) });
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
  const model = {
    irVersion: 8, producerName: 'recur-bench', opsetImport: [{ domain: '', version: 17 }],
    graph: { name: `char-${cell}-256x2`, node: nodes, initializer: inits, input: inputs, output: outputs },
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(err);
  return ModelProto.encode(ModelProto.create(model)).finish();
}

const result = { bench: 'ort-wasm', version: ort.env.versions?.web ?? 'unknown', threads: 1 };
log(`ONNX Runtime Web ${result.version} (wasm backend, numThreads 1) in Node ${process.version}`);
const recur = await loadRecurApi();

async function run(cell) {
  const m = recurModel(recur, cell === 'rnn' ? 'rnn_tanh' : cell);
  const ref = recurReference(m);
  const bytes = buildOnnx(parseSafetensors(m.save()), cell);
  m.dispose();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const zeros = () => Object.fromEntries(session.inputNames.filter((n) => n !== 'ids')
    .map((n) => [n, new ort.Tensor('float32', new Float32Array(H), [1, 1, H])]));
  // Check: the whole CHECK_TEXT in one run from the zero state vs recur's predict().
  const idsAll = BigInt64Array.from(Array.from(CHECK_TEXT, (ch) => BigInt(VOCAB.indexOf(ch))));
  const out = await session.run({ ids: new ort.Tensor('int64', idsAll, [idsAll.length, 1]), ...zeros() });
  const c = compare(out.probs.data, ref);
  log(`check ${cell}: max rel err ${c.rel.toExponential(2)} (max abs ${c.abs.toExponential(2)}) over ${ref.length} probabilities`);

  // Generation: one id per run, the state fed back.
  const idBuf = new BigInt64Array(1);
  const runStep = async (id, state) => {
    idBuf[0] = BigInt(id);
    const o = await session.run({ ids: new ort.Tensor('int64', idBuf, [1, 1]), ...state });
    const next = {};
    for (const n of session.inputNames) if (n !== 'ids') next[n] = o[n.replace('_in', '_out')];
    return { probs: o.probs.data, state: next };
  };
  // The same check one step at a time, through the state outputs fed back (the timed path).
  {
    let st = zeros();
    const got = new Float32Array(ref.length);
    for (const [t, ch] of Array.from(CHECK_TEXT).entries()) {
      const r = await runStep(VOCAB.indexOf(ch), st);
      got.set(r.probs, t * V);
      st = r.state;
    }
    const cs = compare(got, ref);
    log(`check ${cell} step by step: max rel err ${cs.rel.toExponential(2)}`);
    c.rel = Math.max(c.rel, cs.rel);
  }
  let state = zeros();
  const draw = sampler();
  let id = 1;
  const step = async () => {
    const r = await runStep(id, state);
    state = r.state;
    id = Math.max(1, draw(r.probs));
  };
  let t0 = now();
  for (let i = 0; i < 50; i++) await step();
  const cold = 50 / ((now() - t0) / 1e3);
  for (let i = 0; i < (quick ? 300 : 2000); i++) await step();
  const rates = [];
  let cpuShare = 0;
  for (let r = 0; r < (quick ? 1 : 5); r++) {
    t0 = now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 1000; i++) await step();
    const wall = now() - t0, cpu = process.cpuUsage(cpu0);
    rates.push(1000 / (wall / 1e3));
    cpuShare = Math.max(cpuShare, (cpu.user + cpu.system) / 1e3 / wall);
  }
  const s = stats(rates);
  log(`gen   ${cell.padEnd(5)} ${s.best.toFixed(0).padStart(8)} steps/s best ${s.median.toFixed(0).padStart(8)} median ${cold.toFixed(0).padStart(8)} cold (first 50), CPU time / wall time while timed ${cpuShare.toFixed(2)}`);
  Object.assign(result, { [`cpu_share_${cell}`]: cpuShare, [`check_${cell}`]: c.rel, [`gen_${cell}`]: s.best, [`gen_${cell}_median`]: s.median, [`gen_${cell}_cold`]: cold });
  await session.release();
}

for (const cell of ['lstm', 'gru', 'rnn']) await run(cell);
result.quick = quick;
report(result);
