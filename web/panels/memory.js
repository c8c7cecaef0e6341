// The Memory experiment panel: runs the left-to-right apple taggers (RNN, LSTM, GRU, Transformer) on the fixed memory
// probes (a cue word, d characters of neutral text, then apple / 苹果; tests/apple/memory-probes.jsonl,
// made by tools/apple/probes.py) in the engine worker, and plots accuracy against d with 95 % intervals.
import { drawLineChart } from '../chart.js';
import { lang as pageLang, t } from '../i18n.js';
import { $, el, fmtInt, naCell, pct, rowHeader, setDisabled, showMsg } from '../shared/dom.js';
import { engine, getTrainEngine } from '../shared/engine.js';
import { RECALL_LAGS, RECALL_WINDOW } from '../recall-task.js';
import { APPLE_MODELS } from '../shared/models.js';
import { loadAppleModels } from './apple.js';
import { labelText } from './apple-view.js';
import * as gradients from './gradients.js';

const DISTANCES = [0, 25, 50, 100, 200, 400];
const SENSES = ['fruit', 'company'];
// The control's cue word (tools/apple/evaluate.py's too): the carriers read naturally with it, and it says
// nothing of either sense, so what a network answers then is its default at that distance.
const NEUTRAL_CUE = { en: 'weather', zh: '天气' };
// The left-to-right ones: the three cells and the causal Transformer, whose 512-character window
// holds every probe (the longest is 481 characters, 482 as a control).
const MEMORY_MODELS = APPLE_MODELS.filter((m) => !m.both);
const mem = {
  run: $('mem-run'), cancel: $('mem-cancel'), progress: $('mem-progress'), status: $('mem-status'),
  msg: $('mem-msg'), chart: $('mem-chart'), table: $('mem-table'), missing: $('memory-missing'),
  examples: $('mem-examples'), job: null, cancelled: false, results: null,
};

