// recur's WebAssembly build under Node, through the public JS API (web/lib/recur.js): the same
// workloads as native_bench.cpp, plus two wasm SIMD128 rooflines.
//   node wasm_bench.mjs [--quick]
// V8 compiles wasm with Liftoff first and moves a function to TurboFan only on a later call
// (there is no on-stack replacement for wasm): every figure is the best of several separate timed blocks after warm-up;
// the cold figure is the warm-up itself (first 50 steps / first training step / first predict).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  VOCAB, CHECK_TEXT, TAGGER_TEXT, TRANSFORMER, quick, here, now, sampler, trainingText, loadRecurApi, recurModel,
  recurTransformer, stats, log, report, compare,
} from './common.mjs';

const result = { bench: 'recur-wasm' };
const recur = await loadRecurApi();
result.simdArch = recur.simdArch;
log(`recur wasm bench (${recur.simdArch}, Node ${process.version})`);

// Generation through feed(): one symbol in, the 96 probabilities out, sampled here. window: blocks
// of that many whole windows from a reset each, 1,024 steps (the Transformer), else 1,000 steps.
function genFeed(model, window = 0) {
  model.reset();
  const draw = sampler();
  let id = 1;
  let i = 0;
  const step = () => {
    if (window && i++ % window === 0) model.reset();
    id = Math.max(1, draw(model.feed(VOCAB[id])));
  };
  let t0 = now();
  for (let k = 0; k < 50; k++) step();
  const cold = 50 / ((now() - t0) / 1e3);
  const rates = [];
  let cpuShare = 0;  // CPU time / wall time: V8's background threads (GC, compilation) show here
  const n = window ? 1024 : 1000;
  i = 0;
  for (let r = 0; r < (quick ? 2 : 7); r++) {
    t0 = now();
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < n; k++) step();
    const wall = now() - t0, cpu = process.cpuUsage(cpu0);
    rates.push(n / (wall / 1e3));
    cpuShare = Math.max(cpuShare, (cpu.user + cpu.system) / 1e3 / wall);
  }
  return { ...stats(rates), cold, cpuShare };
}

// Generation inside the engine: model.generate({length: 1000}) (its sampler, no JS per step).
function genEngine(model) {
  const rates = [];
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const t0 = now();
    const out = model.generate({ length: 1000, seed: r, prompt: 'a' });
    rates.push(Array.from(out).length / ((now() - t0) / 1e3));
  }
  return stats(rates);
}

function train(model, seqLen = 64, batchSize = 32) {
  const t = model.trainer({ seqLen, batchSize, clip: 1, lr: 2e-3, optimizer: 'adam' });
  const text = trainingText(seqLen * batchSize * 40 + 1);
  const chars = seqLen * batchSize;
  let t0 = now();
  t.step(text);
  const cold = chars / ((now() - t0) / 1e3);
  t.step();
  const rates = [];
  for (let r = 0; r < (quick ? 2 : 6); r++) {
    t0 = now();
    const loss = t.step();
    rates.push(chars / ((now() - t0) / 1e3));
    if (!Number.isFinite(loss)) throw new Error('training diverged');
  }
  t.dispose();
  return { ...stats(rates), cold };
}

// Correctness: feed() after CHECK_TEXT equals predict()'s last row (the two code paths).
{
  const m = recurModel(recur);
  const p = m.predict(CHECK_TEXT);
  m.reset();
  const f = m.feed(CHECK_TEXT);
  const c = compare(f, p.row(p.rows - 1));
  m.reset();
  result.check_probs = Array.from(m.feed('Hello, world'));  // run.mjs compares with native
  log(`check: feed() vs predict() last row: max rel err ${c.rel.toExponential(2)}`);
  result.check_feed_vs_predict = c.rel;
  m.dispose();
}

