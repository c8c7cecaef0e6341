// End-to-end tests of the demo site (web/) in Debian's headless Chromium, driven by
// playwright-core. Run: node --test tests/e2e/   (after make build; cd tests/e2e && npm install)
//
// One server (web/server.mjs on a free 127.0.0.1 port) and one browser serve all the tests, in
// order. Screenshots go to build/e2e/. The models are whatever web/models/index.json lists;
// RECUR_E2E_MODELS=<dir> serves another models directory (e.g. the stand-ins of standins.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { foreignRequests, launch, missingPrerequisite, outDir, repo, startServer, webRoot } from './harness.mjs';
import { tinyLm } from './standins.mjs';
import { findMentions } from '../../web/apple-text.js';
import { loadRecur } from '../../web/lib/recur.js';

const missing = missingPrerequisite();
const skip = missing ? `browser tests skipped: ${missing}` : false;

let server, browser, page, catalog = [];
const shot = (name, opts = {}) => page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true, ...opts });
const TIMEOUT = 30000;

// Waits until the Generate output is no longer running; returns {state, text}.
async function waitGenerated() {
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.getElementById('gen-out').dataset.state), null, { timeout: TIMEOUT });
  return page.evaluate(() => ({
    state: document.getElementById('gen-out').dataset.state,
    text: document.querySelector('#gen-out .gen').textContent,
    msg: document.getElementById('gen-msg').textContent,
  }));
}

async function generate({ seed, length = 120, prompt } = {}) {
  if (prompt !== undefined) await page.fill('#gen-prompt', prompt);
  await page.fill('#gen-length', String(length));
  if (seed !== undefined) await page.fill('#gen-seed', String(seed));
  await page.waitForSelector('#gen-start:not([disabled])', { timeout: TIMEOUT });
  await page.click('#gen-start');
  return waitGenerated();
}

// axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now; the serious and critical violations.
// Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it.
const AXE = existsSync(path.join(repo, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js'))
  ? readFileSync(path.join(repo, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') : null;
async function axeViolations() {
  assert.ok(AXE, 'axe-core is not installed (cd tests/e2e && npm ci)');
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

// recur.js here in Node, to check the numbers a page shows against the engine.
let nodeRecur = null;
/** A bundled model, by its catalogue name, loaded in Node from the server the page uses. */
async function bundledModel(name) {
  nodeRecur ??= await loadRecur();
  const entry = catalog.find((m) => m.name === name);
  return nodeRecur.loadModel(new Uint8Array(await (await fetch(`${server.url}models/${entry.file}`)).arrayBuffer()));
}

async function loadModelFile(name, buffer) {
  await page.setInputFiles('#gen-file', { name, mimeType: 'application/octet-stream', buffer });
  await page.waitForFunction(() => /Loaded|Could not/.test(document.getElementById('gen-msg').textContent), null, { timeout: TIMEOUT });
  return page.evaluate(() => ({ text: document.getElementById('gen-msg').textContent, error: document.getElementById('gen-msg').classList.contains('error') }));
}

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Every same-origin file the page fetched, with its size raw and gzipped (-9), to report the
// page's download size.
function pageWeight(requests, url) {
  const files = new Map();
  for (const u of requests) {
    if (!u.startsWith(url)) continue;
    let rel = decodeURIComponent(new URL(u).pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const base = rel.startsWith('/models/') && process.env.RECUR_E2E_MODELS ? path.resolve(repo, process.env.RECUR_E2E_MODELS, '..') : webRoot;
    const file = path.join(base, rel);
    if (existsSync(file)) files.set(rel, readFileSync(file));
  }
  let raw = 0, gz = 0, modelRaw = 0, modelGz = 0;
  for (const [rel, body] of files) {
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length; gz += z;
    if (rel.endsWith('.safetensors')) { modelRaw += body.length; modelGz += z; }
  }
  return { files: files.size, raw, gz, modelRaw, modelGz };
}

test('the page loads with no console errors and requests nothing but 127.0.0.1', { skip }, async (t) => {
  await page.goto(server.url);
  await page.waitForSelector('#engine-msg.ok', { state: 'attached', timeout: TIMEOUT });
  const ready = await page.evaluate(() => performance.now());
  catalog = await page.evaluate(async () => (await (await fetch('models/index.json')).json()).models);
  t.diagnostic(`engine ready ${Math.round(ready)} ms after navigation; bundled models: ${catalog.map((m) => m.name).join(', ') || 'none'}`);
  if (catalog.some((m) => m.task === 'lm')) {
    // Load to first character: the first bundled model loads by itself; press Generate as soon as it can be.
    await page.waitForSelector('#gen-start:not([disabled])', { timeout: TIMEOUT });
    await page.click('#gen-start');
    await page.waitForFunction(() => performance.getEntriesByName('recur-first-char').length > 0, null, { timeout: TIMEOUT });
    const first = await page.evaluate(() => performance.getEntriesByName('recur-first-char')[0].startTime);
    t.diagnostic(`first generated character ${Math.round(first)} ms after navigation (${await page.inputValue('#gen-model')}, cold load)`);
    await waitGenerated();
  }
  const w = pageWeight(browser.requests, server.url);
  t.diagnostic(`page download: ${w.files} files, ${(w.raw / 1024).toFixed(0)} KiB raw, ${(w.gz / 1024).toFixed(0)} KiB gzip -9; of which models ${(w.modelRaw / 1024).toFixed(0)} KiB raw, ${(w.modelGz / 1024).toFixed(0)} KiB gzip`);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  assert.equal(await page.locator('[onclick], [onload], [oninput], [onchange], [onerror]').count(), 0, 'no inline event handlers');
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
  assert.deepEqual(browser.consoleErrors, []);
  assert.deepEqual(foreignRequests(browser.requests), []);
});

test('Generate: text streams in, Stop stops it, the same seed gives the same text', { skip }, async (t) => {
  const lms = catalog.filter((m) => m.task === 'lm');
  const runs = lms.length ? lms.map((m) => ({ value: m.name, label: m.name })) : [{ file: true, label: 'a stand-in model' }];
  if (!lms.length) {
    t.diagnostic('no language model is bundled: using a stand-in trained here and opened with the file input');
    const recur = await loadRecur();
    const text = 'the quick brown fox jumps over the lazy dog. the cat sat on the mat. '.repeat(20);
    writeFileSync(path.join(outDir, 'standin-lm.safetensors'), await tinyLm(recur, text));
    assert.match((await page.textContent('#gen-model')) ?? '', /not available in this build/i);
  }
  for (const run of runs) {
    if (run.file) {
      const r = await loadModelFile('standin-lm.safetensors', readFileSync(path.join(outDir, 'standin-lm.safetensors')));
      assert.equal(r.error, false, r.text);
    } else {
      await page.selectOption('#gen-model', run.value);
      await page.waitForSelector('#gen-start:not([disabled])', { timeout: TIMEOUT });
    }
    const prompt = await page.inputValue('#gen-prompt');
    const a = await generate({ seed: 11, length: 150 });
    assert.equal(a.state, 'done', `${run.label}: ${a.msg}`);
    assert.equal(Array.from(a.text).length, 150, `${run.label}: 150 characters`);
    const b = await generate({ seed: 11, length: 150 });
    assert.equal(b.text, a.text, `${run.label}: same seed, same text`);
    const c = await generate({ seed: 12, length: 150 });
    assert.notEqual(c.text, a.text, `${run.label}: another seed, other text`);
    t.diagnostic(`${run.label} (prompt ${JSON.stringify(prompt)}): ${JSON.stringify(Array.from(a.text).slice(0, 60).join(''))}`);
    await shot(`generate-${run.value ?? 'standin'}`);

    // Stop: a long run stopped after its first characters ends early, and the page still works.
    // Two million symbols: even a tiny stand-in model needs seconds for that, so Stop wins the race.
    await page.fill('#gen-length', '2000000');
    await page.click('#gen-start');
    await page.waitForFunction(() => document.querySelector('#gen-out .gen').textContent.length > 10, null, { timeout: TIMEOUT });
    await page.click('#gen-stop');
    const s = await waitGenerated();
    assert.equal(s.state, 'stopped');
    assert.ok(Array.from(s.text).length < 2000000, `stopped after ${Array.from(s.text).length} characters`);
    assert.match(await page.textContent('#gen-rate'), /Stopped after/);
  }
});

test('Generate, one character at a time: the bars are the model\'s distribution at the temperature; a click chooses', { skip }, async (t) => {
  const entry = catalog.find((m) => m.name === 'en-fortunes-lstm');
  if (!entry) { t.skip('en-fortunes-lstm is not bundled in this build'); return; }
  await page.click('a[data-panel="generate"]');
  await page.selectOption('#gen-model', 'en-fortunes-lstm');
  await page.fill('#gen-prompt', 'The quick brown ');
  await page.waitForSelector('#step-reset:not([disabled])', { timeout: TIMEOUT });
  await page.click('#step-reset');
  await page.waitForFunction(() => document.getElementById('step-bars').dataset.text === 'The quick brown ', null, { timeout: TIMEOUT });
  const m = await bundledModel('en-fortunes-lstm');
  try {
    const bars = async () => page.$$eval('#step-bars button', (bs) => bs.map((b) => [b.dataset.symbol, Number(b.dataset.p)]));
    for (const temp of ['0.5', '1', '1.5']) {
      await page.fill('#step-temp', temp);
      await page.dispatchEvent('#step-temp', 'input');
      const shown = await bars();
      // p^(1/T) renormalised over the model's distribution, without U+FFFD and <unk> (Skip is on).
      const probs = m.predict('The quick brown ').row(15);
      const w = Array.from(probs, (p, i) => (['<unk>', '\ufffd'].includes(m.vocab[i]) ? 0 : p ** (1 / Number(temp))));
      const sum = w.reduce((a, b) => a + b, 0);
      for (const [sym, p] of shown) assert.ok(Math.abs(p - w[m.vocab.indexOf(sym)] / sum) < 1e-5, `T ${temp}, ${JSON.stringify(sym)}`);
      assert.deepEqual(shown.map(([, p]) => p), [...shown.map(([, p]) => p)].sort((a, b) => b - a), 'most likely first');
    }
    await page.fill('#step-temp', '0');
    await page.dispatchEvent('#step-temp', 'input');
    assert.equal((await bars()).length, 1, 'temperature 0: only the most likely character');
    const [[first]] = await bars();
    await page.click('#step-bars button');
    await page.waitForFunction((s) => document.getElementById('step-bars').dataset.text === s, `The quick brown ${first}`, { timeout: TIMEOUT });
  } finally {
    m.dispose();
  }
  await page.$eval('#step-card', (e) => e.scrollIntoView());
  await shot('generate-step', { fullPage: false });
});

// Sets Generate's seed, presses a three-sample card's button ('temps' or 'seeds') and waits for it:
// the model's name, the samples [data value (temperature or seed), text], and the generate()
// options the form stands for, 300 characters long.
async function writeThreeSamples(card, seed, key) {
  await page.click('a[data-panel="generate"]');
  const name = await page.inputValue('#gen-model');
  await page.fill('#gen-seed', String(seed));
  await page.waitForSelector(`#${card}-start:not([disabled])`, { timeout: TIMEOUT });
  await page.click(`#${card}-start`);
  await page.waitForSelector(`#${card}-out[data-done]`, { timeout: TIMEOUT });
  const shown = await page.$$eval(`#${card}-out .textout`,
    (bs, k) => bs.map((b) => [Number(b.dataset[k]), b.querySelector('.gen').textContent]), key);
  const options = await page.evaluate(() => {
    const value = (id) => document.getElementById(id).value;
    const topK = Number(value('gen-topk'));
    return { prompt: value('gen-prompt'), length: 300, temperature: Number(value('gen-temp')), topP: Number(value('gen-topp')),
      ...(topK ? { topK } : {}), avoidUnknown: document.getElementById('gen-avoid-unk').checked };
  });
  return { name, shown, options: { ...options, seed } };
}

test('Generate, three temperatures side by side: each sample is model.generate() at its temperature with the same seed', { skip }, async (t) => {
  const lms = catalog.filter((m) => m.task === 'lm');
  if (!lms.length) { t.skip('no language model is bundled'); return; }
  const { name, shown, options } = await writeThreeSamples('temps', 5, 'temperature');
  const m = await bundledModel(name);
  try {
    assert.deepEqual(shown.map(([temp]) => temp), [0.3, 0.8, 1.3]);
    for (const [temperature, text] of shown) assert.equal(text, m.generate({ ...options, temperature }), `temperature ${temperature}`);
    assert.notEqual(shown[0][1], shown[2][1], 'the temperature changes the text');
  } finally {
    m.dispose();
  }
  t.diagnostic(shown.map(([temp, text]) => `T ${temp}: ${JSON.stringify(Array.from(text).slice(0, 50).join(''))}`).join(' | '));
});

test('Generate, three seeds side by side: written together, each sample is model.generate() with its seed', { skip }, async (t) => {
  const lms = catalog.filter((m) => m.task === 'lm');
  if (!lms.length) { t.skip('no language model is bundled'); return; }
  const { name, shown, options } = await writeThreeSamples('seeds', 7, 'seed');
  const m = await bundledModel(name);
  try {
    assert.deepEqual(shown.map(([seed]) => seed), [7, 8, 9]);
    // The page's batched samples against one streamed generation each, in Node. (float32 batched
    // products sum in another order: equal for this model and these seeds, up to rounding in general.)
    for (const [seed, text] of shown) assert.equal(text, m.generate({ ...options, seed }), `seed ${seed}`);
    assert.equal(new Set(shown.map(([, text]) => text)).size, 3, 'the seeds give three different texts');
  } finally {
    m.dispose();
  }
});

test('Generate: "Skip the rare-character symbol" is on by default and keeps U+FFFD out', { skip }, async (t) => {
  if (!catalog.some((m) => m.name === 'zh-poetry-lstm')) { t.skip('zh-poetry-lstm is not bundled in this build'); return; }
  await page.click('a[data-panel="generate"]');
  await page.selectOption('#gen-model', 'zh-poetry-lstm');
  await page.waitForSelector('#gen-start:not([disabled])', { timeout: TIMEOUT });
  assert.equal(await page.isChecked('#gen-avoid-unk'), true, 'checked by default');
  const on = await generate({ seed: 3, length: 3000, prompt: '春' });
  assert.equal(on.state, 'done', on.msg);
  assert.doesNotMatch(on.text, /\ufffd/u);
  // The control: this model, seed and length do write U+FFFD (100 times natively) without it.
  await page.uncheck('#gen-avoid-unk');
  const off = await generate({ seed: 3, length: 3000, prompt: '春' });
  await page.check('#gen-avoid-unk');
  assert.equal(off.state, 'done', off.msg);
  assert.match(off.text, /\ufffd/u);
});

test('a corrupt model file shows an error and the page keeps working', { skip }, async () => {
  const bad = [
    ['random.safetensors', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['empty.safetensors', Buffer.alloc(0)],
    ['huge-header.safetensors', Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.from('{}')])],
  ];
  const good = catalog.find((m) => m.task === 'lm');
  const goodBytes = good ? readFileSync(path.join(process.env.RECUR_E2E_MODELS ? path.resolve(repo, process.env.RECUR_E2E_MODELS) : path.join(repo, 'web', 'models'), good.file))
    : readFileSync(path.join(outDir, 'standin-lm.safetensors'));
  bad.push(['truncated.safetensors', goodBytes.subarray(0, Math.floor(goodBytes.length * 0.7))]);
  for (const [name, buffer] of bad) {
    const r = await loadModelFile(name, buffer);
    assert.equal(r.error, true, `${name}: ${r.text}`);
    assert.match(r.text, new RegExp(`Could not load ${name.replace('.', '\\.')}: .+`));
  }
  await shot('generate-corrupt-file');
  const g = await generate({ seed: 3, length: 40 });
  assert.equal(g.state, 'done', g.msg);
  assert.equal(Array.from(g.text).length, 40);
});

test('Train your own: the built-in texts load into the text box, with their language', { skip }, async (t) => {
  await page.click('a[data-panel="train"]');
  const texts = (await (await fetch(`${server.url}texts/index.json`)).json()).texts;
  t.diagnostic(`built-in texts: ${texts.map((x) => `${x.name} (${x.characters} characters)`).join(', ') || 'none'}`);
  for (const x of texts) {
    await page.selectOption('#train-source', x.name);
    const expected = await (await fetch(`${server.url}texts/${x.file}`)).text();
    await page.waitForFunction((v) => document.getElementById('train-text').value === v, expected, { timeout: TIMEOUT });
    assert.equal(Array.from(expected).length, x.characters);
    assert.doesNotMatch(expected, /\x1b|^%$/m, 'no colour codes, no fortune separators');
    assert.equal(await page.getAttribute('#train-text', 'lang'), x.lang);
    assert.match(await page.textContent('#train-text-info'), new RegExp(`^${x.characters.toLocaleString('en-US')} characters`));
  }
  const missing = ['fortunes', 'tang300'].filter((n) => !texts.some((x) => x.name === n));
  for (const n of missing) assert.ok(await page.$eval(`#train-source option[value="${n}"]`, (o) => o.disabled), `${n} is offered only if it exists`);
  await page.selectOption('#train-source', 'nursery');
  await page.waitForFunction(() => document.getElementById('train-text').value.startsWith('Twinkle'), null, { timeout: TIMEOUT });
});

test('Train your own: a few steps lower the loss, the chart updates, the download loads back', { skip }, async (t) => {
  const STEPS = 400;  // about a second of training on this VM: long enough for pause and resume to land mid-run
  await page.click('a[data-panel="train"]');
  await page.waitForSelector('#train-start:not([disabled])', { timeout: TIMEOUT });
  await page.selectOption('#train-cell', 'gru');
  await page.fill('#train-hidden', '48');
  await page.fill('#train-seq', '32');
  await page.fill('#train-batch', '8');
  await page.fill('#train-lr', '0.02');
  await page.fill('#train-steps', String(STEPS));
  await page.fill('#train-sample-every', '40');
  await page.uncheck('#train-best');  // every step, for the step count below; keep-best is tested after
  const t0 = Date.now();
  await page.click('#train-start');
  // Pause part-way: the step count must hold still, then resume. The pause is clicked inside the page, in the
  // same poll that sees step 20: a click from here takes a round trip, and under load the run could end first.
  await page.waitForFunction(() => {
    if (Number(document.getElementById('train-stats').dataset.step) < 20) return false;
    document.getElementById('train-pause').click();
    return true;
  }, null, { timeout: TIMEOUT });
  await page.waitForFunction(() => /paused/.test(document.getElementById('train-eta').textContent), null, { timeout: TIMEOUT });
  const held = await page.getAttribute('#train-stats', 'data-step');
  await page.waitForTimeout(400);
  assert.equal(await page.getAttribute('#train-stats', 'data-step'), held, 'no steps while paused');
  await page.click('#train-pause');
  await page.waitForFunction(() => /Finished/.test(document.getElementById('train-msg').textContent), null, { timeout: 60000 });
  const stats = await page.evaluate(() => ({ ...document.getElementById('train-stats').dataset, ...document.getElementById('train-chart').dataset }));
  t.diagnostic(`${STEPS} GRU steps in ${Date.now() - t0} ms: ${Number(stats.firstBits).toFixed(2)} → ${Number(stats.lastBits).toFixed(2)} bits/char`);
  assert.equal(Number(stats.points), STEPS, 'one chart point per step');
  assert.ok(Number(stats.valPoints) >= 3, 'validation points');
  assert.ok(Number(stats.lastBits) < Number(stats.firstBits) - 0.5, `loss falls: ${stats.firstBits} → ${stats.lastBits}`);
  assert.ok(await page.locator('#train-samples li').count() >= 3, 'samples every 40 steps');
  await shot('train');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
  const file = path.join(outDir, 'trained.safetensors');
  await download.saveAs(file);
  assert.match(download.suggestedFilename(), /\.safetensors$/);
  const cli = path.join(repo, 'build', 'recur');
  if (existsSync(cli)) {
    const info = execFileSync(cli, ['info', '--model', file], { encoding: 'utf8' });
    assert.match(info, /gru/i, 'the CLI reads the downloaded file');
  }
  await page.click('a[data-panel="generate"]');
  const r = await loadModelFile('trained.safetensors', readFileSync(file));
  assert.equal(r.error, false, r.text);
  assert.match(await page.textContent('#gen-model-info'), /GRU · 1 layer × 48/);
  const g = await generate({ seed: 1, length: 80, prompt: 'Jack ' });
  assert.equal(g.state, 'done', g.msg);
  assert.equal(Array.from(g.text).length, 80);

  // Keep the best model: the file that Download gives scores on the held-out text exactly what the page
  // reported as the best validation (recur.js's evaluate() in Node, on the same last 10%).
  await page.click('a[data-panel="train"]');
  await page.check('#train-best');
  await page.fill('#train-lr', '0.05');  // a fast learner on a small text: it overfits, and stops early
  await page.click('#train-start');
  await page.waitForFunction(() => /Finished|Stopped early/.test(document.getElementById('train-msg').textContent), null, { timeout: 60000 });
  const msg = await page.textContent('#train-msg');
  t.diagnostic(msg);
  const bestBits = Number(await page.getAttribute('#train-msg', 'data-best-bits'));
  // It overfits, so the run stops early and the weights kept are older than the last step.
  const [, ran, kept] = msg.match(/^Stopped early after (\d+) steps.*keeps its best weights, from step (\d+)/);
  assert.ok(Number(kept) < Number(ran), msg);
  assert.match(await page.textContent('#train-overfit'), /^Overfitting: validation has risen/);
  const [best] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
  const bestFile = path.join(outDir, 'trained-best.safetensors');
  await best.saveAs(bestFile);
  const chars = Array.from(await page.inputValue('#train-text'));
  const cut = Math.floor(chars.length * 0.9);
  const recur = await loadRecur();
  const m = recur.loadModel(readFileSync(bestFile));
  const heldOut = m.evaluate(chars.slice(cut, cut + 4001).join('')).bitsPerChar;
  m.dispose();
  assert.ok(Math.abs(heldOut - bestBits) < 1e-4, `the downloaded model: ${heldOut} bits/char; reported best ${bestBits}`);
});

const APPLE = ['apple-rnn', 'apple-lstm', 'apple-gru', 'apple-bilstm'];
const absentModels = (names) => {
  const absent = names.filter((n) => !catalog.some((m) => m.name === n));
  return absent.length ? `apple models not available in this build (${absent.join(', ')}): train them (make models-apple) and run make demo` : false;
};
const appleSkip = () => absentModels(APPLE);
// The memory experiment needs only the three unidirectional models.
const memorySkip = () => absentModels(['apple-rnn', 'apple-lstm', 'apple-gru']);

// Without the models the panels must say so plainly (and keep working); screenshot that state.
async function showsUnavailable(panel, box) {
  await page.click(`a[data-panel="${panel}"]`);
  await page.waitForSelector(`${box}:not([hidden])`, { timeout: TIMEOUT });
  assert.match(await page.textContent(box), /not available in this build/i);
  await shot(`${panel}-unavailable`);
}

test('the page finds the mentions the evaluation counts: apple as a whole word, 苹果 and 蘋果', () => {
  // Hand-counted code points; the tagger's decision is read at each mention's last character.
  assert.deepEqual(findMentions('Pineapple? No: Apple\'s apples. 我吃了一个蘋果,又买了苹果手机。'),
    [{ word: 'Apple\'s', start: 15, end: 21 }, { word: 'apples', start: 23, end: 28 },
      { word: '蘋果', start: 36, end: 37 }, { word: '苹果', start: 42, end: 43 }]);
});

test('Apple panel: the four example sentences are labelled correctly', { skip }, async (t) => {
  const why = appleSkip();
  if (why) {
    await showsUnavailable('apple', '#apple-missing');
    await page.fill('#apple-text', 'I like eating apple!');
    assert.match(await page.textContent('#apple-compare'), /not available in this build/i);
    t.skip(why);
    return;
  }
  await page.click('a[data-panel="apple"]');
  const cases = [
    ['I like eating apple!', 'fruit'],
    ['The Apple is a great company!', 'company'],
    ['快过圣诞节了,好想要一个苹果', 'fruit'],
    ['手机坏了,好想要一个苹果', 'company'],
  ];
  const wrong = [];
  for (const [text, expected] of cases) {
    await page.fill('#apple-text', text);
    await page.waitForFunction((s) => document.getElementById('apple-view').dataset.text === s && !document.getElementById('apple-view').dataset.busy, text, { timeout: TIMEOUT });
    const labels = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#apple-compare tbody tr')]
      .map((tr) => [tr.dataset.model, tr.querySelector('.chip')?.dataset.label ?? null])));
    t.diagnostic(`${text} → ${JSON.stringify(labels)} (expected ${expected})`);
    // The streaming LSTM (shown by default) and the BiLSTM must get all four right; the others are reported.
    for (const m of ['apple-lstm', 'apple-bilstm']) if (labels[m] !== expected) wrong.push(`${m}: "${text}" → ${labels[m]}`);
    assert.equal(await page.getAttribute('#apple-view mark', 'data-label'), labels['apple-lstm']);
  }
  assert.ok(Number(await page.getAttribute('#apple-heat', 'data-rows')) > 0, 'the heat map is drawn');

  // What the decision rests on: the LSTM's gradient x input for its answer at 苹果, as recur.js gives it in Node.
  const rests = await page.evaluate(() => ({ target: document.getElementById('apple-why').dataset.target,
    g: [...document.querySelectorAll('#apple-why span')].map((e) => Number(e.dataset.g)) }));
  {
    const m = await bundledModel('apple-lstm');
    const s = m.saliency('手机坏了,好想要一个苹果', { position: 11, target: rests.target });
    m.dispose();
    assert.equal(rests.target, 'company');
    assert.equal(rests.g.length, 12);
    rests.g.forEach((g, i) => assert.ok(Math.abs(g - s.gradTimesInput[i]) <= 1e-6 + 1e-5 * Math.abs(g), `character ${i}`));
  }

  // The belief trace shows, after each character, each network's answer to the sentence so far
  // with 苹果 added: the numbers recur.js gives in Node for the same text.
  const zh = '快过圣诞节了,好想要一个苹果';
  await page.fill('#apple-text', zh);
  await page.waitForFunction((s) => document.getElementById('apple-chart').dataset.text === s, zh, { timeout: TIMEOUT });
  const beliefs = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#apple-belief-table tbody tr')]
    .map((tr) => [tr.dataset.model, [...tr.querySelectorAll('td')].map((td) => [Number(td.dataset.at), Number(td.dataset.share)])])));
  for (const name of APPLE) {
    const m = await bundledModel(name);
    assert.deepEqual(beliefs[name].map(([at]) => at), [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11], 'every Chinese character, not the comma');
    for (const [at, share] of beliefs[name]) {
      const r = m.predict(`${Array.from(zh).slice(0, at + 1).join('')}苹果`);
      const last = r.row(r.rows - 1), [f, c] = [m.labels.indexOf('fruit'), m.labels.indexOf('company')];
      assert.ok(Math.abs(share - last[c] / (last[f] + last[c])) < 1e-6, `${name} after character ${at + 1}`);
    }
    m.dispose();
  }
  await page.focus('#apple-view mark');
  await shot('apple');
  for (const model of ['apple-rnn', 'apple-gru', 'apple-bilstm']) {
    await page.check(`input[name="apple-model"][value="${model}"]`);
    await page.waitForFunction((m) => {
      const v = document.getElementById('apple-view');
      return v.dataset.shown === m && !v.dataset.busy;
    }, model, { timeout: TIMEOUT });
  }
  // The BiLSTM's map: both halves, the right-to-left one chosen with Direction.
  assert.equal(await page.isVisible('#apple-direction'), true, 'a bidirectional network offers its two directions');
  await page.selectOption('#apple-direction', 'backward');
  await page.waitForFunction(() => /right-to-left half/.test(document.getElementById('apple-heat-info').textContent), null, { timeout: TIMEOUT });
  assert.ok(Number(await page.getAttribute('#apple-heat', 'data-rows')) > 0, 'the BiLSTM has a heat map too');
  assert.deepEqual(wrong, []);
});

test('Apple panel: a Transformer shows where each head looks, read the right way round, causal or not', { skip }, async (t) => {
  const present = [['apple-transformer', true], ['apple-bitransformer', false]].filter(([n]) => catalog.some((m) => m.name === n));
  if (!present.length) { t.skip(absentModels(['apple-transformer', 'apple-bitransformer'])); return; }
  await page.click('a[data-panel="apple"]');
  const text = 'I like eating apple!';
  await page.fill('#apple-text', text);
  const n = Array.from(text).length;
  // The cursor's first key starts at a corner; the info line then names the weight there.
  const weightAt = async (keys) => {
    await page.focus('#apple-heat');
    for (const k of keys) await page.keyboard.press(k);
    const info = await page.textContent('#apple-heat-info');
    const m = info.match(/character (\d+)\), this head gives .* \(character (\d+)\) the weight ([\d.]+)/);
    assert.ok(m, info);
    return { query: Number(m[1]) - 1, key: Number(m[2]) - 1, weight: Number(m[3]) };
  };
  for (const [name, causal] of present) {
    await page.check(`input[name="apple-model"][value="${name}"]`);
    await page.waitForFunction(([m, s]) => {
      const v = document.getElementById('apple-view');
      return v.dataset.shown === m && v.dataset.text === s && !v.dataset.busy
        && document.getElementById('apple-heat').dataset.attention === 'a1';
    }, [name, text], { timeout: TIMEOUT });
    assert.equal(Number(await page.getAttribute('#apple-heat', 'data-rows')), n);
    assert.match(await page.textContent('#apple-heat-info'), /Attention of head 1 in layer 2/);
    assert.equal(await page.isVisible('#apple-direction'), false, 'a Transformer has no second direction');
    assert.match(await page.textContent('#cell-view'), /no recurrent cell/);
    // The last character reading the first, and the first reading the sixth: the same numbers as
    // the engine gives in Node for the top layer's first head, and 0 where a causal head may not look.
    const m = await bundledModel(name);
    const want = m.trace(text).layers[1].attention[0];
    m.dispose();
    const last = await weightAt(['End']);
    assert.deepEqual([last.query, last.key], [n - 1, 0]);
    assert.ok(Math.abs(last.weight - want[(n - 1) * n]) < 1e-3, `${last.weight} vs ${want[(n - 1) * n]}`);
    const ahead = await weightAt(['Home', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']);
    assert.deepEqual([ahead.query, ahead.key], [0, 5]);
    assert.ok(Math.abs(ahead.weight - want[5]) < 1e-3, `${ahead.weight} vs ${want[5]}`);
    if (causal) assert.equal(ahead.weight, 0);
    else assert.ok(ahead.weight > 0);
  }
  await shot('apple-attention');
  await page.check('input[name="apple-model"][value="apple-lstm"]');
});

test('Memory experiment: accuracy against distance for RNN, LSTM, GRU and Transformer; key recall trained live', { skip }, async (t) => {
  const why = memorySkip();
  if (why) {
    await showsUnavailable('memory', '#memory-missing');
    // With some of the unidirectional models bundled, the experiment runs those it has.
    const some = ['apple-rnn', 'apple-lstm', 'apple-gru'].some((n) => catalog.some((m) => m.name === n));
    assert.equal(await page.isDisabled('#mem-run'), !some);
    t.skip(why);
    return;
  }
  await page.click('a[data-panel="memory"]');
  await page.selectOption('#mem-count', '50');
  await page.waitForSelector('#mem-run:not([disabled])', { timeout: TIMEOUT });
  await page.click('#mem-run');
  await page.waitForSelector('#mem-chart[data-done]', { state: 'attached', timeout: 240000 });
  // Right / total per network, probe group and distance, as the table shows them (for the control row,
  // `none`, fruit answers / total).
  const table = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#mem-table tbody tr')]
    .map((tr) => [`${tr.dataset.model} ${tr.dataset.part}`, [...tr.querySelectorAll('td[data-total]')]
      .map((td) => [Number(td.dataset.correct), Number(td.dataset.total)])])));
  t.diagnostic(JSON.stringify(table));
  const DIST = [0, 25, 50, 100, 200, 400];
  const acc = (model, part, pick) => {
    const cells = table[`${model} ${part}`].filter((_, i) => pick(DIST[i]));
    return cells.reduce((s, [c]) => s + c, 0) / cells.reduce((s, [, n]) => s + n, 0);
  };
  for (const m of ['apple-rnn', 'apple-lstm', 'apple-gru']) {
    assert.equal(table[`${m} all`].length, 6);
    // 50 probes of each sense and language at each distance: 200 per cell
    for (const [, n] of table[`${m} all`]) assert.equal(n, 200);
  }
  // Every network was measured on the same balanced probes, with both senses reported, and on the same probes
  // with a neutral word for the cue (the control: how often it then answers fruit, its default).
  for (const m of ['apple-rnn', 'apple-lstm', 'apple-gru']) {
    for (const sense of ['fruit', 'company']) {
      for (const [, n] of table[`${m} ${sense}`]) assert.equal(n, 100);
    }
    const all = table[`${m} all`].map(([c]) => c);
    const bySense = table[`${m} fruit`].map(([c], i) => c + table[`${m} company`][i][0]);
    assert.deepEqual(all, bySense);
    for (const [, n] of table[`${m} none`]) assert.equal(n, 200);
  }
  // The page's reading holds. The gated cells use a lone cue word right before the mention and still do at
  // 200-400 characters, well above the plain RNN; and there the cue, not a default, does it: against the
  // control, one cue moves their answers far from the default, and neither moves them the wrong way.
  // (The other cue can only match the default when the default is that sense already.)
  const far = (d) => d >= 200;
  // A cue's effect: how much more often the network answers that cue's sense than it does with no cue.
  const effect = (m, sense, pick) => (sense === 'fruit' ? acc(m, 'fruit', pick) - acc(m, 'none', pick)
    : acc(m, 'company', pick) - (1 - acc(m, 'none', pick)));
  for (const m of ['apple-lstm', 'apple-gru']) {
    const near = acc(m, 'all', (d) => d === 0);
    assert.ok(near >= 0.75, `${m} at 0: ${near}`);
    assert.ok(acc(m, 'all', far) >= 0.75, `${m} at 200+: ${acc(m, 'all', far)}`);
    assert.ok(acc(m, 'all', far) >= acc('apple-rnn', 'all', far) + 0.15, `${m} vs apple-rnn at 200+`);
    const effects = ['fruit', 'company'].map((sense) => effect(m, sense, far));
    assert.ok(Math.max(...effects) >= 0.25 && Math.min(...effects) >= -0.05, `${m}: cue effects at 200+ ${effects}`);
  }
  // The plain RNN is near chance at every distance (95 % of pure guesses on 200 probes stay below 57 %; the
  // bound is loose on purpose), and from 100 characters on it answers as it does with no cue.
  for (const d of DIST) {
    const at = (x) => x === d;
    assert.ok(acc('apple-rnn', 'all', at) <= 0.62, `apple-rnn at ${d}`);
    if (d >= 100) {
      for (const sense of ['fruit', 'company']) {
        assert.ok(Math.abs(effect('apple-rnn', sense, at)) <= 0.15, `apple-rnn at ${d}: ${sense} cue effect ${effect('apple-rnn', sense, at)}`);
      }
    }
  }

  // Key recall, trained live: every LSTM and GRU holds the key across gaps four times longer than it trained
  // on. Whether a plain RNN learns it depends on its random start (a coin flip that the last bit of rounding
  // changes: 2 of seeds 1-5 learned before the engine's products changed summation order, 2 of 3 after), so
  // nothing here asserts which RNNs fail; the page reports the rate over 40 starts, measured in Node.
  await page.click('#recall-run');
  await page.waitForSelector('#recall-chart[data-done]', { state: 'attached', timeout: 300000 });
  const recall = await page.evaluate(() => [...document.querySelectorAll('#recall-table tbody tr')]
    .map((tr) => ({ cell: tr.dataset.cell, seed: tr.dataset.seed, acc: [...tr.querySelectorAll('td[data-total]')]
      .map((td) => Number(td.dataset.correct) / Number(td.dataset.total)) })));
  t.diagnostic(JSON.stringify(recall));
  const LAGS = [0, 5, 10, 25, 50, 100, 200, 400];
  assert.equal(recall.length, 12);
  assert.deepEqual(recall.map((r) => r.cell).sort(),
    [...Array(3).fill('gru'), ...Array(3).fill('lstm'), ...Array(3).fill('rnn_tanh'), ...Array(3).fill('transformer')]);
  for (const r of recall) assert.equal(r.acc.length, LAGS.length);
  for (const r of recall.filter((x) => x.cell === 'lstm' || x.cell === 'gru')) {
    for (const lag of [100, 200, 400]) assert.ok(r.acc[LAGS.indexOf(lag)] >= 0.9, `${r.cell} #${r.seed} at gap ${lag}: ${r.acc}`);
  }
  // The Transformer's window holds 128 letters: a key and a gap of up to 126. Inside it (gaps 0-100 here)
  // the distance costs nothing. Beyond it the key is not in what it reads, so the bound there checks that
  // the page cuts texts to the window, not anything learned: any answer scores near the test set's share
  // of that key (45-55 %).
  for (const r of recall.filter((x) => x.cell === 'transformer')) {
    LAGS.forEach((lag, i) => assert.ok(lag <= 126 ? r.acc[i] >= 0.95 : r.acc[i] <= 0.65, `transformer #${r.seed} at gap ${lag}: ${r.acc}`));
  }
  await shot('memory-recall');
  await page.click('#panel-memory details.card summary');
  await shot('memory');
});

