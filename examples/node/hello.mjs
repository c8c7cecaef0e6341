// recur-rnn from Node, as an ES module: train a small character model on a line of text for a few
// seconds, then let it continue a prompt. Run: node hello.mjs
import { loadRecur } from 'recur-rnn';

const recur = await loadRecur();
const text = 'the cat sat on the mat. '.repeat(40);
const model = recur.createModel({ vocab: text, hiddenSize: 32, embeddingDim: 8, seed: 1 });
const { loss } = await model.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 }).fit(text, { steps: 200 });
console.log(`loss ${loss.toFixed(3)} nats/char after 200 steps`);
console.log(model.generate({ prompt: 'the ', length: 40, temperature: 0 }));
model.dispose();
