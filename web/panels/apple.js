// The Apple panel: as the visitor types, every bundled tagger reads the sentence in the engine
// worker; the selected network's view is drawn by apple-view.js. Also loads the apple models
// for the memory experiment.
import { findMentions, wordEnds } from '../apple-text.js';
import { plural, t } from '../i18n.js';
import { $, el, showChar, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { APPLE_MODELS, loadNetworks } from '../shared/models.js';
import { labelText, renderBelief, renderCompare, renderHeat, renderSentence, renderWhy, stateName } from './apple-view.js';
import { renderCell } from './cell-view.js';
import { unitsByActivity } from '../heatmap.js';

const PRESETS = [
  'I like eating apple!',
  'The Apple is a great company!',
  '快过圣诞节了,好想要一个苹果',
  '手机坏了,好想要一个苹果',
  'I ate an apple while reading about Apple\'s new phone.',
  'My phone fell into the lake last week, and after a long weekend of waiting for the shop around the corner to open again, I finally got a new apple.',
  'We drove out to the orchard on Saturday, walked between the rows for an hour, talked about everything and nothing, and on the way back I picked an apple.',
  '我的手机屏幕碎了,周末商场里人太多,排了很久的队也没修好,最后还是决定换一个新的苹果',
  '奶奶家院子里的果树结满了果子,我们在树下聊了整整一个下午,临走的时候她塞给我一个苹果',
];

// At most `width` columns, counting a CJK character as two.
function shorten(s, width) {
  let w = 0, out = '';
  for (const ch of s) {
    w += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch) ? 2 : 1;
    if (w > width) return `${out}…`;
    out += ch;
  }
  return out;
}

const ap = {
  text: $('apple-text'), view: $('apple-view'), msg: $('apple-msg'), missing: $('apple-missing'),
  compare: $('apple-compare'), chart: $('apple-chart'), beliefTable: $('apple-belief-table'),
  heat: $('apple-heat'), heatInfo: $('apple-heat-info'), beliefTimer: 0, beliefJob: null, belief: null,
  cell: $('cell-view'), cellUnit: $('cell-unit'), cellAt: null, cellUnitChosen: false, cellSpoken: false, hidden: null,
  layer: $('apple-layer'), state: $('apple-state'), direction: $('apple-direction'),
  directionField: $('apple-direction-field'), heatLegend: $('apple-heat-legend'),
  available: [], infos: new Map(), busy: false, dirty: false, last: null, heatLookup: null, ready: null,
};

const modelInputs = () => document.querySelectorAll('input[name="apple-model"]');
const selectedApple = () => document.querySelector('input[name="apple-model"]:checked')?.value;

// mine: the selected network's tag result.
function render(text, mentions, results, mine, hidden) {
  renderSentence(ap.view, text, mentions, mine, !APPLE_MODELS.find((m) => m.name === selectedApple())?.both);
  renderCompare(ap.compare, text, mentions, results, ap.available.map((e) => e.name));
  ap.heatLookup = renderHeat(ap.heat, ap.heatLegend, ap.heatInfo, text, hidden);
  ap.hidden = hidden;
  drawCell();
}

// The explorer follows the sentence: a new text starts it at the last character, and until the
// visitor picks a unit it shows the one whose h changes most.
function drawCell() {
  const h = ap.hidden, rows = h?.rows ?? 0;
  if (ap.cellAt === null || ap.cellAt >= rows) ap.cellAt = Math.max(0, rows - 1);
  if (!ap.cellUnitChosen && h?.values) ap.cellUnit.value = String(unitsByActivity(rows, h.cols, h.values.h)[0]);
  const unit = Math.max(0, Math.min((h?.cols ?? 1) - 1, Number(ap.cellUnit.value) | 0));
  ap.cellUnit.max = String((h?.cols ?? 1) - 1);
  if (String(unit) !== ap.cellUnit.value) ap.cellUnit.value = String(unit);
  const say = renderCell(ap.cell, ap.last?.text ?? ap.text.value, h, ap.cellAt, unit);
  if (ap.cellSpoken && $('cell-say').textContent !== say) $('cell-say').textContent = say;
}

