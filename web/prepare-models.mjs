#!/usr/bin/env node
// Copies the shipped models into the demo site and lists them for the page.
//
//   node web/prepare-models.mjs [--src models] [--out web/models] [--f32]
//
// For every <src>/<name>/model.safetensors that exists: writes it to <out>/<name>.safetensors made
// small to download (compact-weights.mjs: matrices as I8 with row scales, vectors as F16; --f32
// copies it as it is) and lists it in <out>/index.json with its task, cell and size (read from the
// file's header) and a one-line description from the model card (<src>/<name>/README.md or
// MODEL_CARD.md / CARD.md), if there is one. Models that are not there are simply not listed:
// the page says "not available in this build". Files in <out> that are no longer shipped are removed.
// Also copies the memory experiment's probes, tests/apple/memory-probes.jsonl.
import { copyFile, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compactWeights } from './compact-weights.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const src = path.resolve(opt('--src', path.join(here, '..', 'models')));
const out = path.resolve(opt('--out', path.join(here, 'models')));
const keepF32 = args.includes('--f32');

/** The safetensors header's __metadata__ (config, vocab, labels), without reading the tensors. */
async function readMeta(file) {
  const fh = await open(file, 'r');
  try {
    const lenBuf = Buffer.alloc(8);
    await fh.read(lenBuf, 0, 8, 0);
    const n = Number(lenBuf.readBigUInt64LE(0));
    const { size } = await fh.stat();
    if (!(n > 1 && n <= 100e6 && 8 + n <= size)) throw new Error(`bad header length ${n}`);
    const head = Buffer.alloc(n);
    await fh.read(head, 0, n, 8);
    const meta = JSON.parse(head.toString('utf8')).__metadata__ ?? {};
    const config = JSON.parse(meta.config ?? '{}');
    const vocab = JSON.parse(meta.vocab ?? '[]');
    const labels = JSON.parse(meta.labels ?? '[]');
    return { config, vocabSize: vocab.length, labels };
  } finally {
    await fh.close();
  }
}

/** The first paragraph of prose in a model card, as one line (markdown links and marks removed). */
async function describe(dir) {
  for (const name of ['README.md', 'MODEL_CARD.md', 'CARD.md', 'card.md']) {
    let text;
    try { text = await readFile(path.join(dir, name), 'utf8'); } catch { continue; }
    const paragraphs = text.replace(/```[\s\S]*?```/g, '').split(/\n\s*\n/);
    for (const p of paragraphs) {
      const t = p.trim();
      if (!t || /^(#|\||<|!\[|[-*] |>|\d+\. )/.test(t)) continue;
      const line = t.replace(/\s+/g, ' ').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`]/g, '');
      const sentence = line.match(/^.*?[.!?。](?=\s|$)/)?.[0] ?? line;
      return sentence.length > 240 ? `${sentence.slice(0, 237)}…` : sentence;
    }
  }
  return '';
}

await mkdir(out, { recursive: true });
let names = [];
try {
  names = (await readdir(src, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
} catch {
  console.log(`prepare-models: no ${src} directory; the demo will have no bundled models`);
}

const models = [];
for (const name of names) {
  const file = path.join(src, name, 'model.safetensors');
  try { await stat(file); } catch { continue; }  // not shipped
  if (!/^[A-Za-z0-9._-]+$/.test(name)) { console.warn(`prepare-models: skipping ${name}: unusual directory name`); continue; }
  let meta;
  try { meta = await readMeta(file); } catch (e) {
    console.warn(`prepare-models: skipping ${file}: ${e.message}`);
    continue;
  }
  const target = path.join(out, `${name}.safetensors`);
  if (keepF32) await copyFile(file, target);
  else await writeFile(target, compactWeights(new Uint8Array(await readFile(file))));
  const c = meta.config;
  models.push({
    name, file: `${name}.safetensors`, task: c.task, cell: c.cell, bidirectional: !!c.bidirectional,
    layers: c.num_layers, hidden: c.hidden_size, vocabSize: meta.vocabSize, labels: meta.labels,
    size: (await stat(target)).size, description: await describe(path.join(src, name)),
  });
}

// The memory experiment's fixed probes (made by tools/apple/probes.py), next to the taggers they test.
const probes = path.join(here, '..', 'tests', 'apple', 'memory-probes.jsonl');
const probesOut = path.join(out, 'memory-probes.jsonl');
try {
  await copyFile(probes, probesOut);
} catch {
  await rm(probesOut, { force: true });
}

// Remove what is no longer shipped (only files this script writes).
for (const f of await readdir(out)) {
  if (f.endsWith('.safetensors') && !models.some((m) => m.file === f)) await rm(path.join(out, f));
}
await writeFile(path.join(out, 'index.json'), `${JSON.stringify({ models }, null, 2)}\n`);
const total = models.reduce((s, m) => s + m.size, 0);
console.log(`prepare-models: ${models.length} model${models.length === 1 ? '' : 's'} in ${path.relative(process.cwd(), out) || out}`
  + `${models.length ? `: ${models.map((m) => m.name).join(', ')} (${(total / 1e6).toFixed(1)} MB)` : ' (none shipped yet)'}`);