for (const cell of ['lstm', 'gru', 'rnn']) {
  const m = recurModel(recur, cell === 'rnn' ? 'rnn_tanh' : cell);
  const g = genFeed(m);
  log(`gen   ${cell.padEnd(5)} ${g.best.toFixed(0).padStart(8)} steps/s best ${g.median.toFixed(0).padStart(8)} median ${g.cold.toFixed(0).padStart(8)} cold (first 50)  [feed + sample in JS; CPU/wall ${g.cpuShare.toFixed(2)}]`);
  Object.assign(result, { [`cpu_share_${cell}`]: g.cpuShare, [`gen_${cell}`]: g.best, [`gen_${cell}_median`]: g.median, [`gen_${cell}_cold`]: g.cold });
  if (cell === 'lstm') {
    const e = genEngine(m);
    log(`gen   lstm  ${e.best.toFixed(0).padStart(8)} steps/s best [model.generate(), sampling in the engine]`);
    result.gen_lstm_engine = e.best;
    const q = recur.loadModel(m.save(), { precision: 'int8' });
    const gq = genFeed(q);
    log(`gen   lstm int8 ${gq.best.toFixed(0).padStart(8)} steps/s best ${gq.median.toFixed(0).padStart(8)} median  [feed + sample in JS]`);
    Object.assign(result, { gen_lstm_int8: gq.best, gen_lstm_int8_median: gq.median, gen_lstm_int8_cold: gq.cold });
    q.dispose();
    // Batched generation inside the engine: N samples of 2,000 symbols side by side.
    for (const precision of ['float32', 'int8']) {
      const b = recur.loadModel(m.save(), { precision });
      for (const n of [1, 2, 4, 8]) {
        let best = 0;
        for (let r = 0; r < (quick ? 2 : 5); r++) {
          const t0 = now();
          b.generate({ length: 2000, prompt: 'a', seed: r, count: n });
          best = Math.max(best, n * 2000 / ((now() - t0) / 1e3));
        }
        log(`batch ${precision.padEnd(7)} N=${n} ${best.toFixed(0).padStart(8)} symbols/s`);
        result[`batch_${precision}_${n}`] = best;
      }
      b.dispose();
    }
  }
  m.dispose();
}

// The Transformer: feed() from a reset, whole windows (see TRANSFORMER).
{
  const m = recurTransformer(recur);
  const g = genFeed(m, TRANSFORMER.window);
  log(`gen   transformer ${g.best.toFixed(0).padStart(8)} steps/s best ${g.median.toFixed(0).padStart(8)} median ${g.cold.toFixed(0).padStart(8)} cold (first 50)  [feed + sample in JS, whole windows]`);
  Object.assign(result, { gen_transformer: g.best, gen_transformer_median: g.median, gen_transformer_cold: g.cold });
  const q = recur.loadModel(m.save(), { precision: 'int8' });
  const gq = genFeed(q, TRANSFORMER.window);
  log(`gen   transformer int8 ${gq.best.toFixed(0).padStart(8)} steps/s best ${gq.median.toFixed(0).padStart(8)} median`);
  Object.assign(result, { gen_transformer_int8: gq.best, gen_transformer_int8_median: gq.median });
  q.dispose();
  const t = train(m, TRANSFORMER.trainSeq, TRANSFORMER.trainBatch);
  log(`train transformer ${t.best.toFixed(0).padStart(8)} chars/s best ${t.median.toFixed(0).padStart(8)} median ${t.cold.toFixed(0).padStart(8)} cold (first step)`);
  Object.assign(result, { train_transformer: t.best, train_transformer_median: t.median, train_transformer_cold: t.cold });
  m.dispose();
}

{
  const m = recur.createModel({ task: 'tagger', vocab: VOCAB, labels: ['L0', 'L1', 'L2', 'L3'], embeddingDim: 32, hiddenSize: 128, numLayers: 1, seed: 1 });
  let t0 = now();
  m.predict(TAGGER_TEXT);
  const cold = now() - t0;
  for (let i = 0; i < 50; i++) m.predict(TAGGER_TEXT);
  const ms = [];
  for (let i = 0; i < (quick ? 50 : 300); i++) {
    t0 = now();
    m.predict(TAGGER_TEXT);
    ms.push(now() - t0);
  }
  const s = stats(ms);
  log(`tagger 1x128 predict(100 chars): ${s.median.toFixed(4)} ms median, ${s.worst.toFixed(4)} ms best, ${cold.toFixed(3)} ms cold`);
  Object.assign(result, { tagger_ms: s.median, tagger_ms_best: s.worst, tagger_ms_cold: cold });
  m.dispose();
}

