// Gradients through time, in the Memory panel: how strongly each left-to-right apple tagger's
// answer at the last character depends on every earlier character, |d log p(answer) / d x_t|
// (the engine's saliency()), plotted on a log scale against the distance back. The plain RNN's
// falls by orders of magnitude within a few dozen characters; the LSTM's and the GRU's do not.
// Then the exploding side: two plain RNNs trained alike, with and without gradient clipping.
import { drawLineChart } from '../chart.js';
import { t } from '../i18n.js';
import { $, el, naCell, rowHeader, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { APPLE_MODELS } from '../shared/models.js';
import { loadAppleModels } from './apple.js';
import { labelText } from './apple-view.js';
import { DEFAULT_TRAIN_TEXT } from './train-text.js';

const MODELS = APPLE_MODELS.slice(0, 3);
const DISTANCES = [0, 5, 10, 25, 50, 100, 200];
// A cue word, then text that says nothing about it (about 300 characters in English, 110 in
// Chinese), then the mention.
const EXAMPLES = {
  en: 'We talked about the orchard all afternoon. Then the conversation wandered: the weather had turned, the ' +
    'trains were late again, someone had painted the fence by the river, nobody could remember who had borrowed ' +
    'the ladder, and the meeting on Thursday had no time yet. Later that evening I kept thinking about the apple',
  zh: '我们整个下午都在聊果园。后来话题越扯越远：天气变了，火车又晚点了，有人把河边的篱笆漆成了蓝色，谁也想不起梯子借给了谁，' +
    '星期四的会到底几点开始也没人知道，楼下的猫又不见了，图书馆换了新的开门时间，隔壁在装修，周末可能下雨。到了晚上，我一直在想那个苹果',
};

const g = {
  text: $('grad-text'), run: $('grad-run'), msg: $('grad-msg'), chart: $('grad-chart'), table: $('grad-table'),
  summary: $('grad-summary'), results: null, measured: '', busy: false,
};

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const power = (k) => `10${String(k).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c])}`;
/** 2.8×10⁻¹³; 0 for a gradient that underflowed. */
const sci = (v) => {
  if (!(v > 0)) return '0';
  const [m, e] = v.toExponential(1).split('e');
  return `${m}×${power(Number(e))}`;
};

/** Draws log10 |gradient| against the distance back; a gradient that underflowed to 0 is left out. */
function drawChart() {
  const series = MODELS.filter((m) => g.results?.[m.name]).map((m) => {
    const norms = g.results[m.name].gradNorm, last = norms.length - 1;
    const points = [];
    for (let d = 0; d <= last; d++) if (norms[last - d] > 0) points.push([d, Math.log10(norms[last - d])]);
    return { label: m.short, color: m.color, points, width: 1.5 };
  });
  drawLineChart(g.chart, {
    series, legend: true, xLabel: t('characters back from the last one'), yLabel: t('gradient (log scale)'),
    xMin: 0, yFormat: (v) => power(Math.round(v)),
    empty: t('Press “Measure the gradients” to see the curves.'),
  });
}

function renderTable() {
  const table = g.table;
  table.textContent = '';
  if (!g.results) return;
  const n = Array.from(g.measured).length;
  const ds = DISTANCES.filter((d) => d < n);
  table.createTHead().insertRow().append(el('th', { textContent: t('Network') }), el('th', { textContent: t('Answer') }),
    ...ds.map((d) => el('th', { className: 'num', textContent: t('{n} back', { n: d }) })));
  const body = table.createTBody();
  for (const m of MODELS) {
    const row = body.insertRow();
    row.dataset.model = m.name;
    rowHeader(row, m.short);
    const r = g.results[m.name];
    if (!r || r.error) {
      naCell(row, ds.length + 1, r?.error ?? t('not available in this build'));
      continue;
    }
    row.insertCell().textContent = labelText(r.target);
    const last = r.gradNorm.length - 1;
    for (const d of ds) {
      const td = row.insertCell();
      td.className = 'num';
      td.textContent = sci(r.gradNorm[last - d]);
      td.dataset.distance = d;
      td.dataset.value = r.gradNorm[last - d];
    }
  }
}

// One sentence from the numbers: how far each gradient fell from the last character to the
// farthest tabulated distance.
function summarize() {
  const n = Array.from(g.measured).length;
  const d = DISTANCES.filter((x) => x < n && x <= 200).at(-1);
  const parts = MODELS.filter((m) => g.results[m.name]?.gradNorm?.at(-1) > 0).map((m) => {
    const v = g.results[m.name].gradNorm, last = v.length - 1;
    const ratio = v[last - d] / v[last];
    return t("the {name}'s is {ratio}", { name: m.short, ratio: ratio > 0 ? sci(ratio) : t('0 (below the smallest float)') });
  });
  g.summary.textContent = d > 0 && parts.length
    ? t('{d} characters back, as a fraction of its value at the last character, {parts}.', { d, parts: parts.join(', ') })
    : '';
}

async function measure() {
  if (g.busy) return;
  const text = g.text.value;
  if (!text.trim()) { showMsg(g.msg, t('Type a text first.'), 'error'); return; }
  g.busy = true;  // clicks meanwhile are ignored (the button keeps its focus)
  showMsg(g.msg, t('Measuring…'));
  try {
    const loaded = await loadAppleModels();
    g.results = {};
    g.measured = text;  // what the table and summary describe, whatever the box holds later
    for (const m of MODELS) {
      if (!loaded.some((e) => e.name === m.name)) continue;
      try {
        g.results[m.name] = await engine.request('saliency', { slot: m.name, text }).promise;
      } catch (e) {
        g.results[m.name] = { error: e.message };
      }
    }
    showMsg(g.msg, '');
    summarize();
  } finally {
    g.busy = false;
    drawChart();
    renderTable();
    g.chart.dataset.done = 'true';
  }
}

g.run.addEventListener('click', measure);
for (const b of document.querySelectorAll('[data-grad-example]')) {
  b.addEventListener('click', () => {
    if (g.busy) return;
    g.text.value = EXAMPLES[b.dataset.gradExample];
    measure();
  });
}

// ------------------------------------------------ exploding: with and without clipping

const CLIP = { steps: 150, lr: 2, clips: [0, 1], seed: 1 };
const CLIP_STEPS_SHOWN = [1, 25, 50, 75, 100, 125, 150];
const clip = { run: $('clip-run'), chart: $('clip-chart'), summary: $('clip-summary'), table: $('clip-table'), runs: null, busy: false };
const clipLabel = (c) => (c > 0 ? t('clipped at norm {c}', { c }) : t('not clipped'));
const uniformBits = () => Math.log2(new Set(DEFAULT_TRAIN_TEXT).size);

function drawClip() {
  const colours = ['#b93c0c', '#1c64d1'];
  const series = (clip.runs ?? []).map((r, i) => ({ label: clipLabel(r.clip), color: colours[i], width: 1.5,
    points: r.bits.map((b, s) => [s + 1, b]).filter(([, b]) => Number.isFinite(b)) }));
  if (series.length) series.push({ label: t('uniform guessing'), color: '#7a828e', dash: [4, 4], width: 1, points: [[1, uniformBits()], [CLIP.steps, uniformBits()]] });
  drawLineChart(clip.chart, {
    series, legend: true, xLabel: t('training step'), yLabel: t('bits/char'), yMin: 0, xMin: 1, xMax: CLIP.steps,
    empty: t('Press “Train both” to see the two loss curves.'),
  });
}

function renderClip() {
  clip.table.textContent = '';
  clip.summary.textContent = '';
  if (!clip.runs) return;
  clip.table.createTHead().insertRow().append(el('th', { textContent: t('Run') }),
    ...CLIP_STEPS_SHOWN.map((s) => el('th', { className: 'num', textContent: t('step {step}', { step: s }) })),
    el('th', { className: 'num', textContent: t('worst') }));
  const body = clip.table.createTBody();
  for (const r of clip.runs) {
    const row = body.insertRow();
    row.dataset.clip = String(r.clip);
    rowHeader(row, clipLabel(r.clip));
    for (const s of CLIP_STEPS_SHOWN) {
      const td = row.insertCell();
      td.className = 'num';
      const b = r.bits[s - 1];
      td.textContent = Number.isFinite(b) ? b.toFixed(2) : r.error ? t('diverged') : '–';
      td.dataset.step = String(s);
      td.dataset.bits = String(b);
    }
    const worst = row.insertCell();
    worst.className = 'num';
    worst.textContent = Math.max(...r.bits.filter(Number.isFinite)).toFixed(1);
  }
  const [plain, clipped] = clip.runs;
  const end = (r) => (r.error ? t('diverged at step {step}', { step: r.bits.length }) : t('ends at {bits} bits/char', { bits: r.bits.at(-1).toFixed(2) }));
  clip.summary.textContent = t('Not clipped, the loss peaks at {peak} bits/char and {plain}; clipped, it {clipped}. Guessing uniformly costs {uniform}.', {
    peak: Math.max(...plain.bits.filter(Number.isFinite)).toFixed(1), plain: end(plain), clipped: end(clipped), uniform: uniformBits().toFixed(2),
  });
}

clip.run.addEventListener('click', async () => {
  if (clip.busy) return;  // the button keeps its focus; a second click waits for the first run
  clip.busy = true;
  clip.summary.textContent = t('Training…');
  try {
    const { runs } = await engine.request('clipdemo', { text: DEFAULT_TRAIN_TEXT, ...CLIP }).promise;
    clip.runs = runs;
    renderClip();
  } catch (e) {
    clip.summary.textContent = t('The runs failed: {error}', { error: e.message });
  } finally {
    clip.busy = false;
    drawClip();
    clip.chart.dataset.done = 'true';
  }
});

/** Both charts of this card (on show and after a resize). */
export function drawCharts() {
  drawChart();
  drawClip();
}

/** The first time the panel shows: the English example in the box. */
export function show(first) {
  if (first && !g.text.value) g.text.value = EXAMPLES.en;
  drawCharts();
}
