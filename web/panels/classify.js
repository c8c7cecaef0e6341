// The Classify panel: as the visitor types, every bundled verse-form classifier reads the passage
// in the engine worker; the page shows the chosen network's answer, every network's answer, what
// the answer rests on (saliency) and the answer after each character.
import { drawLineChart } from '../chart.js';
import { plural, t } from '../i18n.js';
import { $, el, markZh, naCell, pct, showChar, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { loadNetworks, readsHow } from '../shared/models.js';
import { renderPushes } from './saliency-view.js';

/** The classifiers, in the order the page shows them; only the BiLSTM reads both ways. */
export const FORM_MODELS = [
  { name: 'zh-forms-rnn', short: 'RNN', both: false },
  { name: 'zh-forms-lstm', short: 'LSTM', both: false },
  { name: 'zh-forms-gru', short: 'GRU', both: false },
  { name: 'zh-forms-bilstm', short: 'BiLSTM', both: true },
];

/** The labels the models were trained with, what they mean, and their colours. */
export const FORMS = {
  诗经: { gloss: t('Book of Songs'), rgb: [166, 94, 20] },
  唐诗: { gloss: t('Tang poem'), rgb: [28, 100, 209] },
  宋词: { gloss: t('Song lyric'), rgb: [31, 122, 61] },
  元曲: { gloss: t('Yuan song'), rgb: [160, 50, 110] },
};
// What follows a label: ' ' and its gloss, or nothing where the gloss is the label itself (in Chinese).
const gloss = (l) => (FORMS[l] && FORMS[l].gloss !== l ? ` ${FORMS[l].gloss}` : '');
const formName = (l) => `${l}${gloss(l)}`;
const rgb = (l, a = 1) => `rgba(${(FORMS[l]?.rgb ?? [61, 68, 81]).join(', ')}, ${a})`;

// Famous openings (three of them are in training passages: 蒹葭, 浣溪沙, 天净沙) and two hard cases.
const PRESETS = [
  ['关关雎鸠，在河之洲。窈窕淑女，君子好逑。', '诗经 · 关雎'],
  ['蒹葭苍苍，白露为霜。所谓伊人，在水一方。', '诗经 · 蒹葭'],
  ['床前明月光，疑是地上霜。举头望明月，低头思故乡。', '李白 · 静夜思'],
  ['君不见黄河之水天上来，奔流到海不复回。', '李白 · 将进酒'],
  ['明月几时有？把酒问青天。不知天上宫阙，今夕是何年。', '苏轼 · 水调歌头'],
  ['一曲新词酒一杯，去年天气旧亭台。夕阳西下几时回？', t('{source} (a Song lyric in lines of seven)', { source: '晏殊 · 浣溪沙' })],
  ['枯藤老树昏鸦，小桥流水人家，古道西风瘦马。夕阳西下，断肠人在天涯。', '马致远 · 天净沙'],
  ['我是个蒸不烂煮不熟捶不匾炒不爆响珰珰一粒铜豌豆。', '关汉卿 · 不伏老'],
];

const cl = {
  text: $('classify-text'), result: $('classify-result'), compare: $('classify-compare'), msg: $('classify-msg'),
  missing: $('classify-missing'), why: $('classify-why'), whyText: $('classify-why-text'),
  chart: $('classify-chart'), reading: $('classify-reading'),
  available: [], loaded: new Set(), ready: null, busy: false, dirty: false, last: null,
};

const selected = () => document.querySelector('input[name="classify-model"]:checked')?.value;
const modelInputs = () => document.querySelectorAll('input[name="classify-model"]');
const argmax = (p) => p.reduce((best, v, j) => (v > p[best] ? j : best), 0);

/** The chosen network's distribution: one row per form, the most probable first, with a bar. */
function renderResult(r) {
  cl.result.textContent = '';
  cl.result.createTHead().insertRow().append(el('th', { textContent: t('Form') }), el('th', { textContent: t('Probability') }));
  const body = cl.result.createTBody();
  if (!r || r.error) {
    naCell(body.insertRow(), 2, r?.error ?? t('Type a passage.'));
    return;
  }
  const order = r.labels.map((l, j) => j).sort((a, b) => r.probs[b] - r.probs[a]);
  for (const j of order) {
    const row = body.insertRow();
    row.dataset.label = r.labels[j];
    row.append(el('th', { scope: 'row' }, el('span', { lang: 'zh', textContent: r.labels[j] }), gloss(r.labels[j])));
    const bar = el('span', { className: 'pbar' });
    bar.style.width = `${(100 * r.probs[j]).toFixed(1)}%`;
    bar.style.backgroundColor = rgb(r.labels[j]);
    row.insertCell().append(el('span', { className: 'pbar-track' }, bar), ` ${pct(r.probs[j])}`);
  }
  cl.result.dataset.answer = r.labels[order[0]];
}

function renderCompare(results) {
  const table = cl.compare;
  table.textContent = '';
  const labels = Object.keys(FORMS);
  table.createTHead().insertRow().append(el('th', { textContent: t('Network') }), el('th', { textContent: t('Answer') }),
    ...labels.map((l) => el('th', { className: 'num' }, el('span', { lang: 'zh', textContent: l }))));
  const body = table.createTBody();
  for (const m of FORM_MODELS) {
    const row = body.insertRow();
    row.dataset.model = m.name;
    row.append(el('th', { scope: 'row' }, m.short, el('span', { className: 'reads', textContent: ` ${readsHow(m)}` })));
    const r = results?.[m.name];
    const why = !cl.available.some((e) => e.name === m.name) ? t('not available in this build')
      : !cl.loaded.has(m.name) ? t('could not be loaded') : r?.error;
    if (why) { naCell(row, 1 + labels.length, why); continue; }
    if (!r) { naCell(row, 1 + labels.length, '…'); continue; }
    const best = r.labels[argmax(Array.from(r.probs))];
    row.dataset.answer = best;
    row.insertCell().append(el('span', { lang: 'zh', textContent: best }), gloss(best));
    for (const l of labels) {
      const j = r.labels.indexOf(l);
      row.append(el('td', { className: 'num', textContent: j < 0 ? '–' : pct(r.probs[j]) }));
    }
  }
}

/** Saliency of the chosen network's answer: tints in the answer's colour, grey against; and in words. */
function renderWhy(text, s) {
  cl.why.textContent = '';
  cl.whyText.textContent = '';
  if (!s || s.error) {
    cl.why.append(el('span', { className: 'none', textContent: s?.error ?? t('Type a passage.') }));
    return;
  }
  renderPushes(cl.why, cl.whyText, text, s.gradTimesInput, {
    rgb: FORMS[s.target]?.rgb ?? [61, 68, 81], label: formName(s.target), nothing: t('nothing'),
  });
  cl.why.dataset.target = s.target;
}

/** P(form) after each character for the chosen network, as a chart and a table. */
function renderReading(text, r) {
  const chars = Array.from(text);
  cl.reading.textContent = '';
  if (!r || r.error || !chars.length) {
    drawLineChart(cl.chart, { series: [], empty: r?.error ?? t('Type a passage.') });
    return;
  }
  const L = r.labels.length;
  drawLineChart(cl.chart, {
    series: r.labels.map((l, j) => ({ label: formName(l), color: rgb(l), width: 1.5, dots: chars.length < 40,
      points: chars.map((_, k) => [k, r.prefixes[k * L + j]]) })),
    legend: true, yMin: 0, yMax: 1, xMin: -0.5, xMax: chars.length - 0.5, yLabel: t('probability'),
    yFormat: (v) => v.toFixed(1), xTicks: chars.map((c, i) => ({ x: i, label: showChar(c) })),
  });
  cl.reading.createTHead().insertRow().append(el('th', { textContent: t('After') }),
    ...r.labels.map((l) => el('th', { className: 'num' }, el('span', { lang: 'zh', textContent: l }))));
  const body = cl.reading.createTBody();
  chars.forEach((c, k) => {
    const row = body.insertRow();
    row.append(el('th', { scope: 'row' }, el('span', { lang: 'zh', textContent: showChar(c) }), ` (${k + 1})`));
    for (let j = 0; j < L; j++) row.append(el('td', { className: 'num', textContent: pct(r.prefixes[k * L + j]) }));
  });
}

async function update() {
  await cl.ready?.catch(() => {});
  const text = cl.text.value;
  const sel = selected();
  const slots = cl.available.filter((e) => cl.loaded.has(e.name)).map((e) => e.name);
  if (!text.trim() || !slots.length) {
    renderResult(null); renderCompare(null); renderWhy(text, null); renderReading(text, null);
    cl.last = { text, results: null };
    return;
  }
  try {
    const results = await engine.request('classify', { slots, text, reading: sel }).promise;
    const mine = results[sel] ?? { error: cl.available.some((e) => e.name === sel) ? t('could not be loaded') : t('this network is not available in this build') };
    let why = null;
    if (!mine.error) {
      why = await engine.request('saliency', { slot: sel, text, position: 0 }).promise.catch((e) => ({ error: e.message }));
    }
    cl.last = { text, results };
    renderResult(mine);
    renderCompare(results);
    renderWhy(text, why);
    renderReading(text, mine);
    const say = mine.error ? '' : t('{name}: {label}, {pct}', {
      name: FORM_MODELS.find((m) => m.name === sel)?.short, label: formName(cl.result.dataset.answer), pct: pct(Math.max(...mine.probs)),
    });
    if ($('classify-say').textContent !== say) $('classify-say').replaceChildren(...markZh(say));
    showMsg(cl.msg, '');
    cl.result.dataset.text = text;
    cl.result.dataset.shown = sel;  // which network the view shows: what tests wait for
  } catch (e) {
    showMsg(cl.msg, e.message, 'error');
  }
}

/** Classifies the current passage; input that arrives meanwhile triggers one more run, not a queue. */
async function schedule() {
  if (cl.busy) { cl.dirty = true; return; }
  cl.busy = true;
  try {
    do { cl.dirty = false; await update(); } while (cl.dirty);
  } finally {
    cl.busy = false;
  }
}

cl.text.addEventListener('input', schedule);
for (const r of modelInputs()) r.addEventListener('change', schedule);
document.querySelector('#panel-classify .presets').append(...PRESETS.map(([text, source]) => {
  const b = el('button', {
    type: 'button', lang: 'zh', textContent: `${Array.from(text).slice(0, 8).join('')}…`, title: t('{text} ({source})', { text, source }), dataset: { text },
  });
  b.addEventListener('click', () => { cl.text.value = text; schedule(); });
  return b;
}));

function loadModels() {
  cl.ready ??= (async () => {
    const { available, infos } = await loadNetworks(FORM_MODELS, 'classify-model', {
      msg: cl.msg, missing: cl.missing,
      absentText: (missing) => (missing.length < FORM_MODELS.length ? null
        : [t('The verse-form classifiers are not available in this build (models/zh-forms-*/model.safetensors are missing), so this panel cannot classify. Build them with “make models”, then run “make demo” again.'), 'error']),
      loadingText: (n) => plural(n, 'Loading {n} classifier…', 'Loading {n} classifiers…'),
    });
    cl.available = available;
    cl.loaded = new Set(infos.keys());
  })();
  return cl.ready;
}

/** Loads the models the first time the panel is shown; classifies the passage every time. */
export async function show(first) {
  if (first) await loadModels();
  schedule();
}

/** After a resize: the chart follows the width. */
export function resize() {
  if (!$('panel-classify').hidden && cl.last) renderReading(cl.last.text, cl.last.results?.[selected()]);
}