function stepCell(delta) {
  if (!ap.hidden?.rows) return;
  ap.cellSpoken = true;  // announce values the visitor asked for, not each redraw while typing
  ap.cellAt = Math.max(0, Math.min(ap.hidden.rows - 1, ap.cellAt + delta));
  drawCell();
}
$('cell-prev').addEventListener('click', () => stepCell(-1));
$('cell-next').addEventListener('click', () => stepCell(1));
ap.cellUnit.addEventListener('input', () => { ap.cellUnitChosen = true; drawCell(); });
ap.cell.addEventListener('keydown', (e) => {
  const d = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
  if (d) { e.preventDefault(); stepCell(d); }
});

/**
 * The belief trace of the sentence as it is now, asked of the worker after the tagging (so typing
 * stays quick) and kept in ap.belief, from which the chart is redrawn (after a resize) without
 * asking again.
 */
async function updateBelief(text, mentions, slots) {
  if (ap.busy || ap.dirty || ap.text.value !== text) return;  // more typing is on its way
  // Where the belief trace asks "what if apple came next": the end of each word.
  const words = wordEnds(Array.from(text), mentions);
  const at = words.map((w) => w.at);
  const word = /\p{Script=Han}/u.test(text) ? '苹果' : ' apple';
  let beliefs = {};
  if (at.length) {
    if (ap.beliefJob) engine.control('cancel', ap.beliefJob.id);
    const job = engine.request('whatif', { slots, text, word, at });
    ap.beliefJob = job;
    try {
      beliefs = await job.promise;
    } catch (e) {
      if (/cancelled/.test(e.message)) return;  // typed over: the next run draws
      throw e;
    } finally {
      if (ap.beliefJob === job) ap.beliefJob = null;
    }
  }
  if (ap.text.value !== text) return;
  ap.belief = { text, mentions, words, beliefs };
  drawBelief();
}

/** Redraws the belief chart from ap.belief, or says it is being read. */
function drawBelief() {
  const b = ap.belief;
  if (b?.text === ap.last?.text) {
    renderBelief(ap.chart, ap.beliefTable, b.text, b.mentions, b.words, b.beliefs);
    ap.chart.dataset.text = b.text;
  } else {
    renderBelief(ap.chart, ap.beliefTable, ap.last?.text ?? '', ap.last?.mentions ?? [], [], null);
    delete ap.chart.dataset.text;
  }
}

function showHeatCell(hit) {
  const chars = Array.from(ap.last.text);
  ap.heatInfo.textContent = ap.hidden?.attention
    ? t('Reading “{char}” (character {pos}), this head gives “{key}” (character {keyPos}) the weight {value}', {
      char: showChar(chars[hit.t]), pos: hit.t + 1, key: showChar(chars[hit.unit]), keyPos: hit.unit + 1, value: hit.value.toFixed(3),
    })
    : t('After “{char}” (character {pos}), unit {unit}: {value}', {
      char: showChar(chars[hit.t]), pos: hit.t + 1, unit: hit.unit, value: hit.value.toFixed(3),
    });
}

// A click on the heat map shows that character and unit in the explorer.
ap.heat.addEventListener('click', (e) => {
  if (!ap.heatLookup) return;
  const r = ap.heat.getBoundingClientRect();
  const hit = ap.heatLookup.at(e.clientX - r.left, e.clientY - r.top);
  if (!hit || ap.hidden?.attention) return;
  ap.cellAt = hit.t;
  ap.cellUnit.value = String(hit.unit);
  ap.cellUnitChosen = true;
  drawCell();
});

ap.heat.addEventListener('mousemove', (e) => {
  if (!ap.heatLookup || !ap.last) return;
  const r = ap.heat.getBoundingClientRect();
  const hit = ap.heatLookup.at(e.clientX - r.left, e.clientY - r.top);
  if (hit) showHeatCell(hit);
});

