// recur-rnn/worker from a plain page: the engine runs in a module Worker, every call is a Promise,
// and the page stays responsive while it trains. Serve this folder (with node_modules) and open it;
// served with the headers that make it cross-origin isolated, the engine runs on two threads.
import { loadRecurWorker, RecurError } from 'recur-rnn/worker';

const out = document.getElementById('out');

async function main() {
  const recur = await loadRecurWorker({ threads: 2 });
  const text = 'the cat sat on the mat. '.repeat(40);
  const model = await recur.createModel({ vocab: text, hiddenSize: 32, embeddingDim: 8, seed: 1 });
  const trainer = await model.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 });
  let reports = 0;
  await trainer.fit(text, { steps: 200, onProgress: () => { reports++; } });

  let streamed = '';
  for await (const piece of model.stream({ prompt: 'the ', length: 40, temperature: 0 })) streamed += piece;
  const whole = await model.generate({ prompt: 'the ', length: 40, temperature: 0 });
  // Leaving a stream early stops it in the worker, which then takes the next call.
  for await (const piece of model.stream({ length: 1000000 })) { if (piece) break; }
  const after = await model.generate({ length: 5, seed: 2 });
  // Engine errors keep their class and code across the worker boundary.
  const error = await model.predict('').catch((e) => e);
  // A long text in slices, with progress; an AbortSignal stops it in the worker.
  const long = text.repeat(50);
  let progress = 0;
  const p = await model.predictAsync(long, { onProgress: ({ loaded, total }) => { progress = loaded / total; } });
  const ctrl = new AbortController();
  // Ten times longer, so that the abort reaches the worker long before it could finish.
  const stopped = await model.predictAsync(long.repeat(10), { signal: ctrl.signal, onProgress: () => ctrl.abort() })
    .then(() => 'finished', (e) => e.name);
  // `await using copy = ...` would do the same: Symbol.asyncDispose frees it in the worker.
  const copy = await recur.loadModel(await model.save());
  await copy[Symbol.asyncDispose]();
  // int8 weights: faster generation; count: samples side by side (sample i uses seed + i).
  const fast = await recur.loadModel(await model.save(), { precision: 'int8' });
  const samples = await fast.generate({ prompt: 'the ', length: 20, seed: 3, count: 2 });
  const second = await fast.generate({ prompt: 'the ', length: 20, seed: 4 });
  await fast.dispose();
  const disposed = await copy.generate({ length: 5 }).then(() => 'still alive', (e) => e.message);

  out.textContent = whole;
  out.dataset.checks = JSON.stringify({
    streamed, whole, reports, after: Array.from(after).length, simdArch: recur.simdArch, threads: recur.threads, disposed,
    longRows: p.rows, progress, stopped, precisions: recur.precisions, precision: fast.precision,
    samples: samples.length, sampleIsSeedPlusOne: samples[1] === second,
    error: { isRecurError: error instanceof RecurError, name: error.name, code: error.code, message: error.message },
  });
  out.dataset.state = 'done';
  await model.dispose();
  recur.terminate();
}

main().catch((e) => {
  out.textContent = `${e.name} (${e.code ?? 'no code'}): ${e.message}`;
  out.dataset.state = 'error';
});
