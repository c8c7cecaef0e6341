// make bench: runs every benchmark one after the other in this process tree (each in its own
// child process, so backends and JIT state do not mix), then prints a markdown report: the
// figures, ratios to recur-wasm, the rooflines, the performance targets, download sizes and the
// same-weights checks. The report also goes to bench/build/last-run.md.
//   node bench/run.mjs [--quick] [--only=native,wasm,tfjs-wasm,tfjs-cpu,ort,ort-node,brain,torch,browser]
import { spawnSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { here, root, quick } from './common.mjs';

// Debian's python3 (where python3-torch installs torch) first, as the PyTorch bridge's tests.
const torchPython = ['/usr/bin/python3', 'python3'].find((py) => {
  try { execSync(`${py} -c "import torch"`, { stdio: 'ignore' }); return true; } catch { return false; }
});

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const flags = quick ? ['--quick'] : [];
const node = process.execPath;
const BENCHES = [
  { key: 'native', label: 'recur native', cmd: [join(here, 'build/native_bench'), ...flags] },
  { key: 'wasm', label: 'recur wasm', cmd: [node, join(here, 'wasm_bench.mjs'), ...flags] },
  { key: 'ort', label: 'ORT Web (wasm)', cmd: [node, join(here, 'ort_bench.mjs'), ...flags] },
  { key: 'ort-node', label: 'onnxruntime-node', cmd: [node, join(here, 'ort_bench.mjs'), 'node', ...flags] },
  { key: 'tfjs-wasm', label: 'tfjs wasm', cmd: [node, join(here, 'tfjs_bench.mjs'), 'wasm', ...flags] },
  { key: 'tfjs-cpu', label: 'tfjs cpu', cmd: [node, join(here, 'tfjs_bench.mjs'), 'cpu', ...flags] },
  { key: 'brain', label: 'brain.js †', cmd: [node, join(here, 'brain_bench.mjs'), ...flags] },
  // Where Debian's python3-torch is installed (make test installs it; make bench does not).
  ...(torchPython ? [{ key: 'torch', label: 'PyTorch CPU', cmd: [torchPython, join(here, 'torch_bench.py'), ...flags] }] : []),
  // Not a column of the table: its own section below.
  { key: 'browser', label: 'recur stream() in Chromium', cmd: [node, join(here, 'browser_stream.mjs'), ...flags] },
].filter((b) => !only || only.includes(b.key));

// Files each library needs in a page (minified builds where the package ships them).
const nm = (p) => join(here, 'node_modules', p);
const DOWNLOADS = {
  native: null,
  'ort-node': null,
  wasm: [join(root, 'web/lib/recur.js'), join(root, 'web/lib/recur-core.mjs'), join(root, 'web/lib/recur-core.wasm')],
  ort: ['onnxruntime-web/dist/ort.wasm.min.mjs', 'onnxruntime-web/dist/ort-wasm-simd-threaded.mjs', 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'].map(nm),
  'tfjs-wasm': ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-layers/dist/tf-layers.min.js',
    '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js', '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'].map(nm),
  'tfjs-cpu': ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-layers/dist/tf-layers.min.js',
    '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js'].map(nm),
  brain: [nm('brain.js/browser.min.js')],
};