// The keyboard's way to the numbers: arrows move a cursor over characters (←→) and units (↑↓).
const HEAT_KEYS = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
  Home: [-Infinity, 0], End: [Infinity, 0],
};
ap.heat.addEventListener('keydown', (e) => {
  const move = HEAT_KEYS[e.key];
  const lookup = ap.heatLookup;
  if (!move || !lookup || !ap.last) return;
  e.preventDefault();
  const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
  const at = lookup.cursor;
  lookup.cursor = at ? { t: clamp(at.t + move[0], lookup.rows), row: clamp(at.row + move[1], lookup.units) }
    : { t: move[0] === Infinity ? lookup.rows - 1 : 0, row: 0 };  // the first key starts at a corner
  const hit = lookup.select(lookup.cursor.t, lookup.cursor.row);
  showHeatCell(hit);
  if (ap.hidden?.attention) return;
  ap.cellAt = hit.t;  // the explorer follows the keyboard cursor too
  ap.cellUnit.value = String(hit.unit);
  ap.cellUnitChosen = true;
  drawCell();
});

function refreshLayerChoices() {
  const info = ap.infos.get(selectedApple());
  const layers = info?.config.numLayers ?? 1;
  // The top layer when the depth changes (a Transformer after a one-layer cell), else the same one.
  const keep = ap.layer.options.length === layers ? Number(ap.layer.value) : layers - 1;
  ap.layer.textContent = '';
  for (let l = 0; l < layers; l++) {
    ap.layer.append(el('option', { value: String(l), textContent: l === layers - 1 ? t('{n} (top)', { n: l + 1 }) : String(l + 1) }));
  }
  ap.layer.value = String(Math.min(keep, layers - 1));
  // What trace() gives for this cell: h, and the LSTM's c and gates or the GRU's gates; a
  // Transformer's layer output and each head's attention (a1, a2, ...), the first head by default.
  const transformer = info?.config.cell === 'transformer';
  const heads = transformer ? [...Array(info.config.numHeads).keys()].map((k) => `a${k + 1}`) : [];
  const values = { lstm: ['h', 'c', 'f', 'i', 'o', 'g'], gru: ['h', 'z', 'r', 'n'] }[info?.config.cell] ?? ['h', ...heads];
  const keepState = ap.state.value;
  ap.state.replaceChildren(...values.map((v) => el('option', { value: v, textContent: stateName(v) })));
  ap.state.value = transformer ? (heads.includes(keepState) ? keepState : heads[0]) : values.includes(keepState) ? keepState : 'h';
  ap.directionField.hidden = !info?.config.bidirectional || transformer;
}

async function update() {
  // Typing can start before every model has loaded: tag with all of them, not with those that won the race.
  await ap.ready?.catch(() => {});  // a failed load is reported by loadAppleModels
  const text = ap.text.value;
  const mentions = findMentions(text);
  const sel = selectedApple();
  const slots = ap.available.filter((e) => ap.infos.has(e.name)).map((e) => e.name);
  if (!text || !slots.length) {
    if (ap.last?.text !== text) ap.cellAt = null;
    ap.last = { text, mentions, results: null };
    render(text, mentions, null, null, null);
    ap.belief = { text, mentions, words: [], beliefs: {} };
    drawBelief();
    return;
  }
  const detail = ap.infos.has(sel)
    ? { slot: sel, layer: Number(ap.layer.value || 0), direction: ap.direction.value, state: ap.state.value } : null;
  try {
    const { results, hidden } = await engine.request('tag', { slots, text, detail }).promise;
    if (ap.last?.text !== text) ap.cellAt = null;
    ap.last = { text, mentions, results };
    const mine = results[sel] ?? null;
    render(text, mentions, results, mine, hidden ?? { error: t('this network is not available in this build') });
    announce(sel);
    await explain(text, mentions, sel);
    showMsg(ap.msg, mine?.error ? `${sel}: ${mine.error}` : '', 'error');
    ap.view.dataset.text = text;
    ap.view.dataset.shown = sel;  // which network the view shows: what tests wait for
    drawBelief();  // the cached trace if it is this text's, else "Reading…"
    if (ap.belief?.text !== text) {
      clearTimeout(ap.beliefTimer);
      ap.beliefTimer = setTimeout(() => updateBelief(text, mentions, slots).catch((e) => showMsg(ap.msg, e.message, 'error')), 150);
    }
  } catch (e) {
    showMsg(ap.msg, e.message, 'error');
  }
}