test('Gradients through time: the page shows the engine\'s saliency, and only the plain RNN\'s vanishes', { skip }, async (t) => {
  const why = memorySkip();
  if (why) { t.skip(why); return; }
  await page.click('a[data-panel="memory"]');
  const recur = await loadRecur();
  const models = {};
  for (const name of ['apple-rnn', 'apple-lstm', 'apple-gru']) models[name] = await bundledModel(name);
  try {
    for (const example of ['en', 'zh']) {
      await page.evaluate(() => { document.getElementById('grad-chart').removeAttribute('data-done'); });
      await page.click(`[data-grad-example="${example}"]`);
      await page.waitForSelector('#grad-chart[data-done]', { state: 'attached', timeout: TIMEOUT });
      const text = await page.inputValue('#grad-text');
      const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#grad-table tbody tr')]
        .map((tr) => [tr.dataset.model, Object.fromEntries([...tr.querySelectorAll('td[data-distance]')]
          .map((td) => [td.dataset.distance, Number(td.dataset.value)]))])));
      t.diagnostic(`${example}: ${JSON.stringify(shown)}`);
      const last = Array.from(text).length - 1;
      for (const [name, m] of Object.entries(models)) {
        // The same numbers as recur.js computes here in Node (same engine, another runtime).
        const s = m.saliency(text);
        for (const [d, v] of Object.entries(shown[name])) {
          const want = s.gradNorm[last - Number(d)];
          assert.ok(Math.abs(v - want) <= 1e-5 * want, `${name} ${d} back: page ${v}, Node ${want}`);
        }
      }
      // The lesson: 100 characters back the RNN's gradient is a millionth of what it was at the
      // last character or less; the LSTM's and the GRU's are still a ten-thousandth or more (the
      // LSTM's least on the Chinese example: 5e-4), ten thousand times the RNN's at least.
      const fall = (name) => shown[name][100] / shown[name][0];
      assert.ok(fall('apple-rnn') < 1e-6, `RNN: ${fall('apple-rnn')}`);
      for (const name of ['apple-lstm', 'apple-gru']) {
        assert.ok(fall(name) > 1e-4, `${name}: ${fall(name)}`);
        assert.ok(fall(name) > 1e4 * fall('apple-rnn'), `${name}: ${fall(name)} against the RNN's ${fall('apple-rnn')}`);
      }
      assert.match(await page.textContent('#grad-summary'), /characters back, as a fraction of its value at the last character/);
    }
    // Exploding: the page's two runs, with and without clipping, are the runs recur.js makes in Node
    // (same wasm, same seed), and only the unclipped one ends worse than guessing uniformly.
    await page.click('#clip-run');
    await page.waitForSelector('#clip-chart[data-done]', { state: 'attached', timeout: 120000 });
    const runs = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#clip-table tbody tr')]
      .map((tr) => [tr.dataset.clip, [...tr.querySelectorAll('td[data-step]')].map((td) => [Number(td.dataset.step), Number(td.dataset.bits)])])));
    t.diagnostic(`clipping: ${JSON.stringify(runs)}`);
    const { DEFAULT_TRAIN_TEXT } = await import('../../web/panels/train-text.js');
    for (const clip of [0, 1]) {
      const m = recur.createModel({ cell: 'rnn_tanh', vocab: DEFAULT_TRAIN_TEXT, hiddenSize: 64, embeddingDim: 16, seed: 1 });
      const tr = m.trainer({ optimizer: 'sgd', lr: 2, clip, seqLen: 64, batchSize: 8, seed: 1 });
      const bits = Array.from({ length: 150 }, () => tr.step(DEFAULT_TRAIN_TEXT) / Math.LN2);
      m.dispose();
      for (const [step, b] of runs[clip]) assert.ok(Math.abs(b - bits[step - 1]) < 1e-4, `clip ${clip}, step ${step}: page ${b}, Node ${bits[step - 1]}`);
    }
    const uniform = Math.log2(new Set(DEFAULT_TRAIN_TEXT).size);
    assert.ok(runs[0].at(-1)[1] > uniform, 'without clipping the loss ends above uniform guessing');
    assert.ok(runs[1].at(-1)[1] < uniform - 1, 'with clipping it learns');
    await page.$eval('#grad-card', (e) => e.scrollIntoView());
    await shot('memory-gradients');
  } finally {
    for (const m of Object.values(models)) m.dispose();
  }
});

