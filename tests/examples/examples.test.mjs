// The package as a user gets it: `npm pack` of web/lib, installed into a copy of each example
// under examples/ (an empty project but for its pinned tools), then run: the Node examples with
// node, the TypeScript one through tsc, the plain page (recur-rnn/worker), the Vite app, the
// webpack page and the esbuild page in Chromium. Run by make test-examples
// (after make web-wasm).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launch, missingPrerequisite, repo, startServer } from '../e2e/harness.mjs';

const npm = (cwd, ...args) => execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', stdio: 'pipe' });
let work, tarball;

before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'recur-examples-'));
  npm(repo, 'pack', path.join(repo, 'web', 'lib'), '--pack-destination', work);
  tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
});

after(() => rmSync(work, { recursive: true, force: true }));

/** A fresh copy of examples/<name> with its pinned tools and the packed recur-rnn installed. */
function project(name) {
  const dir = path.join(work, name);
  cpSync(path.join(repo, 'examples', name), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
  if (existsSync(path.join(dir, 'package-lock.json'))) npm(dir, 'ci');
  npm(dir, 'install', '--no-save', tarball);
  return dir;
}

test('the packed package holds the module, the wasm, the threaded module, the types, the README and the licence', () => {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  assert.deepEqual(listing, ['package/LICENSE', 'package/README.md', 'package/errors.js', 'package/mt/package.json',
    'package/mt/recur-core-mt.mjs', 'package/mt/recur-core-mt.wasm', 'package/mt/recur-core-mt.worker.js',
    'package/package.json', 'package/recur-core.mjs', 'package/recur-core.wasm', 'package/recur.d.ts', 'package/recur.js',
    'package/worker-host.js', 'package/worker.d.ts', 'package/worker.js']);
});

// The installed package's threaded module: its worker script loads in Node (CommonJS in a
// "type": "module" package), it trains and generates, and Node exits by itself.
test('the installed package runs on two threads in Node and exits', () => {
  const script = `import { loadRecur } from 'recur-rnn';
    const recur = await loadRecur({ threads: 2 });
    const m = recur.createModel({ vocab: 'abc ', hiddenSize: 256, numLayers: 2, seed: 1 });
    const t = m.trainer({ seqLen: 16, batchSize: 16 });
    for (let i = 0; i < 3; i++) t.step('abc cab bca '.repeat(50));
    console.log(recur.threads, m.generate({ prompt: 'a', length: 50, seed: 1 }).length);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project('node'), encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `${Math.min(2, availableParallelism())} 50`);
});

// A model trained 200 steps on one repeated sentence continues it exactly (greedy decoding).
const learned = /cat sat on the mat\. the cat sat/;

for (const script of ['hello.mjs', 'hello.cjs']) {
  test(`examples/node/${script} runs against the installed package`, () => {
    const dir = project('node');
    const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, learned, r.stdout);
  });
}

test('examples/typescript type-checks against the installed package (strict; each @ts-expect-error must error), and the declarations with an ES2022 lib', () => {
  const dir = project('typescript');
  const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // The declarations alone also compile for a project whose lib predates Symbol.dispose.
  const pkg = path.join(dir, 'node_modules', 'recur-rnn');
  const old = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--lib', 'ES2022,DOM',
    '--module', 'NodeNext', '--moduleResolution', 'NodeNext', path.join(pkg, 'recur.d.ts'), path.join(pkg, 'worker.d.ts')],
  { encoding: 'utf8' });
  assert.equal(old.status, 0, old.stdout + old.stderr);
});

// Serves root, opens it in Chromium and waits for #out to say done or error.
async function openPage(root, fn, extra = []) {
  const server = await startServer({ root, extra });
  const browser = await launch();
  try {
    const load = async () => {
      await browser.page.goto(server.url);
      await browser.page.waitForSelector('#out[data-state]', { timeout: 60000 });
      return browser.page.$eval('#out', (e) => ({ state: e.dataset.state, text: e.textContent }));
    };
    await fn(load, browser);
  } finally {
    await browser.close();
    await server.stop();
  }
}

test('examples/page: recur-rnn/worker from a plain page (import map), cross-origin isolated, in Chromium', async (t) => {
  const why = missingPrerequisite();
  if (why) { t.skip(why); return; }
  const dir = project('page');
  await openPage(dir, async (load, browser) => {
    const r = await load();
    assert.equal(r.state, 'done', r.text);
    const c = JSON.parse(await browser.page.$eval('#out', (e) => e.dataset.checks));
    assert.match(c.whole, learned);
    assert.equal(c.streamed, c.whole, 'stream() pieces add up to generate()');
    assert.ok(c.reports >= 1, 'fit() reported progress across the boundary');
    assert.equal(c.after, 5, 'the worker answered after a stream was left early');
    assert.equal(c.simdArch, 'sse4.1');
    assert.equal(c.threads, Math.min(2, await browser.page.evaluate(() => navigator.hardwareConcurrency)), 'loadRecurWorker({ threads: 2 })');
    assert.equal(c.disposed, 'this object has been disposed', 'Symbol.asyncDispose freed the model in the worker');
    assert.deepEqual([c.longRows, c.progress, c.stopped], [48000, 1, 'AbortError'], 'predictAsync: rows, progress, abort');
    assert.deepEqual([c.precisions, c.precision, c.samples, c.sampleIsSeedPlusOne], [['float32', 'int8'], 'int8', 2, true],
      'loadModel(bytes, { precision }) and generate({ count }) through the worker');
    assert.deepEqual(c.error, { isRecurError: true, name: 'RecurError', code: 'invalid_argument',
      message: 'text is empty: predict needs at least one character' });
    assert.deepEqual(browser.consoleErrors, []);
  }, ['--coi']);
});

/**
 * Builds examples/<name> with `npm run build`, checks that one .wasm was emitted into dist/<wasmDir>,
 * and opens dist/ in Chromium: the page must train and generate with no console error. Then
 * `more(load, browser, dist)` runs in the open page. Returns the build's output.
 */
async function bundledPage(name, wasmDir, more = async () => {}) {
  const dir = project(name);
  const built = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stdout + built.stderr);
  // The bundler found the .wasm through new URL(..., import.meta.url) (or the build copied it).
  const files = readdirSync(path.join(dir, 'dist', wasmDir));
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, files.join(' '));
  await openPage(path.join(dir, 'dist'), async (load, browser) => {
    const r = await load();
    assert.equal(r.state, 'done', r.text);
    assert.match(r.text, learned);
    assert.deepEqual(browser.consoleErrors, []);
    await more(load, browser, path.join(dir, 'dist'));
  });
  return built.stdout + built.stderr;
}

test('examples/vite: built with no Vite configuration, the page trains and generates in Chromium', async (t) => {
  const why = missingPrerequisite();
  if (why) { t.skip(why); return; }
  await bundledPage('vite', 'assets');
});

test('examples/webpack: bundled with a config that names entry, output and no size hints, the page trains and generates in Chromium', async (t) => {
  const why = missingPrerequisite();
  if (why) { t.skip(why); return; }
  const output = await bundledPage('webpack', '.');
  assert.doesNotMatch(output, /WARNING/, 'webpack builds without warnings');
});

test('examples/esbuild: bundled with no extra flags, the page trains and generates in Chromium', async (t) => {
  const why = missingPrerequisite();
  if (why) { t.skip(why); return; }
  await bundledPage('esbuild', '.', async (load, browser, dist) => {
    // Without the .wasm beside the bundle: a RecurError that says which URL failed.
    rmSync(path.join(dist, 'recur-core.wasm'));
    const failed = await load();
    assert.equal(failed.state, 'error');
    assert.match(failed.text, /^RecurError \(wasm_load\): cannot load the WebAssembly engine from http:\/\/127\.0\.0\.1:\d+\/recur-core\.wasm/);
  });
});

