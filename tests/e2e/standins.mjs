// Stand-in models for developing and testing the demo before the real ones are trained.
// They are tiny, trained for seconds with the JS API, and never leave build/.
//
//   node tests/e2e/standins.mjs [outdir]     (default build/e2e/standins)
//
// writes <outdir>/src/<name>/model.safetensors for en-fortunes-lstm, zh-poetry-lstm and the six
// apple taggers, then <outdir>/models/ as web/prepare-models.mjs does. Serve them with
// `node web/server.mjs web 8080 --models <outdir>/models`, or run the e2e tests with
// RECUR_E2E_MODELS=<outdir>/models.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecur } from '../../web/lib/recur.js';
import { findMentions, rng } from '../../web/apple-text.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');

/** A small trained lm as .safetensors bytes (for the e2e test's file input). */
export async function tinyLm(recur, text, { steps = 40, hidden = 32, cell = 'lstm', seed = 1 } = {}) {
  const model = recur.createModel({ vocab: text, cell, hiddenSize: hidden, embeddingDim: 16, seed });
  await model.trainer({ seqLen: 32, batchSize: 8, lr: 0.01, seed }).fit(text, { steps });
  const bytes = model.save();
  model.dispose();
  return bytes;
}

function card(dir, text) {
  writeFileSync(path.join(dir, 'README.md'), `# ${path.basename(dir)} (stand-in)\n\n${text}\n`);
}

// The memory probes (a cue word, neutral text, a mention), read once.
const PROBES = readFileSync(path.join(repo, 'tests', 'apple', 'memory-probes.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).filter((p) => p.nominal <= 100);

function taggerExamples(n, seed) {
  const r = rng(seed);
  const out = [];
  const fixed = [
    ['I like eating apple!', 'fruit'], ['The Apple is a great company!', 'company'],
    ['快过圣诞节了,好想要一个苹果', 'fruit'], ['手机坏了,好想要一个苹果', 'company'],
  ];
  const label = (text, sense) => {
    const labels = Array.from(text, () => 'O');
    for (const m of findMentions(text)) for (let i = m.start; i <= m.end; i++) labels[i] = sense;
    return { text, labels };
  };
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) { const [t, s] = fixed[(i / 10) % fixed.length]; out.push(label(t, s)); continue; }
    const p = PROBES[Math.floor(r() * PROBES.length)];
    out.push(label(p.text, p.sense));
  }
  return out;
}

async function main() {
  const outDir = path.resolve(process.argv[2] ?? path.join(repo, 'build', 'e2e', 'standins'));
  const recur = await loadRecur();
  const t0 = Date.now();
  const write = (name, bytes, text) => {
    const dir = path.join(outDir, 'src', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model.safetensors'), bytes);
    card(dir, text);
    console.log(`${name}: ${bytes.length} bytes (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };

  const read = (file, fallback) => (existsSync(file) ? readFileSync(file, 'utf8').slice(0, 60000) : fallback);
  const en = read(path.join(repo, 'build', 'data', 'en.train.txt'), readFileSync('/usr/share/common-licenses/GPL-3', 'utf8').slice(0, 60000));
  const zh = read(path.join(repo, 'build', 'data', 'zh.train.txt'), PROBES.filter((p) => p.lang === 'zh').map((p) => p.text).join('\n'));
  for (const [name, text] of [['en-fortunes-lstm', en], ['zh-poetry-lstm', zh]]) {
    const model = recur.createModel({ vocab: text, cell: 'lstm', numLayers: 2, hiddenSize: 64, embeddingDim: 32, seed: 1 });
    await model.trainer({ seqLen: 64, batchSize: 16, lr: 0.005, seed: 1 }).fit(text, { steps: 150 });
    write(name, model.save(), 'A stand-in language model trained for seconds with the JS API, for tests only.');
    model.dispose();
  }

  const examples = taggerExamples(3000, 7);
  const vocab = [...new Set(Array.from(examples.map((e) => e.text).join('')))].sort();
  const taggers = [['apple-rnn', 'rnn_tanh', false], ['apple-lstm', 'lstm', false], ['apple-gru', 'gru', false],
    ['apple-bilstm', 'lstm', true], ['apple-transformer', 'transformer', false], ['apple-bitransformer', 'transformer', true]];
  for (const [name, cell, bidirectional] of taggers) {
    const shape = cell === 'transformer' ? { hiddenSize: 32, numHeads: 2, ffSize: 64, maxLen: 512, numLayers: 2 }
      : { hiddenSize: 32, embeddingDim: 16 };
    const model = recur.createModel({
      task: 'tagger', cell, bidirectional, vocab: ['<unk>', ...vocab], labels: ['O', 'fruit', 'company'], ...shape, seed: 1,
    });
    await model.trainer({ batchSize: 16, lr: 0.01, seed: 1 }).fit(examples, { steps: 1200 });
    write(name, model.save(), `A stand-in ${cell}${bidirectional ? ' (bidirectional)' : ''} tagger trained for seconds on memory probes, for tests only.`);
    model.dispose();
  }
  execFileSync(process.execPath, [path.join(repo, 'web', 'prepare-models.mjs'), '--src', path.join(outDir, 'src'), '--out', path.join(outDir, 'models')], { stdio: 'inherit' });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
