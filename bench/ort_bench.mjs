// ONNX Runtime on the same weights as recur: Web (wasm backend) or, with `node`, onnxruntime-node
// (its native CPU build), one thread either way:
//   node ort_bench.mjs [node] [--quick]
// char-lstm-256x2 and its variants, and char-transformer-128x4 through a key/value cache (peer_transformer.mjs).
// The ONNX graph (peer_models.mjs) carries the state through initial_h/initial_c and Y_h/Y_c.
// ONNX Runtime cannot train from JS. It needs ~2,000 steps to reach full speed: it gets them.
import {
  VOCAB, V, CHECK_TEXT, TRANSFORMER, quick, now, sampler, loadRecurApi, recurModel, recurTransformer, recurReference,
  parseSafetensors, compare, stats, log, report,
} from './common.mjs';
import { buildOnnx, onnxStepper } from './peer_models.mjs';
import { buildOnnxTransformer, onnxTransformerStepper } from './peer_transformer.mjs';

const native = process.argv.includes('node');
const mod = await import(native ? 'onnxruntime-node' : 'onnxruntime-web');
const ort = mod.InferenceSession ? mod : mod.default;
const SESSION = native
  ? { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 }
  : { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
if (!native) ort.env.wasm.numThreads = 1;
const result = { bench: native ? 'ort-node' : 'ort-wasm', version: ort.env.versions?.[native ? 'node' : 'web'] ?? 'unknown', threads: 1 };
log(native ? `onnxruntime-node ${result.version} (CPU, one thread) in Node ${process.version}`
  : `ONNX Runtime Web ${result.version} (wasm backend, numThreads 1) in Node ${process.version}`);
const recur = await loadRecurApi();

// CHECK_TEXT's probabilities read one runStep() at a time from the state zeros().
async function stepByStep(runStep, zeros) {
  let state = zeros();
  const got = new Float32Array(CHECK_TEXT.length * V);
  for (const [t, ch] of Array.from(CHECK_TEXT).entries()) {
    const r = await runStep(VOCAB.indexOf(ch), state);
    got.set(r.probs, t * V);
    state = r.state;
  }
  return got;
}

// Times step(): the first 50 calls (the cold rate), `warmup` more, then blocks of `block` calls
// (best and median), with CPU time / wall time over the blocks; before() runs before each block.
async function timeSteps(step, { warmup, block, before = () => {} }) {
  let t0 = now();
  for (let i = 0; i < 50; i++) await step();
  const cold = 50 / ((now() - t0) / 1e3);
  for (let i = 0; i < warmup; i++) await step();
  const rates = [];
  let cpuShare = 0;
  for (let r = 0; r < (quick ? 1 : 5); r++) {
    before();
    t0 = now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < block; i++) await step();
    const wall = now() - t0, cpu = process.cpuUsage(cpu0);
    rates.push(block / (wall / 1e3));
    cpuShare = Math.max(cpuShare, (cpu.user + cpu.system) / 1e3 / wall);
  }
  return { ...stats(rates), cold, cpuShare };
}

async function run(cell) {
  const m = recurModel(recur, cell === 'rnn' ? 'rnn_tanh' : cell);
  const ref = recurReference(m);
  const bytes = buildOnnx(parseSafetensors(m.save()), cell);
  m.dispose();
  const session = await ort.InferenceSession.create(bytes, SESSION);
  const { zeros, runStep } = onnxStepper(ort, session);
  // Check: the whole CHECK_TEXT in one run from the zero state vs recur's predict().
  const idsAll = BigInt64Array.from(Array.from(CHECK_TEXT, (ch) => BigInt(VOCAB.indexOf(ch))));
  const out = await session.run({ ids: new ort.Tensor('int64', idsAll, [idsAll.length, 1]), ...zeros() });
  const c = compare(out.probs.data, ref);
  log(`check ${cell}: max rel err ${c.rel.toExponential(2)} (max abs ${c.abs.toExponential(2)}) over ${ref.length} probabilities`);

  // Generation: one id per run, the state outputs fed back (the timed path). The same check, one step at a time.
  {
    const cs = compare(await stepByStep(runStep, zeros), ref);
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
  const s = await timeSteps(step, { warmup: quick ? 300 : 2000, block: 1000 });
  log(`gen   ${cell.padEnd(5)} ${s.best.toFixed(0).padStart(8)} steps/s best ${s.median.toFixed(0).padStart(8)} median ${s.cold.toFixed(0).padStart(8)} cold (first 50), CPU time / wall time while timed ${s.cpuShare.toFixed(2)}`);
  Object.assign(result, { [`cpu_share_${cell}`]: s.cpuShare, [`check_${cell}`]: c.rel, [`gen_${cell}`]: s.best, [`gen_${cell}_median`]: s.median, [`gen_${cell}_cold`]: s.cold });
  await session.release();
}

// The Transformer: one cached step per run(), whole windows from an empty cache (see TRANSFORMER).
async function runTransformer() {
  const m = recurTransformer(recur);
  const ref = recurReference(m);
  const bytes = buildOnnxTransformer(parseSafetensors(m.save()));
  m.dispose();
  const session = await ort.InferenceSession.create(bytes, SESSION);
  const { zeros, runStep } = onnxTransformerStepper(ort, session);
  const c = compare(await stepByStep(runStep, zeros), ref);
  log(`check transformer step by step: max rel err ${c.rel.toExponential(2)} (max abs ${c.abs.toExponential(2)})`);
  const draw = sampler();
  let id = 1, i = 0, state;
  const step = async () => {
    if (i++ % TRANSFORMER.window === 0) state = zeros();
    const r = await runStep(id, state);
    state = r.state;
    id = Math.max(1, draw(r.probs));
  };
  const s = await timeSteps(step, { warmup: quick ? 256 : 2048, block: 1024, before: () => { i = 0; } });
  log(`gen   transformer ${s.best.toFixed(0).padStart(8)} steps/s best ${s.median.toFixed(0).padStart(8)} median ${s.cold.toFixed(0).padStart(8)} cold (first 50), whole windows`);
  Object.assign(result, { check_transformer: c.rel, gen_transformer: s.best, gen_transformer_median: s.median, gen_transformer_cold: s.cold });
  await session.release();
}

for (const cell of ['lstm', 'gru', 'rnn']) await run(cell);
await runTransformer();
result.quick = quick;
report(result);