test('keyboard: focus moves between Start and Stop, Escape stops, arrow keys read the heat map', { skip }, async (t) => {
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
  await page.click('a[data-panel="generate"]');
  await page.waitForSelector('#gen-start:not([disabled])', { timeout: TIMEOUT });
  await page.fill('#gen-length', '2000000');
  await page.focus('#gen-start');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#gen-out .gen').textContent.length > 10, null, { timeout: TIMEOUT });
  assert.equal(await focused(), 'gen-stop', 'Generate hands the focus to Stop, not to <body>');
  await page.keyboard.press('Escape');
  assert.equal((await waitGenerated()).state, 'stopped', 'Escape stops');
  assert.equal(await focused(), 'gen-start', 'Stop hands the focus back to Generate');

  if (!catalog.some((m) => m.name === 'apple-lstm')) { t.diagnostic('heat map part skipped: no apple-lstm in this build'); return; }
  await page.click('a[data-panel="apple"]');
  await page.check('input[name="apple-model"][value="apple-lstm"]');
  await page.fill('#apple-text', 'I like eating apple!');
  await page.waitForFunction(() => document.getElementById('apple-view').dataset.text === 'I like eating apple!'
    && !document.getElementById('apple-view').dataset.busy && document.getElementById('apple-heat').tabIndex === 0, null, { timeout: TIMEOUT });
  await page.focus('#apple-heat');
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown']) await page.keyboard.press(key);
  assert.match(await page.textContent('#apple-heat-info'), /^After “␣” \(character 2\), unit \d+: -?\d\.\d{3}$/);

  // The forget gate, read with the keyboard, is the value trace() gives in Node for that unit.
  await page.selectOption('#apple-state', 'f');
  await page.waitForFunction(() => /^forget gate f/.test(document.getElementById('apple-heat-info').textContent), null, { timeout: TIMEOUT });
  await page.focus('#apple-heat');
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown']) await page.keyboard.press(key);
  const [, unit, shown] = (await page.textContent('#apple-heat-info')).match(/^After “␣” \(character 2\), unit (\d+): (-?\d\.\d{3})$/);
  const layer = Number(await page.inputValue('#apple-layer'));
  const m = await bundledModel('apple-lstm');
  const tr = m.trace('I like eating apple!');
  const f = tr.layers.find((l) => l.layer === layer).gates.f[1 * tr.hiddenSize + Number(unit)];
  m.dispose();
  assert.equal(shown, f.toFixed(3), `unit ${unit}: page ${shown}, trace() ${f}`);

  // The cell explorer follows the heat map's cursor (character 2, that unit); one step back with the
  // keyboard reaches the first character, whose previous state is zero. Its values are trace()'s,
  // and they satisfy the LSTM's equations.
  await page.focus('#cell-view');
  await page.keyboard.press('ArrowLeft');
  const v = JSON.parse(await page.getAttribute('#cell-view .equations', 'data-values'));
  assert.deepEqual([v.t, v.unit, v.prevC, v.prevH], [0, Number(unit), 0, 0]);
  const top = tr.layers.find((l) => l.layer === layer), k = v.unit;
  for (const g of ['f', 'i', 'g', 'o']) assert.ok(Math.abs(v[g] - top.gates[g][k]) < 1e-6, `gate ${g}`);
  assert.ok(Math.abs(v.c - top.c[k]) < 1e-6 && Math.abs(v.h - top.h[k]) < 1e-6);
  assert.ok(Math.abs(v.c - (v.f * v.prevC + v.i * v.g)) < 1e-5, 'c = f c_prev + i g');
  assert.ok(Math.abs(v.h - v.o * Math.tanh(v.c)) < 1e-5, 'h = o tanh(c)');
  await (await page.$('#cell-view')).screenshot({ path: path.join(outDir, 'apple-cell.png') });
});

