// The Memory experiment panel: generates probes (cue, neutral text of growing length, an
// ambiguous mention), runs the three left-to-right apple taggers on them in the engine worker,
// and plots accuracy against the distance between cue and mention.
import { DISTANCES, makeProbes } from '../apple-text.js';
import { drawLineChart } from '../chart.js';
import { $, el, fmtInt, naCell, pct, rowHeader, setDisabled, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { APPLE_MODELS } from '../shared/models.js';
import { loadAppleModels } from './apple.js';

const MEMORY_MODELS = APPLE_MODELS.slice(0, 3);
const MEMORY_COLOURS = { 'apple-rnn': '#8a6aa0', 'apple-lstm': '#1c64d1', 'apple-gru': '#1f7a3d' };
const mem = {
  run: $('mem-run'), cancel: $('mem-cancel'), progress: $('mem-progress'), status: $('mem-status'),
  msg: $('mem-msg'), chart: $('mem-chart'), table: $('mem-table'), missing: $('memory-missing'),
  examples: $('mem-examples'), job: null, cancelled: false, results: null,
};

/** Draws the accuracy curves of the networks that have results (an empty chart before a run). */
export function drawChart() {
  const series = MEMORY_MODELS.filter((m) => mem.results?.[m.name]).map((m) => ({
    label: m.short, color: MEMORY_COLOURS[m.name], dots: true,
    points: mem.results[m.name].map((r) => [r.distance, r.accuracy * 100]),
  }));
  if (series.length) series.push({ label: 'chance', color: '#9aa3b2', dash: [4, 4], width: 1, points: [[0, 50], [DISTANCES[DISTANCES.length - 1], 50]] });
  drawLineChart(mem.chart, {
    series, legend: true, xLabel: 'characters between cue and mention', yLabel: 'accuracy (%)',
    yMin: 0, yMax: 100, xMin: 0, xMax: DISTANCES[DISTANCES.length - 1],
    empty: 'Run the experiment to see the curves.',
  });
}

function renderTable() {
  const t = mem.table;
  t.textContent = '';
  if (!mem.results) return;
  t.createTHead().insertRow().append(el('th', { textContent: 'Network' }),
    ...DISTANCES.map((d) => el('th', { className: 'num', textContent: `${d} chars` })));
  const body = t.createTBody();
  for (const m of MEMORY_MODELS) {
    const rows = mem.results[m.name];
    const row = body.insertRow();
    row.dataset.model = m.name;
    rowHeader(row, m.short);
    if (!rows) { naCell(row, DISTANCES.length, mem.errors?.[m.name] ?? 'not available in this build'); continue; }
    for (const r of rows) {
      const td = row.insertCell();
      td.className = 'num';
      td.textContent = pct(r.accuracy);
      td.title = `${r.correct} of ${r.total} right`;
    }
  }
}

function renderExamples(probes) {
  mem.examples.textContent = '';
  const picks = [];
  for (const d of [25, 200]) for (const label of ['fruit', 'company']) {
    const p = probes.find((q) => q.distance === d && q.label === label && !picks.includes(q));
    if (p) picks.push(p);
  }
  for (const p of picks) {
    const chars = Array.from(p.text);
    mem.examples.append(el('li', {},
      el('strong', { textContent: `[${p.label}; ${p.gap} characters between cue and mention sentence] ` }),
      chars.slice(0, p.start).join(''),
      el('mark', { textContent: chars.slice(p.start, p.end + 1).join('') }),
      chars.slice(p.end + 1).join('')));
  }
}

/** Accuracy per distance: a probe is right when the larger of P(fruit), P(company) matches its label. */
function score(probes, out) {
  const fi = out.labels.indexOf('fruit'), ci = out.labels.indexOf('company'), L = out.labels.length;
  return DISTANCES.map((distance) => {
    let correct = 0, total = 0;
    probes.forEach((p, i) => {
      if (p.distance !== distance) return;
      total++;
      const guess = out.probs[i * L + ci] > out.probs[i * L + fi] ? 'company' : 'fruit';
      if (guess === p.label) correct++;
    });
    return { distance, correct, total, accuracy: total ? correct / total : NaN };
  });
}

async function run() {
  if (mem.job) return;
  const lang = $('mem-lang').value;
  const perDistance = Number($('mem-count').value);
  const seed = Number($('mem-seed').value);
  if (!Number.isInteger(seed) || seed < 0) { showMsg(mem.msg, 'The seed must be a whole number ≥ 0.', 'error'); return; }
  const probes = makeProbes({ langs: lang === 'both' ? ['en', 'zh'] : [lang], perDistance, seed });
  renderExamples(probes);
  mem.cancel.disabled = false;
  setDisabled(mem.run, true, mem.cancel);
  mem.cancelled = false;
  mem.results = {};
  mem.errors = {};
  showMsg(mem.msg, '');
  const models = (await loadAppleModels()).filter((e) => MEMORY_MODELS.some((m) => m.name === e.name));
  const items = probes.map((p) => ({ text: p.text, at: p.end }));
  const t0 = performance.now();
  try {
    for (const [k, entry] of models.entries()) {
      if (mem.cancelled) break;
      const job = engine.request('probe', { slot: entry.name, items }, (type, p) => {
        if (type !== 'progress') return;
        mem.progress.value = (k + p.done / p.total) / models.length;
        mem.status.textContent = `${entry.name}: ${p.done} / ${p.total} probes`;
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
    if (mem.cancelled) showMsg(mem.msg, 'Cancelled.');
    else {
      mem.progress.value = 1;
      mem.status.textContent = `${fmtInt(probes.length)} probes × ${models.length} networks in ${secs.toFixed(1)} s`;
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

mem.run.addEventListener('click', run);
mem.cancel.addEventListener('click', () => {
  mem.cancelled = true;
  if (mem.job) engine.control('cancel', mem.job.id);
});

/** Draws the chart; the first time, says which networks are missing and enables Run. */
export async function show(first) {
  drawChart();
  if (!first) return;
  const loaded = await loadAppleModels();
  const have = MEMORY_MODELS.filter((m) => loaded.some((e) => e.name === m.name));
  const missing = MEMORY_MODELS.filter((m) => !have.includes(m));
  if (missing.length) {
    showMsg(mem.missing, have.length
      ? `Not available in this build: ${missing.map((m) => m.name).join(', ')}; the experiment runs the others.`
      : 'The apple models (apple-rnn, apple-lstm, apple-gru) are not available in this build, so the experiment cannot run. Build them with “make models”, then run “make demo” again.',
    have.length ? 'info' : 'error');
  }
  mem.run.disabled = !have.length;
}
