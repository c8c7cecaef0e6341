// Worker side of worker.test.mjs: runs the API inside a node:worker_threads Worker and posts
// the results back. workerData: {golden: Uint8Array (a model file), text: string}.
import { parentPort, workerData } from 'node:worker_threads';

import { loadRecur } from '../../web/lib/recur.js';

try {
  const recur = await loadRecur();
  const golden = recur.loadModel(workerData.golden);
  const p = golden.predict(workerData.text);
  const created = recur.createModel({ cell: 'gru', vocab: 'abc 明月', hiddenSize: 6, embeddingDim: 3, seed: 7 });
  const q = created.predict('明月 abc');
  const result = {
    simdArch: recur.simdArch,
    golden: { rows: p.rows, cols: p.cols, probs: p.probs },
    created: { rows: q.rows, probs: q.probs, text: created.generate({ prompt: '明', length: 12, seed: 5 }), file: created.save() },
  };
  golden.dispose();
  created.dispose();
  parentPort.postMessage(result, [p.probs.buffer, q.probs.buffer]);
} catch (e) {
  parentPort.postMessage({ error: `${e.name}: ${e.message}` });
}
