// brain.js's recurrent.LSTM at the workload's sizes: node brain_bench.mjs [--quick]
// NOT a standard LSTM: its "retain" term is forgetGate * previous hidden output (no cell state is
// carried), it has no embedding layer of its own choosing (a lookup matrix of inputRange + 1 rows
// of inputSize) and an END token at output 0; it trains one sequence at a time with RMSProp and
// element-wise clipping. So there is no same-weights check: sizes only (embedding 64, 2 x 256,
// 96 outputs including END), timing as the library allows:
// - generation: net.run(prompt, sample = true) steps until END or maxPredictionLength (1,000),
//   sampling inside the library; steps counted over several calls;
// - training: net.trainPattern(64 ids): one sequence of 64 per step (batch 1).
import { createRequire } from 'node:module';
import { quick, now, rng, stats, log, report } from './common.mjs';

const require = createRequire(import.meta.url);
const brain = require('brain.js');
const version = require('brain.js/package.json').version;
log(`brain.js ${version} recurrent.LSTM (not a standard LSTM: no cell state)`);
const result = { bench: 'brain-js', version, note: 'recurrent.LSTM: not a standard LSTM' };

const net = new brain.recurrent.LSTM({ inputSize: 64, inputRange: 95, hiddenLayers: [256, 256], outputSize: 95, maxPredictionLength: 1000 });
net.initialize();
net.bindEquation();

// Generation.
const u = rng(5);
const gen = (minSteps) => {
  let steps = 0;
  const t0 = now();
  while (steps < minSteps) steps += net.run([Math.floor(u() * 95)], true).length + 2;
  return steps / ((now() - t0) / 1e3);
};
const cold = gen(50);
gen(300);
const g = stats(Array.from({ length: quick ? 1 : 3 }, () => gen(quick ? 300 : 1000)));
log(`gen   lstm  ${g.best.toFixed(0).padStart(8)} steps/s best ${g.median.toFixed(0).padStart(8)} median ${cold.toFixed(0).padStart(8)} cold (first 50)`);
Object.assign(result, { gen_lstm: g.best, gen_lstm_median: g.median, gen_lstm_cold: cold });

// Training: 64-symbol sequences, one at a time.
const seq = () => Array.from({ length: 64 }, () => Math.floor(u() * 95));
let t0 = now();
net.trainPattern(seq());
const tcold = 64 / ((now() - t0) / 1e3);
const rates = [];
for (let r = 0; r < (quick ? 2 : 6); r++) {
  t0 = now();
  net.trainPattern(seq());
  rates.push(64 / ((now() - t0) / 1e3));
}
const t = stats(rates);
log(`train lstm  ${t.best.toFixed(0).padStart(8)} chars/s best ${t.median.toFixed(0).padStart(8)} median ${tcold.toFixed(0).padStart(8)} cold (first step) [batch 1, RMSProp]`);
Object.assign(result, { train_lstm: t.best, train_lstm_median: t.median, train_lstm_cold: tcold });
result.quick = quick;
report(result);