test('Apple panel: "no context yet", the spoken decisions, and the cell explorer of a GRU and of the BiLSTM\'s right-to-left half', { skip }, async (t) => {
  const why = appleSkip();
  if (why) { t.skip(why); return; }
  await page.click('a[data-panel="apple"]');
  const settle = (text, model) => page.waitForFunction(([s, m]) => {
    const v = document.getElementById('apple-view');
    return v.dataset.text === s && v.dataset.shown === m && !v.dataset.busy;
  }, [text, model], { timeout: TIMEOUT });

  // A mention with nothing before it: the left-to-right networks have no context; the BiLSTM reads on.
  await page.check('input[name="apple-model"][value="apple-lstm"]');
  const first = 'Apple released a new phone today.';
  await page.fill('#apple-text', first);
  await settle(first, 'apple-lstm');
  const labels = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#apple-compare tbody tr')]
    .map((tr) => [tr.dataset.model, tr.querySelector('.chip')?.dataset.label ?? null])));
  assert.deepEqual([labels['apple-rnn'], labels['apple-lstm'], labels['apple-gru']], Array(3).fill('no context yet'));
  assert.ok(['fruit', 'company', 'undecided'].includes(labels['apple-bilstm']), labels['apple-bilstm']);
  assert.equal(await page.textContent('#apple-say'), 'LSTM: Apple no context yet');

  const explorer = async () => JSON.parse(await page.getAttribute('#cell-view .equations', 'data-values'));
  const text = 'I like eating apple!';

  // GRU: h = (1 - z) n + z h_prev, with the values trace() gives.
  await page.check('input[name="apple-model"][value="apple-gru"]');
  await page.fill('#apple-text', text);
  await settle(text, 'apple-gru');
  await page.focus('#cell-view');
  await page.keyboard.press('ArrowLeft');
  const g = await explorer();
  const gru = await bundledModel('apple-gru');
  const gt = gru.trace(text).layers.at(-1), H = gt.h.length / text.length, k = g.t * H + g.unit;
  gru.dispose();
  for (const name of ['r', 'z', 'n']) assert.ok(Math.abs(g[name] - gt.gates[name][k]) < 1e-6, `GRU gate ${name}`);
  assert.ok(Math.abs(g.prevH - gt.h[k - H]) < 1e-6, 'GRU h_prev is the state one character back');
  assert.ok(Math.abs(g.h - ((1 - g.z) * g.n + g.z * g.prevH)) < 1e-5, 'GRU equation');

  // BiLSTM, right-to-left half: the previous state is the one a character later.
  await page.check('input[name="apple-model"][value="apple-bilstm"]');
  await settle(text, 'apple-bilstm');
  await page.selectOption('#apple-direction', 'backward');
  await page.waitForFunction(() => /right-to-left half/.test(document.getElementById('apple-heat-info').textContent), null, { timeout: TIMEOUT });
  await page.focus('#cell-view');
  await page.keyboard.press('ArrowLeft');
  const b = await explorer();
  const bi = await bundledModel('apple-bilstm');
  const bt = bi.trace(text).layers.filter((l) => l.direction === 'backward').at(-1), HB = bt.h.length / text.length;
  bi.dispose();
  const kb = b.t * HB + b.unit;
  assert.ok(b.t < text.length - 1, 'not the last character, so there is a later state');
  assert.ok(Math.abs(b.prevC - bt.c[kb + HB]) < 1e-6 && Math.abs(b.c - (b.f * b.prevC + b.i * b.g)) < 1e-5, 'c = f c_(t+1) + i g');
  assert.match(await page.textContent('#cell-view svg'), /ₜ₊₁/);
});