for (const cell of ['lstm', 'gru', 'rnn']) {
  const m = recurModel(recur, cell === 'rnn' ? 'rnn_tanh' : cell);
  const t = train(m);
  log(`train ${cell.padEnd(5)} ${t.best.toFixed(0).padStart(8)} chars/s best ${t.median.toFixed(0).padStart(8)} median ${t.cold.toFixed(0).padStart(8)} cold (first step)`);
  Object.assign(result, { [`train_${cell}`]: t.best, [`train_${cell}_median`]: t.median, [`train_${cell}_cold`]: t.cold });
  m.dispose();
}

// Two threads (the threaded module, loadRecur({ threads: 2 })) beside one, in the same run: the
// ratios are the claim. Rows named *_2t.
{
  const mt = await loadRecurApi({ threads: 2 });
  result.threads = mt.threads;
  if (mt.threads === 2) {
    const m = recurModel(mt);
    const g = genFeed(m);
    const e = genEngine(m);
    const q = mt.loadModel(m.save(), { precision: 'int8' });
    const gq = genFeed(q);
    q.dispose();
    const t = train(m);
    m.dispose();
    const tf = recurTransformer(mt);
    const tt = train(tf, TRANSFORMER.trainSeq, TRANSFORMER.trainBatch);
    tf.dispose();
    log(`gen   lstm 2 threads ${g.best.toFixed(0).padStart(8)} steps/s best (${(g.best / result.gen_lstm).toFixed(2)}x one) [feed + sample in JS]`);
    log(`gen   lstm 2 threads ${e.best.toFixed(0).padStart(8)} steps/s best (${(e.best / result.gen_lstm_engine).toFixed(2)}x one) [model.generate()]`);
    log(`gen   lstm int8 2 threads ${gq.best.toFixed(0).padStart(8)} steps/s best (${(gq.best / result.gen_lstm_int8).toFixed(2)}x one) [feed + sample in JS]`);
    log(`train lstm 2 threads ${t.best.toFixed(0).padStart(8)} chars/s best (${(t.best / result.train_lstm).toFixed(2)}x one)`);
    log(`train transformer 2 threads ${tt.best.toFixed(0).padStart(8)} chars/s best (${(tt.best / result.train_transformer).toFixed(2)}x one)`);
    Object.assign(result, { gen_lstm_2t: g.best, gen_lstm_2t_median: g.median, gen_lstm_engine_2t: e.best, gen_lstm_int8_2t: gq.best,
      train_lstm_2t: t.best, train_lstm_2t_median: t.median, train_transformer_2t: tt.best });
  } else {
    log(`two threads: not measured (the threaded module got ${mt.threads})`);
  }
}

// ---- rooflines ----------------------------------------------------------------------------------
// One generation step of char-lstm-256x2 reads these matrices (rows x cols) plus 4,192 floats of
// biases: 3.52 MB.
const SHAPES = [[1024, 64], [1024, 256], [1024, 256], [1024, 256], [96, 256]];
const STEP_BYTES = 4 * (SHAPES.reduce((a, [m, k]) => a + m * k, 0) + 2 * 2 * 1024 + 96);
const STEP_FLOPS = SHAPES.reduce((a, [m, k]) => a + 2 * m * k, 0);
result.roof_step_bytes = STEP_BYTES;

