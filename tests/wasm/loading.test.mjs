// How the module loads and how its errors read: require() from CommonJS, a .wasm that is not
// where it was said to be, model files by path and file: URL in Node, and RecurError codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadRecur, RecurError } from '../../web/lib/recur.js';
import { englishText, recurInstance, tempDir } from './helpers.mjs';

const lib = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'lib');
let recur, tmp, file;

before(async () => {
  recur = await recurInstance();
  tmp = tempDir();
  const m = recur.createModel({ vocab: englishText, hiddenSize: 8, embeddingDim: 4, seed: 1 });
  file = tmp.file('tiny.safetensors');
  writeFileSync(file, m.save());
  m.dispose();
});

after(() => tmp?.remove());

const isRecurError = (code, pattern) => (e) => {
  assert.ok(e instanceof RecurError, `expected a RecurError, got ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, pattern);
  return true;
};

test('require() from CommonJS loads the package (no top-level await, no static node: imports)', () => {
  const script = `const { loadRecur } = require(${JSON.stringify(path.join(lib, 'recur.js'))});
    loadRecur().then((r) => { const m = r.createModel({ vocab: 'ab', hiddenSize: 2, embeddingDim: 2 });
      console.log(m.predict('ab').rows); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2');
});

test('the core module names no Node built-in, so a browser bundle needs no stubs', async () => {
  const { readFileSync } = await import('node:fs');
  const core = readFileSync(path.join(lib, 'recur-core.mjs'), 'utf8');
  assert.doesNotMatch(core, /require\(|node:|await import/);
});

test('a .wasm that is not where locateFile says is a RecurError naming the place', async () => {
  await assert.rejects(loadRecur({ locateFile: () => '/nowhere/recur-core.wasm' }),
    isRecurError('wasm_load', /cannot load the WebAssembly engine from \/nowhere\/recur-core\.wasm/));
  const good = await loadRecur({ locateFile: (name) => path.join(lib, name) });  // a path works in Node
  assert.equal(good.simdArch, 'sse4.1');
});

test('fetchModel in Node takes a path and a file: URL; a missing file is an io RecurError', async () => {
  for (const where of [file, pathToFileURL(file), pathToFileURL(file).href]) {
    const m = await recur.fetchModel(where);
    assert.equal(m.config.hiddenSize, 8);
    m.dispose();
  }
  await assert.rejects(recur.fetchModel(tmp.file('missing.safetensors')), isRecurError('io', /missing\.safetensors/));
});

test('engine errors carry a stable code', () => {
  const m = recur.createModel({ vocab: Array.from('abc '), hiddenSize: 4, embeddingDim: 2, seed: 1 });  // no <unk>
  try {
    assert.throws(() => recur.loadModel(new Uint8Array(3)), isRecurError('bad_format', /too short/));
    assert.throws(() => m.predict('a'.repeat((4 << 20) + 1)), isRecurError('out_of_range', /limit is 4194304/));
    assert.throws(() => m.predict('abZ'), isRecurError('invalid_argument', /'Z'/));
    assert.throws(() => m.predict('a\uD800'), isRecurError('bad_format', /lone surrogate/));
    const t = m.trainer({ optimizer: 'sgd', lr: 1e30, clip: 0, seqLen: 2, batchSize: 1 });
    assert.throws(() => { for (let i = 0; i < 100; i++) t.step('abc abc abc'); }, isRecurError('diverged', /diverged/));
  } finally {
    m.dispose();
  }
});