test('Classify: every network\'s answer is model.classify() on the same text; the saliency and the reading chart are the engine\'s', { skip }, async (t) => {
  const FORMS = ['zh-forms-rnn', 'zh-forms-lstm', 'zh-forms-gru', 'zh-forms-bilstm'];
  const have = FORMS.filter((n) => catalog.some((m) => m.name === n));
  if (!have.length) {
    await showsUnavailable('classify', '#classify-missing');
    t.skip('no verse-form classifier in this build: make models-forms, then make demo');
    return;
  }
  await page.click('a[data-panel="classify"]');
  const models = Object.fromEntries(await Promise.all(have.map(async (n) => [n, await bundledModel(n)])));
  // One of each form (famous openings: the lesson is that the networks tell them apart) and a typed text.
  const cases = [
    ['关关雎鸠，在河之洲。窈窕淑女，君子好逑。', '诗经'],
    ['床前明月光，疑是地上霜。举头望明月，低头思故乡。', '唐诗'],
    ['明月几时有？把酒问青天。不知天上宫阙，今夕是何年。', '宋词'],
    ['枯藤老树昏鸦，小桥流水人家，古道西风瘦马。夕阳西下，断肠人在天涯。', '元曲'],
    ['春风又绿江南岸', null],
  ];
  const shown = async (text) => {
    await page.fill('#classify-text', text);
    await page.waitForFunction((s) => document.getElementById('classify-result').dataset.text === s, text, { timeout: TIMEOUT });
    return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#classify-compare tbody tr')].map((tr) =>
      [tr.dataset.model, { answer: tr.dataset.answer ?? null, cells: [...tr.querySelectorAll('td.num')].map((td) => td.textContent) }])));
  };
  for (const [text, form] of cases) {
    const rows = await shown(text);
    t.diagnostic(`${text} → ${JSON.stringify(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.answer])))}`);
    for (const n of have) {
      const c = models[n].classify(text);
      assert.equal(rows[n].answer, c.label, `${n} on ${text}`);
      // The columns are 诗经 唐诗 宋词 元曲, each as a whole percentage.
      assert.deepEqual(rows[n].cells, ['诗经', '唐诗', '宋词', '元曲'].map((l) => `${Math.round(100 * c.probs[l])}%`), `${n} on ${text}`);
    }
    if (form && have.includes('zh-forms-bilstm')) assert.equal(rows['zh-forms-bilstm'].answer, form, `the BiLSTM on ${text}`);
  }
  // The chosen network (the BiLSTM by default, else the first): its answer, saliency and reading chart.
  const sel = await page.getAttribute('#classify-result', 'data-shown');
  const text = cases.at(-1)[0], chars = Array.from(text), m = models[sel];
  assert.equal(await page.getAttribute('#classify-result', 'data-answer'), m.classify(text).label);
  const why = await page.evaluate(() => ({ target: document.getElementById('classify-why').dataset.target,
    g: [...document.querySelectorAll('#classify-why span')].map((e) => Number(e.dataset.g)) }));
  const s = m.saliency(text, { position: 0 });
  assert.equal(why.target, s.target);
  assert.equal(why.g.length, chars.length);
  why.g.forEach((g, i) => assert.ok(Math.abs(g - s.gradTimesInput[i]) <= 1e-6 + 1e-5 * Math.abs(g), `saliency, character ${i}`));
  const reading = await page.evaluate(() => [...document.querySelectorAll('#classify-reading tbody tr')]
    .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const labels = await page.evaluate(() => [...document.querySelectorAll('#classify-reading thead th.num')].map((th) => th.textContent));
  assert.equal(reading.length, chars.length);
  reading.forEach((cells, k) => {
    const c = m.classify(chars.slice(0, k + 1).join(''));
    assert.deepEqual(cells, labels.map((l) => `${Math.round(100 * c.probs[l])}%`), `after character ${k + 1}`);
  });
  for (const x of Object.values(models)) x.dispose();
  await shot('classify');
});