/** The probes file, parsed once: [{text, lang, sense, distance, nominal, cue, start, end}]. */
let probesReady = null;
function loadProbes() {
  probesReady ??= fetch('models/memory-probes.jsonl', { cache: 'no-cache' })
    .then((r) => { if (!r.ok) throw new Error(`memory-probes.jsonl: HTTP ${r.status}`); return r.text(); })
    .then((text) => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
  return probesReady;
}

/** 95 % Wilson score interval of c right out of n, as fractions. */
function wilson(c, n, z = 1.96) {
  if (!n) return [0, 1];
  const p = c / n, d = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

/** Draws both experiments' charts (on show and after a resize). */
export function drawCharts() {
  drawChart();
  gradients.drawCharts();
  drawRecall();
}

/** Draws the accuracy curves (both senses together) with their 95 % intervals. */
function drawChart() {
  const series = MEMORY_MODELS.filter((m) => mem.results?.[m.name]).map((m) => {
    const rows = mem.results[m.name];
    return {
      label: m.short, color: m.color, dots: true,
      points: rows.map((r) => [r.distance, (100 * r.all.correct) / r.all.total]),
      errors: rows.map((r) => wilson(r.all.correct, r.all.total).map((v) => 100 * v)),
    };
  });
  if (series.length) series.push({ label: t('chance'), color: '#9aa3b2', dash: [4, 4], width: 1, points: [[0, 50], [DISTANCES[DISTANCES.length - 1], 50]] });
  drawLineChart(mem.chart, {
    series, legend: true, xLabel: t('characters between the cue word and the mention'), yLabel: t('accuracy (%)'),
    yMin: 0, yMax: 100, xMin: 0, xMax: DISTANCES[DISTANCES.length - 1],
    empty: t('Run the experiment to see the curves.'),
  });
}

function cell(row, c, n, title) {
  const td = row.insertCell();
  td.className = 'num';
  const [lo, hi] = wilson(c, n);
  td.textContent = pct(c / n);
  td.title = title({ c, n, lo: pct(lo), hi: pct(hi) });
  Object.assign(td.dataset, { correct: c, total: n });
}

// Each network's rows: its accuracy on all probes and per cue, and the control's share of fruit answers.
const right = (v) => t('{c} of {n} right; 95 % interval {lo}–{hi}', v);
const PARTS = {
  all: { label: () => t('all'), title: right },
  fruit: { label: () => t('fruit cue'), title: right },
  company: { label: () => t('company cue'), title: right },
  none: { label: () => t('no cue: answered fruit'), title: (v) => t('{c} of {n} answered fruit; 95 % interval {lo}–{hi}', v) },
};

function renderTable() {
  const table = mem.table;
  table.textContent = '';
  if (!mem.results) return;
  table.createTHead().insertRow().append(el('th', { textContent: t('Network') }), el('th', { textContent: t('Probes') }),
    ...DISTANCES.map((d) => el('th', { className: 'num', textContent: t('{n} chars', { n: d }) })));
  const body = table.createTBody();
  for (const m of MEMORY_MODELS) {
    const rows = mem.results[m.name];
    for (const part of Object.keys(PARTS)) {
      const row = body.insertRow();
      Object.assign(row.dataset, { model: m.name, part });
      rowHeader(row, part === 'all' ? m.short : '');
      row.insertCell().textContent = PARTS[part].label();
      if (!rows) {
        naCell(row, DISTANCES.length, mem.errors?.[m.name] ?? t('not available in this build'));
        break;
      }
      for (const r of rows) cell(row, r[part].correct, r[part].total, PARTS[part].title);
    }
  }
}

function renderExamples(probes) {
  mem.examples.textContent = '';
  for (const d of [0, 25, 200]) for (const sense of SENSES) {
    const p = probes.find((q) => q.nominal === d && q.sense === sense);
    if (!p) continue;
    const chars = Array.from(p.text);
    const cueEnd = p.start - p.gap, cueStart = cueEnd - Array.from(p.cue).length;
    // The probe in its language, its caption in the page's.
    mem.examples.append(el('li', { lang: p.lang === 'zh' ? 'zh' : 'en' },
      el('strong', {
        lang: pageLang === 'zh' ? 'zh-Hans' : 'en',
        textContent: `${t('[{sense}; {gap} characters from the cue word to the mention]', { sense: labelText(sense), gap: p.gap })} `,
      }),
      chars.slice(0, cueStart).join(''),
      el('mark', { className: 'cue', textContent: p.cue }),
      chars.slice(cueEnd, p.start).join(''),
      el('mark', { textContent: chars.slice(p.start, p.end).join('') })));
  }
}

/** A probe with its cue word (gap code points before the mention) replaced by the neutral one. */
function control(p) {
  const chars = Array.from(p.text), word = NEUTRAL_CUE[p.lang], cueLength = Array.from(p.cue).length;
  const cueEnd = p.start - p.gap, shift = Array.from(word).length - cueLength;
  const text = chars.slice(0, cueEnd - cueLength).join('') + word + chars.slice(cueEnd).join('');
  return { ...p, cue: word, text, start: p.start + shift, end: p.end + shift };
}

/** Right / total per distance, overall and per sense; a probe is right when the larger of
 * P(fruit), P(company) at the mention's last character matches its sense. `none` counts the fruit answers
 * to each probe's control, which is out's row probes.length + i for probe i. */
function score(probes, out) {
  const fi = out.labels.indexOf('fruit'), ci = out.labels.indexOf('company'), L = out.labels.length;
  const guess = (i) => (out.probs[i * L + ci] > out.probs[i * L + fi] ? 'company' : 'fruit');
  return DISTANCES.map((distance) => {
    const r = { distance, ...Object.fromEntries(Object.keys(PARTS).map((k) => [k, { correct: 0, total: 0 }])) };
    probes.forEach((p, i) => {
      if (p.nominal !== distance) return;
      for (const k of ['all', p.sense]) {
        r[k].total++;
        if (guess(i) === p.sense) r[k].correct++;
      }
      r.none.total++;
      if (guess(probes.length + i) === 'fruit') r.none.correct++;
    });
    return r;
  });
}

/** The first `count` probes of each language, sense and distance asked for. */
function choose(all, langs, count) {
  const seen = new Map();
  return all.filter((p) => {
    if (!langs.includes(p.lang)) return false;
    const key = `${p.lang} ${p.sense} ${p.nominal}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return seen.get(key) <= count;
  });
}

async function run() {
  if (mem.job) return;
  const lang = $('mem-lang').value;
  const count = Number($('mem-count').value);
  let probes;
  try {
    probes = choose(await loadProbes(), lang === 'both' ? ['en', 'zh'] : [lang], count);
  } catch (e) {
    probesReady = null;
    showMsg(mem.msg, t('Could not load the probes: {error}', { error: e.message }), 'error');
    return;
  }
  renderExamples(probes);
  mem.cancel.disabled = false;
  setDisabled(mem.run, true, mem.cancel);
  mem.cancelled = false;
  mem.results = {};
  mem.errors = {};
  showMsg(mem.msg, '');
  const models = (await loadAppleModels()).filter((e) => MEMORY_MODELS.some((m) => m.name === e.name));
  // The controls: every probe again, with a neutral word for its cue.
  const items = [...probes, ...probes.map(control)].map((p) => ({ text: p.text, at: p.end - 1 }));
  const t0 = performance.now();
  try {
    for (const [k, entry] of models.entries()) {
      if (mem.cancelled) break;
      const job = engine.request('probe', { slot: entry.name, items }, (type, p) => {
        if (type !== 'progress') return;
        mem.progress.value = (k + p.done / p.total) / models.length;
        mem.status.textContent = t('{name}: {done} / {total} probes', { name: entry.name, done: p.done, total: p.total });
      });
      mem.job = job;
      let out;
      try {
        out = await job.promise;
      } catch (e) {
        if (mem.cancelled) break;
        mem.errors[entry.name] = e.message;
        continue;
      }
      mem.results[entry.name] = score(probes, out);
      drawChart();
      renderTable();
    }
    const secs = (performance.now() - t0) / 1000;
    if (mem.cancelled) showMsg(mem.msg, t('Cancelled.'));
    else {
      mem.progress.value = 1;
      mem.status.textContent = t('{probes} probes × {networks} networks in {secs} s', { probes: fmtInt(items.length), networks: models.length, secs: secs.toFixed(1) });
    }
  } finally {
    mem.job = null;
    mem.run.disabled = !models.length;
    setDisabled(mem.cancel, true, mem.run);
    drawChart();
    renderTable();
    mem.chart.dataset.done = 'true';
  }
}

// ---------------------------------------------------------------- key recall, trained live

const RECALL_CELLS = [
  { cell: 'rnn_tanh', short: 'RNN', color: MEMORY_MODELS[0].color },
  { cell: 'lstm', short: 'LSTM', color: MEMORY_MODELS[1].color },
  { cell: 'gru', short: 'GRU', color: MEMORY_MODELS[2].color },
  { cell: 'transformer', short: 'Transformer', color: MEMORY_MODELS[3].color },
];
const RECALL = { steps: 400, rounds: 4, hidden: 24, perLag: 100, seeds: [1, 2, 3] };
const rec = {
  run: $('recall-run'), cancel: $('recall-cancel'), progress: $('recall-progress'), status: $('recall-status'),
  msg: $('recall-msg'), chart: $('recall-chart'), table: $('recall-table'), job: null, results: {},
};
const runs = () => RECALL_CELLS.flatMap((c) => RECALL.seeds.map((seed) => ({ ...c, seed, key: `${c.cell} ${seed}` })));

/** One line per trained network; the legend names each cell once. */
function drawRecall() {
  const series = runs().filter((r) => rec.results[r.key]).map((r) => {
    const { curve } = rec.results[r.key];
    return {
      label: r.seed === RECALL.seeds[0] ? r.short : '', color: r.color, dots: true, width: 1.5,
      points: curve.map((p, i) => [i, (100 * p.correct) / p.total]),
    };
  });
  if (series.length) series.push({ label: t('chance'), color: '#9aa3b2', dash: [4, 4], width: 1, points: [[0, 50], [RECALL_LAGS.length - 1, 50]] });
  if (runs().some((r) => r.cell === 'transformer' && rec.results[r.key])) {
    // The window's end (the longest gap it holds: RECALL_WINDOW - 2) on the gap axis, which is evenly
    // spaced by index: between the two lags around it.
    const k = RECALL_LAGS.findIndex((lag) => lag + 2 > RECALL_WINDOW);
    const x = k - 1 + (RECALL_WINDOW - 2 - RECALL_LAGS[k - 1]) / (RECALL_LAGS[k] - RECALL_LAGS[k - 1]);
    series.push({ label: t('end of the Transformer’s window'), color: RECALL_CELLS[3].color, dash: [2, 3], width: 1, points: [[x, 0], [x, 100]] });
  }
  drawLineChart(rec.chart, {
    series, legend: true, xLabel: t('gap between the key and the full stop (letters)'), yLabel: t('accuracy (%)'),
    yMin: 0, yMax: 100, xMin: 0, xMax: RECALL_LAGS.length - 1,
    xTicks: RECALL_LAGS.map((lag, i) => ({ x: i, label: String(lag) })),
    empty: t('Train the networks to see how far back each remembers the key.'),
  });
}

function renderRecallTable() {
  const table = rec.table;
  table.textContent = '';
  table.createTHead().insertRow().append(el('th', { textContent: t('Network') }), el('th', { className: 'num', textContent: t('Training step') }),
    ...RECALL_LAGS.map((lag) => el('th', { className: 'num', textContent: t('gap {n}', { n: lag }) })));
  const body = table.createTBody();
  for (const r of runs()) {
    const res = rec.results[r.key];
    if (!res) continue;
    const row = body.insertRow();
    Object.assign(row.dataset, { cell: r.cell, seed: r.seed });
    rowHeader(row, `${r.short} #${r.seed}`);
    const step = row.insertCell();
    step.className = 'num';
    step.textContent = `${res.step} / ${RECALL.steps}`;
    for (const p of res.curve) cell(row, p.correct, p.total, right);
  }
}

async function runRecall() {
  if (rec.job) return;
  rec.results = {};
  delete rec.chart.dataset.done;
  showMsg(rec.msg, '');
  setDisabled(rec.run, true, rec.cancel);
  rec.cancel.disabled = false;
  const t0 = performance.now();
  const all = runs();
  const job = getTrainEngine().request('recall', { ...RECALL, cells: RECALL_CELLS.map((c) => c.cell) }, (type, p) => {
    if (type !== 'progress') return;
    const k = all.findIndex((r) => r.cell === p.cell && r.seed === p.seed);
    rec.results[all[k].key] = p;
    rec.progress.value = (k + p.step / RECALL.steps) / all.length;
    rec.status.textContent = t('{name} #{seed}: step {step} of {steps}', { name: all[k].short, seed: p.seed, step: p.step, steps: RECALL.steps });
    drawRecall();
    renderRecallTable();
  });
  rec.job = job;
  try {
    await job.promise;
    rec.progress.value = 1;
    rec.status.textContent = t('{n} networks trained and tested in {secs} s', { n: all.length, secs: ((performance.now() - t0) / 1000).toFixed(1) });
    rec.chart.dataset.done = 'true';
  } catch (e) {
    showMsg(rec.msg, /cancel/i.test(e.message) ? t('Cancelled.') : t('The experiment failed: {error}', { error: e.message }), /cancel/i.test(e.message) ? 'info' : 'error');
  } finally {
    rec.job = null;
    setDisabled(rec.cancel, true, rec.run);
    rec.run.disabled = false;
  }
}

rec.run.addEventListener('click', runRecall);
rec.cancel.addEventListener('click', () => rec.job && getTrainEngine().control('cancel', rec.job.id));

mem.run.addEventListener('click', run);
mem.cancel.addEventListener('click', () => {
  mem.cancelled = true;
  if (mem.job) engine.control('cancel', mem.job.id);
});

/** Draws the chart; the first time, says which networks are missing and enables Run. */
export async function show(first) {
  gradients.show(first);
  drawCharts();
  if (!first) return;
  const loaded = await loadAppleModels();
  const have = MEMORY_MODELS.filter((m) => loaded.some((e) => e.name === m.name));
  const missing = MEMORY_MODELS.filter((m) => !have.includes(m));
  if (missing.length) {
    showMsg(mem.missing, have.length
      ? t('Not available in this build: {names}; the experiment runs the others.', { names: missing.map((m) => m.name).join(', ') })
      : t('The apple models (apple-rnn, apple-lstm, apple-gru) are not available in this build, so the experiment cannot run. Build them with “make models”, then run “make demo” again.'),
    have.length ? 'info' : 'error');
  }
  mem.run.disabled = !have.length;
}
