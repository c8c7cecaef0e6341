// Generation side by side in one Node process: recur wasm (float32 and int8), TensorFlow.js wasm
// and ONNX Runtime Web on recur's weights (char-lstm-256x2, seed 1), interleaved blocks of steps (feed / predict /
// run, then sampling in JS), best block per library. Interleaving keeps the ratios meaningful when
// the machine is shared: every library sees the same load in the same minute.
//   node bench/side_by_side.mjs [path/to/another/web/lib/recur.js ...]
// Extra arguments add other recur builds (e.g. a worktree of an older commit) as more columns.
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-web';
import { VOCAB, now, sampler, loadRecurApi, recurModel, parseSafetensors } from './common.mjs';
import { buildOnnx, genModel, kerasWeights, onnxStepper, tfjsStep } from './peer_models.mjs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
await tf.ready();
ort.env.wasm.numThreads = 1;

// A generation loop per library: step(n) runs n steps from where the last call stopped.
function recurLoop(recur, precision) {
  const random = recurModel(recur, 'lstm');
  const m = precision ? recur.loadModel(random.save(), { precision }) : random;
  m.reset();
  const draw = sampler();
  let id = 1;
  return { m, step: async (n) => { for (let i = 0; i < n; i++) id = Math.max(1, draw(m.feed(VOCAB[id]))); } };
}

const recur = await loadRecurApi();
const loops = { 'recur wasm': recurLoop(recur) };
if (recur.precisions?.includes('int8')) loops['recur wasm int8'] = recurLoop(recur, 'int8');
for (const path of process.argv.slice(2)) loops[`recur wasm (${path})`] = recurLoop(await (await import(path)).loadRecur());
const w = parseSafetensors(loops['recur wasm'].m.save());
{
  const model = genModel(tf, 'lstm', kerasWeights(tf, w, 'lstm'));
  model.resetStates();
  const draw = sampler();
  let id = 1;
  loops['tfjs wasm'] = { step: async (n) => {
    for (let i = 0; i < n; i++) id = Math.max(1, draw(tfjsStep(tf, model, id)));
  } };
}
{
  const session = await ort.InferenceSession.create(buildOnnx(w, 'lstm'), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const { zeros, runStep } = onnxStepper(ort, session);
  let state = zeros();
  const draw = sampler();
  let id = 1;
  loops['ORT Web'] = { step: async (n) => {
    for (let i = 0; i < n; i++) {
      const r = await runStep(id, state);
      state = r.state;
      id = Math.max(1, draw(r.probs));
    }
  } };
}

// Warm-up (ORT needs ~2,000 steps to reach full speed), then 8 rounds of one block each.
const warm = { 'tfjs wasm': 200, 'ORT Web': 2500 };
for (const [k, l] of Object.entries(loops)) await l.step(warm[k] ?? 1000);
const best = {};
for (let r = 0; r < 8; r++)
  for (const [k, l] of Object.entries(loops)) {
    const n = k === 'tfjs wasm' ? 300 : 1000;
    const t0 = now();
    await l.step(n);
    best[k] = Math.max(best[k] ?? 0, n / ((now() - t0) / 1e3));
  }
const ref = best['recur wasm'];
for (const [k, v] of Object.entries(best))
  console.log(`${k.padEnd(40)} ${v.toFixed(0).padStart(7)} steps/s   recur wasm / this: ${(ref / v).toFixed(2)}x`);
process.exit(0);