// Once the engine is ready, a training run of 20 steps in the Train panel, to its end.
async function trainTwentySteps(p) {
  await p.waitForSelector('#engine-msg.ok', { state: 'attached', timeout: TIMEOUT });
  await p.click('a[data-panel="train"]');
  await p.waitForSelector('#train-start:not([disabled])', { timeout: TIMEOUT });
  await p.fill('#train-steps', '20');
  await p.click('#train-start');
  await p.waitForFunction(() => /Finished/.test(document.getElementById('train-msg').textContent), null, { timeout: TIMEOUT });
}

test('under a Content-Security-Policy header that also covers the worker, the page still works', { skip }, async (t) => {
  const core = readFileSync(path.join(webRoot, 'lib', 'recur-core.mjs'), 'utf8');
  if (core.includes('new Function')) {
    t.skip("this wasm build's embind glue calls new Function(), which a worker policy without 'unsafe-eval' refuses: link it with -sDYNAMIC_EXECUTION=0");
    return;
  }
  const strict = await startServer({ extra: ['--csp'] });
  const p = await browser.context.newPage();
  const errors = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  try {
    const res = await p.goto(strict.url);
    assert.match(res.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
    await trainTwentySteps(p);
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    await strict.stop();
  }
});

test('cross-origin isolated (COOP/COEP headers), training runs on the threaded module', { skip }, async () => {
  const isolated = await startServer({ extra: ['--coi'] });
  const p = await browser.context.newPage();
  const errors = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  p.on('pageerror', (e) => errors.push(e.message));
  try {
    await p.goto(isolated.url);
    assert.equal(await p.evaluate(() => crossOriginIsolated), true);
    await trainTwentySteps(p);
    const cores = await p.evaluate(() => navigator.hardwareConcurrency);
    if (cores >= 2) {
      await p.waitForFunction(() => /Training runs on \d+ threads/.test(document.getElementById('footer-info').textContent),
        null, { timeout: TIMEOUT });
    }
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    await isolated.stop();
  }
});

// Text in Chinese characters that is not inside an element marked lang="zh…" (on the English page).
const unmarkedChinese = () => page.evaluate(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (/\p{Script=Han}/u.test(n.data) && !e.closest('[lang^="zh"], textarea, script')) out.push(`${e.tagName.toLowerCase()}#${e.id}: ${n.data.trim().slice(0, 30)}`);
  }
  return out;
});

