// recur-rnn from CommonJS (Node 20.19 or later can require() an ES module): the same as hello.mjs.
// Run: node hello.cjs
const { loadRecur } = require('recur-rnn');

async function main() {
  const recur = await loadRecur();
  const text = 'the cat sat on the mat. '.repeat(40);
  const model = recur.createModel({ vocab: text, hiddenSize: 32, embeddingDim: 8, seed: 1 });
  const { loss } = await model.trainer({ seqLen: 16, batchSize: 8, lr: 0.01, seed: 1 }).fit(text, { steps: 200 });
  console.log(`loss ${loss.toFixed(3)} nats/char after 200 steps`);
  console.log(model.generate({ prompt: 'the ', length: 40, temperature: 0 }));
  model.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
