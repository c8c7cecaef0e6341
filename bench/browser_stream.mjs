// stream() against generate() in headless Chromium, side by side in one run: the same model,
// seed and length, timed alternately (a) inside a dedicated module Worker that imports recur.js,
// and (b) from the page through recur-rnn/worker (every piece a message). stream() yields to the
// event loop every ~8 ms, so it may cost a little; this prints how much.
//   node bench/browser_stream.mjs [--quick]     (needs make build and tests/e2e's playwright-core)
import { launch, missingPrerequisite, startServer } from '../tests/e2e/harness.mjs';
import { quick, VOCAB, E, H, L } from './common.mjs';

const why = missingPrerequisite();
if (why) {
  console.error(`browser_stream: ${why}`);
  process.exit(1);
}

const N = quick ? 5000 : 20000;  // symbols per timed run
const ROUNDS = quick ? 1 : 3;
const config = { vocab: VOCAB, embeddingDim: E, hiddenSize: H, numLayers: L, seed: 1 };
const log = (s) => process.stderr.write(`${s}\n`);

// Runs in the browser: times a model's two calls after a warm-up, the best of ROUNDS each.
async function measure({ origin, N, ROUNDS, config }) {
  const timeBoth = async (model) => {
    const best = { generate: 0, stream: 0 };
    let same = true;
    await model.generate({ length: 2000 });  // warm-up: the wasm tiers up on its first calls
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      const whole = await model.generate({ length: N, seed: r });
      best.generate = Math.max(best.generate, N / ((performance.now() - t) / 1e3));
      t = performance.now();
      let streamed = '';
      for await (const piece of model.stream({ length: N, seed: r })) streamed += piece;
      best.stream = Math.max(best.stream, N / ((performance.now() - t) / 1e3));
      same &&= streamed === whole;
    }
    return { ...best, same };
  };

  // (a) recur.js inside a dedicated module Worker of our own.
  const source = `import { loadRecur } from '${origin}lib/recur.js';
    const N = ${N}, ROUNDS = ${ROUNDS};
    const recur = await loadRecur();
    const model = recur.createModel(${JSON.stringify(config)});
    const timeBoth = ${timeBoth.toString()};
    postMessage(await timeBoth(model));`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const inWorker = await new Promise((resolve, reject) => {
    const w = new Worker(url, { type: 'module' });
    w.onmessage = (e) => { resolve(e.data); w.terminate(); };
    w.onerror = (e) => reject(new Error(e.message));
  });

  // (b) the package's worker API from the page.
  const { loadRecurWorker } = await import(`${origin}lib/worker.js`);
  const recur = await loadRecurWorker();
  const remote = await recur.createModel(config);
  const throughApi = await timeBoth(remote);
  recur.terminate();
  return { inWorker, throughApi };
}

const server = await startServer();
const browser = await launch();
try {
  const origin = server.url;
  await browser.page.route(`${origin}bench-stream.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await browser.page.goto(`${origin}bench-stream.html`);
  const r = await browser.page.evaluate(measure, { origin, N, ROUNDS, config });
  const line = (name, m) => log(`${name}: generate() ${m.generate.toFixed(0)} symbols/s, stream() ${m.stream.toFixed(0)} symbols/s ` +
    `= ${(100 * m.stream / m.generate).toFixed(1)} % (same text: ${m.same})`);
  log(`char-lstm-256x2, ${N} symbols per run, best of ${ROUNDS}, Chromium ${browser.context.browser()?.version() ?? ''}`);
  line('recur.js in a module Worker', r.inWorker);
  line('recur-rnn/worker from the page', r.throughApi);
  if (!r.inWorker.same || !r.throughApi.same) throw new Error('stream() and generate() gave different texts');
  console.log(`@@RESULT ${JSON.stringify({
    stream_worker: r.inWorker.stream, generate_worker: r.inWorker.generate,
    stream_api: r.throughApi.stream, generate_api: r.throughApi.generate,
  })}`);
} finally {
  await browser.close();
  await server.stop();
}