test('accessibility: axe-core finds no serious or critical WCAG 2.1 AA violation on any panel; Chinese text is marked lang="zh"', { skip }, async () => {
  // The panels hold what the tests above left in them: generated text, a training run, tagged sentences (the
  // last one Chinese), both memory experiments' tables and a classified passage.
  for (const p of ['generate', 'train', 'apple', 'memory', 'classify']) {
    await page.click(`a[data-panel="${p}"]`);
    await page.waitForSelector(`#panel-${p}`, { state: 'visible', timeout: TIMEOUT });
    assert.deepEqual(await axeViolations(), [], `desktop, ${p}`);
    await shot(`desktop-${p}`);
  }
  assert.deepEqual(await unmarkedChinese(), []);
});

// Each panel's main control or result, which a phone must show on its first screen.
const FIRST_SCREEN = { generate: '#gen-start', train: '#train-start', apple: '#apple-view', memory: '#mem-run', classify: '#classify-result' };
/** How far below the first screen (px) the top 40 px of a panel's FIRST_SCREEN element end; <= 0 when on it. */
const belowFirstScreen = (p) => page.evaluate((sel) => {
  const r = document.querySelector(sel).getBoundingClientRect();
  return r.top + window.scrollY + Math.min(r.height, 40) - window.innerHeight;
}, FIRST_SCREEN[p]);

test('phone-sized viewport: no horizontal overflow, no serious accessibility violation, the main control on the first screen; no console errors, no foreign requests in the whole run', { skip }, async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const p of ['generate', 'train', 'apple', 'memory', 'classify']) {
    await page.click(`a[data-panel="${p}"]`);
    await page.waitForSelector(`#panel-${p}`, { state: 'visible', timeout: TIMEOUT });
    assert.deepEqual(await axeViolations(), [], `phone, ${p}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${p}: the page is ${overflow}px wider than a phone screen`);
    const below = await belowFirstScreen(p);
    assert.ok(below <= 0, `${p}: ${FIRST_SCREEN[p]} is ${below}px below the first screen`);
    await shot(`phone-${p}`);
  }
  assert.deepEqual(browser.consoleErrors, []);
  assert.deepEqual(foreignRequests(browser.requests), []);
});

test('中文: the Chinese interface translates every string it shows, marks the page zh-Hans and passes axe-core at desktop and phone sizes', { skip }, async () => {
  const p = await browser.context.newPage();
  const errors = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const previous = page;
  page = p;  // axeViolations() and shot() read the shared page
  try {
    await p.setViewportSize({ width: 1200, height: 900 });
    await p.goto(`${server.url}?lang=zh#generate`);
    await p.waitForSelector('#engine-msg.ok', { state: 'attached', timeout: TIMEOUT });
    assert.equal(await p.getAttribute('html', 'lang'), 'zh-Hans');
    assert.equal((await p.textContent('a[data-panel="generate"]')).trim(), '生成');
    // Fill each panel as a visitor would, so that the strings the code writes are shown too.
    const lms = catalog.filter((m) => m.task === 'lm');
    if (lms.length) {
      await p.waitForSelector('#gen-start:not([disabled])', { timeout: TIMEOUT });
      await p.fill('#gen-length', '40');
      await p.click('#gen-start');
      await p.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.getElementById('gen-out').dataset.state), null, { timeout: TIMEOUT });
      await p.waitForSelector('#step-next:not([disabled])', { timeout: TIMEOUT });
      await p.click('#step-next');
      await p.waitForSelector('#step-bars button', { timeout: TIMEOUT });
    }
    await p.click('a[data-panel="train"]');
    await p.fill('#train-steps', '20');
    await p.click('#train-start');
    await p.waitForSelector('#train-msg.ok', { timeout: TIMEOUT });
    await p.click('a[data-panel="apple"]');
    if (!appleSkip()) await p.waitForSelector('#apple-view[data-shown]', { timeout: TIMEOUT });
    await p.click('a[data-panel="memory"]');
    await p.click('a[data-panel="classify"]');
    if (catalog.some((m) => m.name === 'zh-forms-bilstm')) await p.waitForSelector('#classify-result[data-shown]', { timeout: TIMEOUT });
    for (const [w, h] of [[1200, 900], [390, 844]]) {
      await p.setViewportSize({ width: w, height: h });
      for (const name of ['generate', 'train', 'apple', 'memory', 'classify']) {
        await p.click(`a[data-panel="${name}"]`);
        await p.waitForSelector(`#panel-${name}`, { state: 'visible', timeout: TIMEOUT });
        assert.deepEqual(await axeViolations(), [], `中文, ${w}px, ${name}`);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 1, `中文, ${name}: the page is ${overflow}px wider than the window`);
        if (w < 500) assert.ok(await belowFirstScreen(name) <= 0, `中文, ${name}: ${FIRST_SCREEN[name]} is below the first screen`);
        await shot(`zh-${w}px-${name}`);
      }
    }
    const missing = await p.evaluate(async () => [...(await import('./i18n.js')).missing]);
    assert.deepEqual(missing, [], 'English strings asked for with no Chinese in web/i18n/zh.js');
    // Every string, shown in this run or not: index.html's (as i18n.js reads them) and each literal the code passes to t().
    const ZH = (await import('../../web/i18n/zh.js')).default;
    const htmlKeys = await p.evaluate(async () => (await import('./i18n.js'))
      .pageStrings(new DOMParser().parseFromString(await (await fetch('index.html')).text(), 'text/html')));
    const codeKeys = [];
    for (const file of ['app.js', 'chart.js', 'heatmap.js', ...readdirSync(path.join(webRoot, 'panels')).map((f) => `panels/${f}`),
      ...readdirSync(path.join(webRoot, 'shared')).map((f) => `shared/${f}`)]) {
      const src = readFileSync(path.join(webRoot, file), 'utf8');
      const literal = String.raw`(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")`;  // '…' or "…"
      for (const re of [new RegExp(String.raw`\bt\(\s*${literal}`, 'g'), new RegExp(String.raw`\bplural\([^,()]+,\s*${literal},\s*${literal}`, 'g')]) {
        for (const m of src.matchAll(re)) codeKeys.push(...m.slice(1).filter((x) => x !== undefined).map((x) => x.replace(/\\(.)/g, '$1')));
      }
    }
    assert.ok(htmlKeys.length > 150 && codeKeys.length > 200, `${htmlKeys.length} + ${codeKeys.length} strings found`);
    assert.deepEqual([...htmlKeys, ...codeKeys].filter((k) => !(k in ZH)), [], 'strings with no Chinese in web/i18n/zh.js');
    assert.deepEqual(errors, []);
  } finally {
    page = previous;
    await p.evaluate(() => localStorage.removeItem('recur-lang')).catch(() => {});
    await p.close();
  }
});
