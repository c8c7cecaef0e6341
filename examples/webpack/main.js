// recur-rnn in a page bundled by webpack (webpack.config.js: entry, output, no size hints): webpack
// finds recur-core.wasm through the package's new URL(..., import.meta.url) and emits it. The
// page shows a few characters from a freshly trained model, and errors in full.
import { loadRecur } from 'recur-rnn';

const out = document.getElementById('out');

async function main() {
  const recur = await loadRecur();
  const text = 'the cat sat on the mat. '.repeat(40);
  const model = recur.createModel({ vocab: text, hiddenSize: 32, embeddingDim: 8, seed: 1 });
  await model.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 }).fit(text, { steps: 200 });
  out.textContent = model.generate({ prompt: 'the ', length: 40, temperature: 0 });
  out.dataset.state = 'done';
  model.dispose();
}

main().catch((e) => {
  out.textContent = `${e.name} (${e.code ?? 'no code'}): ${e.message}`;
  out.dataset.state = 'error';
});