const recurTrain = () => {
  try {
    return execSync('ps -eo args', { encoding: 'utf8' }).split('\n').filter((l) => /recur train/.test(l) && !/grep/.test(l)).length;
  } catch { return -1; }
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const started = new Date();
const loadavg0 = loadavg()[0];
const loadBefore = load(), trainsBefore = recurTrain();
process.stderr.write(`make bench: load average ${loadBefore}, ${trainsBefore} 'recur train' process(es) running\n`);
const results = {}, loads = {};
for (const b of BENCHES) {
  process.stderr.write(`\n== ${b.label}: ${b.cmd.map((c) => c.replace(root + '/', '')).join(' ')}\n`);
  const l0 = loadavg()[0];
  const t0 = Date.now();
  const r = spawnSync(b.cmd[0], b.cmd.slice(1), { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  const line = (r.stdout ?? '').split('\n').find((s) => s.startsWith('@@RESULT '));
  if (r.status !== 0 || !line) {
    process.stderr.write(`!! ${b.label} failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''})\n${r.stdout ?? ''}\n`);
    continue;
  }
  results[b.key] = JSON.parse(line.slice(9));
  loads[b.key] = { before: l0, after: loadavg()[0], seconds: (Date.now() - t0) / 1e3 };
}
const loadAfter = load(), trainsAfter = recurTrain();

// ---- report ---------------------------------------------------------------------------------------
const fmt = (v, digits = 0) => (v === undefined || v === null || Number.isNaN(v) ? '—'
  : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits || (v >= 10 ? 1 : 2)));
const ratio = (v, ref) => (v === undefined || ref === undefined ? '' : ` (${(v / ref).toFixed(v / ref >= 10 ? 1 : 2)}×)`);
// recur.js is the package's readable source, which an app's production build minifies (terser, as
// Vite and webpack do); the other libraries ship theirs minified, and recur-core.mjs is already
// closure-compiled. So the table counts recur.js through terser, and `asInstalled` as it is.
const size = async (files) => {
  if (!files) return null;
  let bytes = 0, gz = 0, asInstalled = 0;
  for (const f of files) {
    if (!existsSync(f)) return null;
    const buf = readFileSync(f);
    const shipped = f.endsWith('/web/lib/recur.js') ? Buffer.from((await minify(buf.toString('utf8'), { module: true })).code) : buf;
    bytes += shipped.length;
    gz += gzipSync(shipped, { level: 9 }).length;
    asInstalled += gzipSync(buf, { level: 9 }).length;
  }
  return { bytes, gz, asInstalled };
};
const cols = BENCHES.filter((b) => results[b.key] && b.key !== 'browser');
const W = results.wasm ?? {};
const row = (title, key, { digits } = {}) => {
  const cells = cols.map((b) => {
    const v = results[b.key][key];
    if (v === undefined) return '—';
    return fmt(v, digits) + (b.key === 'wasm' ? '' : ratio(v, W[key]));
  });
  return `| ${title} | ${cells.join(' | ')} |`;
};
const out = [];
const cpuModel = (() => { try { return execSync('lscpu', { encoding: 'utf8' }).match(/Model name:\s*(.*)/)[1].trim(); } catch { return cpus()[0]?.model; } })();
out.push(`## make bench — ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC${quick ? ' (--quick: fewer repetitions)' : ''}`);
out.push('');
out.push(`CPU: ${cpuModel}, ${cpus().length} cores; Node ${process.version}; single thread everywhere but the "2 threads" rows. ` +
  `Load average (1, 5, 15 min) before: ${loadBefore}, after: ${loadAfter}; 'recur train' processes running: ${trainsBefore} before, ${trainsAfter} after.`);
// Idle: load below 0.5 before the run; during it the bench itself (one busy thread) adds ~1, and
// the two-thread rows of the native, wasm and PyTorch benches ~2.
const busy = (key) => (['native', 'wasm', 'torch'].includes(key) ? 2.5 : 1.5);
const loaded = loadavg0 > 0.5 || Object.entries(loads).some(([k, l]) => Math.max(l.before, l.after) > busy(k)) || trainsBefore > 0 || trainsAfter > 0;
out.push('', loaded
  ? '**Taken under load** (load average above 0.5 before the run or, during it, above 1.5 — the bench itself adds ~1, ~2 with two threads, where the bound is 2.5 — or trainings running): the figures are lower bounds, ratios between libraries are indicative only.'
  : 'Taken on an idle machine (load average below 0.5 before the run and below 1.5 during it, 2.5 for the benches with two-thread rows; no trainings running).');
out.push('');
out.push('Workload char-lstm-256x2: V 96, E 64, 2 × LSTM 256, head 256 → 96, float32, random seeded weights; GRU and RNN (tanh) variants have the same sizes. ' +
  'Transformer: char-transformer-128x4, d 128, 4 layers, 4 heads, feed-forward 512, window 256, post-norm, ReLU (817,760 parameters against the LSTM\'s 886,880); ' +
  'its generation runs whole windows from an empty cache (positions 0–255, a step\'s cost growing with its position) in blocks of 1,024 steps (ORT after 2,048 warm-up steps), its training 16 windows of 128 per step; ' +
  'its int8 row includes making the int8 copies again at each window\'s reset, as each generate() call does. ' +
  'Figures are the best of several timed blocks after warm-up (generation: 1,000 steps each after 50 warm-up steps, ORT after 2,000; training: single steps after 1–2 warm-up steps); ' +
  '"cold" is the warm-up itself (first 50 steps / first training step / first call). (×) is each figure divided by recur wasm\'s.');
out.push('');
out.push(`| | ${cols.map((b) => b.label).join(' | ')} |`);
out.push(`|---|${cols.map(() => '---:').join('|')}|`);
out.push(row('generation LSTM, steps/s', 'gen_lstm'));
out.push(row('  cold (first 50 steps)', 'gen_lstm_cold'));
out.push(row('generation LSTM int8, steps/s', 'gen_lstm_int8'));
out.push(row('generation GRU, steps/s', 'gen_gru'));
out.push(row('generation RNN, steps/s', 'gen_rnn'));
out.push(row('generation Transformer, steps/s', 'gen_transformer'));
out.push(row('generation Transformer int8, steps/s', 'gen_transformer_int8'));
out.push(row('training LSTM, chars/s', 'train_lstm'));
out.push(row('  cold (first step)', 'train_lstm_cold'));
out.push(row('training GRU, chars/s', 'train_gru'));
out.push(row('training RNN, chars/s', 'train_rnn'));
out.push(row('training Transformer, chars/s', 'train_transformer'));
out.push(row('generation LSTM, 2 threads, steps/s', 'gen_lstm_2t'));
out.push(row('generation LSTM int8, 2 threads, steps/s', 'gen_lstm_int8_2t'));
out.push(row('training LSTM, 2 threads, chars/s', 'train_lstm_2t'));
out.push(row('training Transformer, 2 threads, chars/s', 'train_transformer_2t'));
out.push(row('tagger 1×128 predict(100 chars), ms (median)', 'tagger_ms', { digits: 3 }));
out.push(`| same-weights check, max rel. error vs recur | ${cols.map((b) => {
  const r = results[b.key];
  if (b.key === 'brain') return 'n/a (different cell)';
  if (b.key === 'native') {
    if (!r.check_probs || !W.check_probs) return '—';
    let e = 0;
    r.check_probs.forEach((p, i) => { e = Math.max(e, Math.abs(p - W.check_probs[i]) / W.check_probs[i]); });
    return `${e.toExponential(1)} (vs wasm)`;
  }
  if (b.key === 'wasm') return `${(r.check_feed_vs_predict ?? NaN).toExponential(1)} (feed vs predict)`;
  return ['lstm', 'gru', 'rnn', 'transformer'].filter((c) => r[`check_${c}`] !== undefined).map((c) => `${c} ${r[`check_${c}`].toExponential(1)}`).join(', ') || '—';
}).join(' | ')} |`);
out.push(`| CPU time / wall time, generation LSTM | ${cols.map((b) => (results[b.key].cpu_share_lstm ? results[b.key].cpu_share_lstm.toFixed(2) : '—')).join(' | ')} |`);
const sizes = Object.fromEntries(await Promise.all(cols.map(async (b) => [b.key, await size(DOWNLOADS[b.key])])));
out.push(`| download, bytes | ${cols.map((b) => (sizes[b.key] ? sizes[b.key].bytes.toLocaleString('en-US') : '—')).join(' | ')} |`);
out.push(`| download, gzip -9 | ${cols.map((b) => (sizes[b.key] ? sizes[b.key].gz.toLocaleString('en-US') + (b.key === 'wasm' || !sizes.wasm ? '' : ` (${(sizes[b.key].gz / sizes.wasm.gz).toFixed(2)}×)`) : '—')).join(' | ')} |`);
if (sizes.wasm) out.push('', `recur's download counts recur.js minified by terser, as an app's production build ships it; as installed (unminified, with its comments) the three files are ${sizes.wasm.asInstalled.toLocaleString('en-US')} bytes gzipped.`);
out.push('');
out.push('† brain.js recurrent.LSTM is not a standard LSTM (its forget gate multiplies the previous hidden output; no cell state), has an END token among its 96 outputs, ' +
  'samples inside net.run() and trains one sequence at a time with RMSProp: same sizes, not the same network.');
out.push('Notes: recur wasm generation is model.feed(one character) → 96 probabilities → sampled in JS (the public API per step)' +
  '; "int8" is the same model loaded with { precision: \'int8\' } (int8 weights with a scale per row, integer dot products)' +
  (W.gen_lstm_engine ? `; inside the engine (model.generate()) it runs ${fmt(W.gen_lstm_engine)} steps/s` : '') + '. ' +
  'TensorFlow.js: layers API, stateful model.predict() per step; training with tf.variableGrads + Adam + global-norm clipping, one-hot input into a bias-free Dense(64) instead of an Embedding ' +
  '(tfjs-wasm has no UnsortedSegmentSum kernel, so its Embedding cannot train; the cpu backend uses the same graph), zero start state per batch; tfjs has no GRU with reset_after (PyTorch\'s GRU), so no GRU column. ' +
  'ONNX Runtime Web: one session.run() per step with the state through initial_h/initial_c, numThreads 1; it cannot train from JS; its check covers both one run over the whole text and the step-by-step state loop. ' +
  'The Transformer\'s peers are hand-written (bench/peer_transformer.mjs): ONNX and tfjs generation keep a key/value cache that grows by Concat each step (as exported decoders do), recur\'s grows by doubling; tfjs trains a whole-window graph of its ops; ' +
  'PyTorch\'s nn.TransformerEncoder has no key/value cache, so it has no Transformer generation figure. ' +
  'CPU time / wall time above 1 (measured with process.cpuUsage over the timed blocks) is V8\'s own background threads (garbage collection, compilation), not compute threads.');
out.push('');

// Rooflines.
const N = results.native ?? {};
out.push('### Roofline (batch-1 generation streams the weights: 3.52 MB per step, 1.75 MFLOP)');
out.push('');
if (N.roof_steps) {
  out.push(`- native (${N.arch}): recur's gemv over the step's five matrices ${fmt(N.roof_recur_gemv_gflops)} GFLOP/s → ≤ ${fmt(N.roof_recur_gemv_steps)} steps/s; ` +
    `the bench's reference matvec ${fmt(N.roof_ref_gflops)} GFLOP/s → ≤ ${fmt(N.roof_ref_steps)} steps/s; streaming read of 3.5 MB ${fmt(N.roof_stream_gbs)} GB/s → ≤ ${fmt(N.roof_stream_steps)} steps/s (bandwidth ceiling). ` +
    `**Roofline ${fmt(N.roof_steps)} steps/s; recur native generation reaches ${(100 * N.gen_lstm / N.roof_steps).toFixed(0)}% of it** (${(100 * N.gen_lstm / N.roof_stream_steps).toFixed(0)}% of the bandwidth ceiling).`);
}
if (N.roof_steps || W.roof_steps) {
  out.push('- recur folds layer 0\'s input projection into a per-symbol table (b_ih + W_ih E[v], engine/layers/embedding_fold.h), so its own step streams 3.26 MB, not 3.52: ' +
    'its float32 bound is the roofline × 1.08; the roofline figures here stay those of the workload as the other libraries run it.');
}
if (W.roof_steps) {
  out.push(`- wasm SIMD128: the bench's own matvec (roofline_wasm.c, emcc) ${fmt(W.roof_ref_gflops)} GFLOP/s → ≤ ${fmt(W.roof_ref_steps)} steps/s; ` +
    `streaming read ${fmt(W.roof_stream_gbs)} GB/s → ≤ ${fmt(W.roof_stream_steps)} steps/s (bandwidth ceiling); ` +
    `estimate from recur itself (generate() on a tanh RNN whose cost is one 936×936 = 3.5 MB matrix: steps/s × 3.5 MB = ${fmt(W.roof_recur_bigmat_gbs)} GB/s, ${fmt(W.roof_recur_bigmat_gflops)} GFLOP/s) → ≤ ${fmt(W.roof_recur_bigmat_steps)} steps/s. ` +
    `**Roofline ${fmt(W.roof_steps)} steps/s; recur wasm generation reaches ${(100 * W.gen_lstm / W.roof_steps).toFixed(0)}% of it through feed()` +
    (W.gen_lstm_engine ? `, ${(100 * W.gen_lstm_engine / W.roof_steps).toFixed(0)}% inside the engine` : '') + '**.');
}
out.push('');

if (N.batch_float32_1 || W.batch_float32_1) {
  out.push('### Batched generation (generate({ count: N }) inside the engine, symbols per second over all N samples)');
  out.push('');
  out.push('| N | native float32 | native int8 | wasm float32 | wasm int8 |');
  out.push('|---:|---:|---:|---:|---:|');
  const cell = (r, p, n) => (r[`batch_${p}_${n}`] ? `${fmt(r[`batch_${p}_${n}`])} (${(r[`batch_${p}_${n}`] / r[`batch_${p}_1`]).toFixed(2)}×)` : '—');
  for (const n of [1, 2, 4, 8]) out.push(`| ${n} | ${cell(N, 'float32', n)} | ${cell(N, 'int8', n)} | ${cell(W, 'float32', n)} | ${cell(W, 'int8', n)} |`);
  out.push('');
  out.push('(×) is each figure divided by the same column at N = 1.');
  out.push('');
}

const B = results.browser;
if (B) {
  out.push('### stream() against generate() in headless Chromium (the same model, seed and length, alternately)');
  out.push('');
  out.push(`- recur.js in a module Worker: generate() ${fmt(B.generate_worker)} symbols/s, stream() ${fmt(B.stream_worker)} (${(100 * B.stream_worker / B.generate_worker).toFixed(1)}%)`);
  out.push(`- recur-rnn/worker from the page: generate() ${fmt(B.generate_api)} symbols/s, stream() ${fmt(B.stream_api)} (${(100 * B.stream_api / B.generate_api).toFixed(1)}%)`);
  out.push('');
}

// The performance targets the project set itself.
const T = [];
const target = (name, ok, detail) => T.push(`- ${ok === undefined ? '?' : ok ? 'met' : '**missed**'}: ${name} — ${detail}`);
const tw = results['tfjs-wasm'], tc = results['tfjs-cpu'], ort = results.ort;
if (W.gen_lstm && tw) target('wasm generation ≥ 4× tfjs wasm', W.gen_lstm >= 4 * tw.gen_lstm, `${(W.gen_lstm / tw.gen_lstm).toFixed(2)}×`);
if (W.gen_lstm && ort) target('wasm generation ≥ 1.7× ORT Web', W.gen_lstm >= 1.7 * ort.gen_lstm, `${(W.gen_lstm / ort.gen_lstm).toFixed(2)}×`);
if (W.gen_lstm_int8 && ort) target('wasm int8 generation ≥ 2× ORT Web (1 thread)', W.gen_lstm_int8 >= 2 * ort.gen_lstm, `${(W.gen_lstm_int8 / ort.gen_lstm).toFixed(2)}×`);
for (const [where, r, goal] of [['native', N, 2], ['wasm', W, 1.4]])
  for (const p of ['float32', 'int8'])
    if (r[`batch_${p}_8`]) target(`${where} ${p} batched generation at N = 8 ≥ ${goal}× one sample`, r[`batch_${p}_8`] >= goal * r[`batch_${p}_1`],
      `${(r[`batch_${p}_8`] / r[`batch_${p}_1`]).toFixed(2)}×`);
if (W.gen_lstm && W.roof_steps) target('wasm generation ≥ 75% of the wasm roofline', W.gen_lstm >= 0.75 * W.roof_steps, `${(100 * W.gen_lstm / W.roof_steps).toFixed(0)}%`);
if (N.gen_lstm && N.roof_steps) target('native generation ≥ 75% of the native roofline', N.gen_lstm >= 0.75 * N.roof_steps, `${(100 * N.gen_lstm / N.roof_steps).toFixed(0)}%`);
if (W.train_lstm && (tw || tc)) {
  const best = Math.max(tw?.train_lstm ?? 0, tc?.train_lstm ?? 0);
  target('wasm training ≥ 10× tfjs\'s fastest backend', W.train_lstm >= 10 * best, `${(W.train_lstm / best).toFixed(1)}×`);
}
if (W.train_lstm && N.train_lstm) target('native training ≥ 2× wasm', N.train_lstm >= 2 * W.train_lstm, `${(N.train_lstm / W.train_lstm).toFixed(2)}×`);
const pt = results.torch;
if (pt && N.train_lstm) target('native training ≥ 15× PyTorch CPU (one thread)', N.train_lstm >= 15 * pt.train_lstm, `${(N.train_lstm / pt.train_lstm).toFixed(1)}×`);
if (N.train_lstm_2t) target('native training, 2 threads ≥ 1.7× one thread', N.train_lstm_2t >= 1.7 * N.train_lstm, `${(N.train_lstm_2t / N.train_lstm).toFixed(2)}×`);
if (pt?.train_lstm_2t && N.train_lstm_2t) target('native training ≥ 15× PyTorch CPU (two threads each)', N.train_lstm_2t >= 15 * pt.train_lstm_2t, `${(N.train_lstm_2t / pt.train_lstm_2t).toFixed(1)}×`);
for (const [where, r] of [['native', N], ['wasm', W]])
  if (r.gen_lstm_2t) target(`${where} generation, 2 threads ≥ 1.6× one thread`, r.gen_lstm_2t >= 1.6 * r.gen_lstm, `${(r.gen_lstm_2t / r.gen_lstm).toFixed(2)}×`);
if (W.train_lstm_2t) target('wasm training, 2 threads ≥ 1.7× one thread', W.train_lstm_2t >= 1.7 * W.train_lstm, `${(W.train_lstm_2t / W.train_lstm).toFixed(2)}×`);
if (tw && W.train_lstm) {
  const best = Math.max(W.train_lstm, W.train_lstm_2t ?? 0);
  target('wasm training ≥ 20× tfjs wasm (recur with threads where it has them)', best >= 20 * tw.train_lstm, `${(best / tw.train_lstm).toFixed(1)}×`);
}
if (sizes.wasm) target('wasm + JS download < 150 KB gzip (recur.js minified)', sizes.wasm.gz < 150 * 1024, `${(sizes.wasm.gz / 1024).toFixed(1)} KiB; ${(sizes.wasm.asInstalled / 1024).toFixed(1)} KiB as installed`);
if (B) target('stream() ≥ 90% of generate() in a browser worker', Math.min(B.stream_worker / B.generate_worker, B.stream_api / B.generate_api) >= 0.9,
  `${(100 * B.stream_worker / B.generate_worker).toFixed(1)}% in a Worker, ${(100 * B.stream_api / B.generate_api).toFixed(1)}% through recur-rnn/worker`);
if (W.tagger_ms) target('tagger predict(100 chars) < 1 ms in wasm', W.tagger_ms < 1, `${W.tagger_ms.toFixed(3)} ms`);
out.push('### Targets');
out.push('');
out.push(...T);
out.push('');
out.push('Versions: ' + [results['tfjs-wasm'] ?? results['tfjs-cpu'] ? `@tensorflow/tfjs ${(results['tfjs-wasm'] ?? results['tfjs-cpu']).version}` : null,
  ort ? `onnxruntime-web ${ort.version}` : null, results['ort-node'] ? `onnxruntime-node ${results['ort-node'].version}` : null, results.brain ? `brain.js ${results.brain.version}` : null,
  pt ? `PyTorch ${pt.version} (Debian's python3-torch, ${pt.threads} thread)` : null,
  `recur wasm simdArch ${W.simdArch ?? '?'}, native ${N.arch ?? '?'}`].filter(Boolean).join(', ') + '. ' +
  `Seconds per bench: ${Object.entries(loads).map(([k, l]) => `${k} ${l.seconds.toFixed(0)}`).join(', ')}.`);

const md = out.join('\n') + '\n';
process.stdout.write('\n' + md);
mkdirSync(join(here, 'build'), { recursive: true });
writeFileSync(join(here, 'build/last-run.md'), md);
writeFileSync(join(here, 'build/last-run.json'), JSON.stringify({ started, loadBefore, loadAfter, loads, results }, null, 1));
if (BENCHES.some((b) => !results[b.key])) process.exitCode = 1;  // a bench failed