// (1) The bench's own SIMD128 kernels (roofline_wasm.c, built by emcc): the step's five products
// over distinct matrices (3.5 MB, as the real weights), and a streaming read of 3.5 MB.
const wasmPath = join(here, 'build/roofline.wasm');
if (existsSync(wasmPath)) {
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
  const { matvec, stream_sum: streamSum, buffer, memory } = instance.exports;
  const base = buffer();
  const f32 = new Float32Array(memory.buffer);
  let at = base;
  const mats = SHAPES.map(([m, k]) => { const p = at; at += 4 * m * k; return p; });
  const x = at; at += 4 * 1024;
  const y = at; at += 4 * 1024;
  for (let i = base / 4; i < at / 4; i++) f32[i] = ((i * 2654435761) % 1000) / 1e4 - 0.05;
  const timeSteps = (step) => {
    for (let i = 0; i < 300; i++) step();
    let best = 0;
    for (let r = 0; r < (quick ? 3 : 15); r++) {
      const t0 = now();
      for (let i = 0; i < 300; i++) step();
      best = Math.max(best, 300 / ((now() - t0) / 1e3));
    }
    return best;
  };
  const mv = timeSteps(() => { for (let j = 0; j < 5; j++) matvec(SHAPES[j][0], SHAPES[j][1], mats[j], x, y); });
  const n = Math.floor(STEP_BYTES / 4 / 16) * 16;
  const st = timeSteps(() => streamSum(base, n));
  log(`roofline (wasm SIMD128, the bench's own kernels): one step reads ${(STEP_BYTES / 1e6).toFixed(2)} MB, ${(STEP_FLOPS / 1e6).toFixed(2)} MFLOP`);
  log(`  matvec (4 rows, f32x4), the step's 5 products: ${(mv * STEP_FLOPS / 1e9).toFixed(1)} GFLOP/s ${(mv * STEP_BYTES / 1e9).toFixed(1)} GB/s -> <= ${mv.toFixed(0)} steps/s`);
  log(`  streaming read of 3.5 MB: ${(st * STEP_BYTES / 1e9).toFixed(1)} GB/s -> <= ${st.toFixed(0)} steps/s`);
  Object.assign(result, { roof_ref_steps: mv, roof_ref_gflops: mv * STEP_FLOPS / 1e9, roof_stream_steps: st, roof_stream_gbs: st * STEP_BYTES / 1e9 });
} else {
  log(`(no ${wasmPath}: build it with make bench)`);
}

// (2) recur itself on a model whose cost is one large matrix: a plain tanh RNN with hidden 936
// (W_hh 936 x 936 = 3.50 MB, as much as the workload's weights), embedding 1, 2 symbols.
// model.generate() (greedy) runs it step by step inside the engine, so steps/s x 3.5 MB is the
// bandwidth recur's gemv draws from this working set; / 3.52 MB gives the implied bound.
{
  const Hb = 936;
  const m = recur.createModel({ cell: 'rnn_tanh', vocab: ['a', 'b'], embeddingDim: 1, hiddenSize: Hb, numLayers: 1, seed: 1 });
  const bytes = 4 * (Hb * Hb + Hb + 2 * Hb + 2 * Hb + 2);
  for (let i = 0; i < 3; i++) m.generate({ length: 500, temperature: 0, prompt: 'a' });
  const rates = [];
  for (let r = 0; r < (quick ? 2 : 7); r++) {
    const t0 = now();
    m.generate({ length: 2000, temperature: 0, prompt: 'a' });
    rates.push(2000 / ((now() - t0) / 1e3));
  }
  const s = stats(rates).best;
  const gbs = s * bytes / 1e9;
  log(`  recur rnn_tanh H=936 generate: ${s.toFixed(0)} steps/s = ${(s * 2 * Hb * Hb / 1e9).toFixed(1)} GFLOP/s ${gbs.toFixed(1)} GB/s -> <= ${(gbs * 1e9 / STEP_BYTES).toFixed(0)} steps/s`);
  Object.assign(result, { roof_recur_bigmat_steps: gbs * 1e9 / STEP_BYTES, roof_recur_bigmat_gflops: s * 2 * Hb * Hb / 1e9, roof_recur_bigmat_gbs: gbs });
  m.dispose();
}
// The roofline is the best matrix-vector rate measured; the streaming read is the bandwidth ceiling.
result.roof_steps = Math.max(result.roof_ref_steps ?? 0, result.roof_recur_bigmat_steps);
log(`  roofline (best matrix-vector rate): ${result.roof_steps.toFixed(0)} steps/s`);
result.quick = quick;
report(result);