// What the selected network's decision at the first mention rests on (its saliency), when it decided.
async function explain(text, mentions, sel) {
  const m = mentions[0];
  const label = ap.view.querySelector('mark[data-label]')?.dataset.label;
  let s = null;
  if (m && (label === 'fruit' || label === 'company')) {
    s = await engine.request('saliency', { slot: sel, text, position: m.end, target: label }).promise.catch((e) => ({ error: e.message }));
  }
  renderWhy($('apple-why'), $('apple-why-text'), text, m, s);
}

// Screen readers hear the decisions, and only when they change: not the sentence view, which is
// rebuilt at every keystroke.
function announce(sel) {
  const marks = [...ap.view.querySelectorAll('mark[data-label]')];
  const name = APPLE_MODELS.find((m) => m.name === sel)?.short ?? sel;
  const say = marks.length ? `${name}: ${marks.map((m) => `${m.textContent} ${labelText(m.dataset.label)}`).join(', ')}` : '';
  if ($('apple-say').textContent !== say) $('apple-say').textContent = say;
}

/** Tags the current sentence; input that arrives meanwhile triggers one more run, not a queue. */
async function schedule() {
  clearTimeout(ap.beliefTimer);
  if (ap.beliefJob) engine.control('cancel', ap.beliefJob.id);  // the tagging goes first
  if (ap.busy) { ap.dirty = true; return; }
  ap.busy = true;
  ap.view.dataset.busy = 'true';
  try {
    do { ap.dirty = false; await update(); } while (ap.dirty);
  } finally {
    ap.busy = false;
    delete ap.view.dataset.busy;
  }
}

ap.text.addEventListener('input', schedule);
for (const r of modelInputs()) {
  r.addEventListener('change', () => { refreshLayerChoices(); schedule(); });
}
ap.layer.addEventListener('change', schedule);
ap.state.addEventListener('change', schedule);
ap.direction.addEventListener('change', schedule);
document.querySelector('#panel-apple .presets').append(...PRESETS.map((s) => {
  // Each example says its language (for screen readers and fonts), whichever the page's is.
  const lang = /\p{Script=Han}/u.test(s) ? 'zh' : 'en';
  const b = el('button', { type: 'button', lang, textContent: shorten(s, 34), title: s, dataset: { text: s } });
  b.addEventListener('click', () => { ap.text.value = s; schedule(); });
  return b;
}));

/** Loads the apple models that exist; resolves to the list loaded. Shared by Apple and Memory. */
export function loadAppleModels() {
  ap.ready ??= (async () => {
    ({ available: ap.available, infos: ap.infos } = await loadNetworks(APPLE_MODELS, 'apple-model', {
      msg: ap.msg, missing: ap.missing,
      absentText: (missing) => (!missing.length ? null : missing.length === APPLE_MODELS.length
        ? [t('The apple models are not available in this build (models/apple-*/model.safetensors have not been trained yet), so this panel cannot tag sentences. Build them with “make models”, then run “make demo” again.'), 'error']
        : [t('Not available in this build: {names}.', { names: missing.map((m) => m.name).join(', ') }), 'info']),
      loadingText: (n) => plural(n, 'Loading {n} apple model…', 'Loading {n} apple models…'),
    }));
    refreshLayerChoices();
    return ap.available.filter((e) => ap.infos.has(e.name));
  })();
  return ap.ready;
}

/** Loads the models the first time the panel is shown; tags the sentence every time. */
export async function show(first) {
  if (first) {
    renderSentence(ap.view, ap.text.value, findMentions(ap.text.value), null);
    await loadAppleModels();
  }
  schedule();
}

/** After a resize: redraws what has been drawn (the charts and heat map follow the width). */
export function resize() {
  if ($('panel-apple').hidden || !ap.last) return;  // drawn when the panel shows again
  schedule();
}
