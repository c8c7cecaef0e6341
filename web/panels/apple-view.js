// What the Apple panel draws from the taggers' output: the sentence with each mention coloured
// by P(company) / (P(fruit) + P(company)), the table comparing every network, the belief trace
// (what each would answer if "apple" came after each word), and the heat map of states and gates.
// A tag result is {labels, rows, cols, probs}: one row of label probabilities per code point.
import { drawLineChart } from '../chart.js';
import { t } from '../i18n.js';
import { companyShare } from '../apple-text.js';
import { drawHeatmap, legendGradient, paletteFor, unitsByActivity } from '../heatmap.js';
import { el, naCell, pct, showChar } from '../shared/dom.js';
import { renderPushes } from './saliency-view.js';
import { APPLE_MODELS, readsHow } from '../shared/models.js';

const FRUIT_RGB = [185, 60, 12], COMPANY_RGB = [28, 100, 209];  // white text on either end or any blend: >= 5.5:1
function senseColour(pCompanyShare) {
  const k = Math.max(0, Math.min(1, pCompanyShare));
  return `rgb(${FRUIT_RGB.map((c, i) => Math.round(c + (COMPANY_RGB[i] - c) * k)).join(',')})`;
}

const NO_DECISION = '#5b6575';  // grey: undecided, no context yet, no model
// Closer to even than 55 : 45 between the two senses is no decision.
const UNDECIDED = 0.05;

/**
 * {fruit, company, O, share, label} at row `at` of a tag result. label: 'fruit', 'company',
 * 'undecided' (the senses within UNDECIDED of even) or, for a network that reads left only and a
 * mention with nothing before it (`blind`), 'no context yet': its answer there is a fixed prior.
 */
function decisionAt(result, at, blind = false) {
  const L = result.cols;
  const p = (name) => {
    const j = result.labels.indexOf(name);
    return j < 0 ? 0 : result.probs[at * L + j];
  };
  const fruit = p('fruit'), company = p('company'), other = p('O');
  const share = companyShare(fruit, company);
  const label = blind ? 'no context yet' : Math.abs(share - 0.5) < UNDECIDED ? 'undecided' : company > fruit ? 'company' : 'fruit';
  return { fruit, company, O: other, share, label };
}

/** A label of decisionAt (or a sense) as the page shows it: the label itself stays the data. */
export const labelText = (label) => ({
  fruit: t('fruit'), company: t('company'), undecided: t('undecided'), 'no context yet': t('no context yet'),
})[label] ?? label;

/** True when a left-to-right reader has seen no word before the mention that starts at `start`. */
const nothingBefore = (chars, start) => !chars.slice(0, start).some((c) => /[\p{L}\p{N}]/u.test(c));

const probsText = (d) => t('P(fruit) {fruit} · P(company) {company} · P(O) {o}', {
  fruit: d.fruit.toFixed(3), company: d.company.toFixed(3), o: d.O.toFixed(3),
});
const none = (text) => el('span', { className: 'none', textContent: text });

/**
 * The sentence with its mentions marked; result is the selected network's tag result or null,
 * leftOnly whether that network reads left to right.
 */
export function renderSentence(view, text, mentions, result, leftOnly = true) {
  view.textContent = '';
  if (!text) {
    view.append(none(t('Type a sentence above, or pick an example.')));
    return;
  }
  const chars = Array.from(text);
  let at = 0;
  for (const m of mentions) {
    view.append(chars.slice(at, m.start).join(''));
    const mark = el('mark', { textContent: chars.slice(m.start, m.end + 1).join('') });
    if (result && !result.error) {
      const d = decisionAt(result, m.end, leftOnly && nothingBefore(chars, m.start));
      const decided = d.label === 'fruit' || d.label === 'company';
      mark.style.backgroundColor = decided ? senseColour(d.share) : NO_DECISION;
      const vars = { label: labelText(d.label), probs: probsText(d) };
      const tip = d.label === 'no context yet'
        ? t("{label} (no word before it: only the mention's own spelling to go on): {probs}", vars) : t('{label}: {probs}', vars);
      mark.dataset.tip = tip;
      mark.dataset.label = d.label;
      mark.setAttribute('aria-label', `${mark.textContent}: ${tip}`);
      mark.tabIndex = 0;
    } else {
      mark.style.backgroundColor = NO_DECISION;
      mark.dataset.tip = t('no model');
    }
    view.append(mark);
    at = m.end + 1;
  }
  view.append(chars.slice(at).join(''));
  if (!mentions.length) view.append(none(`  ${t('(no mention of apple or 苹果 yet)')}`));
}

/**
 * The sentence with each character tinted by how much it pushed the decision at `mention` towards
 * its answer (s: the saliency request's answer, or {error}, or null): gradient x input, scaled by
 * the largest magnitude outside the mention; in the answer's colour for support, grey against.
 */
export function renderWhy(box, words, text, mention, s) {
  box.textContent = '';
  words.textContent = '';
  if (!mention || !s || s.error) {
    box.append(none(s?.error ?? (mention ? t('No decision to explain.') : t('No mention of apple or 苹果 yet.'))));
    return;
  }
  renderPushes(box, words, text, s.gradTimesInput, {
    rgb: s.target === 'company' ? COMPANY_RGB : FRUIT_RGB, label: labelText(s.target),
    skip: (i) => i >= mention.start && i <= mention.end, nothing: t('nothing outside the mention'),
  });
  box.dataset.target = s.target;
  box.dataset.position = String(mention.end);
}

/** One row per network, one column per mention; `available` = names of the bundled networks. */
export function renderCompare(table, text, mentions, results, available) {
  table.textContent = '';
  const chars = Array.from(text);
  const head = table.createTHead().insertRow();
  head.append(el('th', { textContent: t('Network') }));
  if (!mentions.length) head.append(el('th', { textContent: t('No mention in the sentence') }));
  // Each mention with what is on both sides of it: the BiLSTM also reads the right.
  for (const m of mentions) {
    const left = chars.slice(Math.max(0, m.start - 14), m.start).join('');
    const right = chars.slice(m.end + 1, m.end + 15).join('');
    head.append(el('th', { title: t('mention ending at character {pos}', { pos: m.end + 1 }), className: 'context' },
      `${m.start > 14 ? '…' : ''}${left}`, el('mark', { textContent: chars.slice(m.start, m.end + 1).join('') }),
      `${right}${m.end + 15 < chars.length ? '…' : ''}`));
  }
  const body = table.createTBody();
  for (const model of APPLE_MODELS) {
    const { name, short } = model;
    const row = body.insertRow();
    row.dataset.model = name;
    row.append(el('th', { scope: 'row' }, short, el('span', { className: 'reads', textContent: ` ${readsHow(model)}` })));
    const r = results?.[name];
    const why = !available.includes(name) ? t('not available in this build') : r?.error;
    if (why) { naCell(row, Math.max(1, mentions.length), why); continue; }
    for (const m of mentions) {
      const td = row.insertCell();
      if (!r) { td.textContent = '…'; continue; }
      const d = decisionAt(r, m.end, !model.both && nothingBefore(chars, m.start));
      const decided = d.label === 'fruit' || d.label === 'company';
      const chip = el('span', {
        className: 'chip', title: probsText(d), dataset: { label: d.label },
        textContent: decided ? `${labelText(d.label)} ${pct(Math.max(d.fruit, d.company) / Math.max(d.fruit + d.company, 1e-12))}` : labelText(d.label),
      });
      chip.style.backgroundColor = decided ? senseColour(d.share) : NO_DECISION;
      td.append(chip);
    }
  }
}

/**
 * The belief trace: at the end of each word (words = [{at, word}] from wordEnds), what each
 * network would answer if "apple" / "苹果" came next, as P(company) / (P(fruit) + P(company));
 * beliefs = {name: Float32Array | {error}} or null while they are computed. Drawn as one line
 * per network, and as a table.
 */
export function renderBelief(canvas, table, text, mentions, words, beliefs) {
  const chars = Array.from(text);
  const at = words.map((w) => w.at);
  const nets = APPLE_MODELS.filter((m) => beliefs?.[m.name] && !beliefs[m.name].error);
  table.textContent = '';
  if (!nets.length || !at.length) {
    drawLineChart(canvas, { series: [], empty: beliefs ? t('No word to read yet.') : t('Reading…') });
    return;
  }
  drawLineChart(canvas, {
    series: [
      ...nets.map((m) => ({ label: `${m.short} ${m.both ? '↔' : '→'}`, color: m.color ?? '#3d4451', dash: m.both ? [6, 3] : undefined,
        points: at.map((p, i) => [p, beliefs[m.name][i]]), dots: at.length < 40, width: 1.5 })),
      { label: '', color: '#9aa3b2', dash: [3, 4], width: 1, points: [[-0.5, 0.5], [chars.length - 0.5, 0.5]] },
    ],
    legend: true, yMin: 0, yMax: 1, xMin: -0.5, xMax: chars.length - 0.5, yLabel: t('← fruit · company →'),
    yFormat: (v) => v.toFixed(1), xTicks: chars.map((c, i) => ({ x: i, label: showChar(c) })),
    bands: mentions.map((m) => ({ from: m.start - 0.5, to: m.end + 0.5, color: 'rgba(120,120,140,0.12)' })),
  });
  // The same numbers: one column per word end, the word as its heading.
  table.createTHead().insertRow().append(el('th', { textContent: t('Network') }),
    ...words.map((w) => el('th', { className: 'num', textContent: w.word, title: t('after character {pos}', { pos: w.at + 1 }) })));
  const body = table.createTBody();
  for (const m of nets) {
    const row = body.insertRow();
    row.dataset.model = m.name;
    row.append(el('th', { scope: 'row', textContent: m.short }));
    beliefs[m.name].forEach((share, i) => {
      const td = row.insertCell();
      td.className = 'num';
      td.textContent = !Number.isFinite(share) ? '–' : share >= 0.5 ? t('C {pct}', { pct: pct(share) }) : t('F {pct}', { pct: pct(1 - share) });
      td.dataset.at = at[i];
      td.dataset.share = share;
    });
  }
}

/** What each value of a trace is, for captions and the State menu. */
export const STATE_NAMES = {
  h: t('hidden state h'), c: t('cell state c'), f: t('forget gate f'), i: t('input gate i'), o: t('output gate o'),
  g: t('candidate g'), z: t('update gate z'), r: t('reset gate r'), n: t('candidate n'),
};

/** The name of a value the heat map can show: STATE_NAMES, or a1, a2, ... for attention heads. */
export const stateName = (v) => STATE_NAMES[v] ?? t('attention of head {n}', { n: v.slice(1) });

/**
 * The heat map of hidden ({rows, cols, data, layer, direction, state} | {error} | null), units
 * sorted by how much they change along the sentence, its colour legend in `legend` and its
 * caption in `info`. Returns drawHeatmap's lookup, or null when there is no map.
 */
export function renderHeat(canvas, legend, info, text, hidden) {
  delete canvas.dataset.attention;
  if (!hidden || hidden.error || !hidden.rows) {
    canvas.style.width = '0px';
    canvas.style.height = '0px';
    canvas.removeAttribute('tabindex');
    legend.hidden = true;
    info.textContent = hidden?.error ? t('No heat map: {error}.', { error: hidden.error }) : t('The heat map appears when a network reads a sentence.');
    return null;
  }
  if (hidden.attention) return renderAttention(canvas, legend, info, text, hidden);
  const palette = paletteFor(hidden.state);
  const data = hidden.values[hidden.state];
  const order = unitsByActivity(hidden.rows, hidden.cols, data);
  const lookup = drawHeatmap(canvas, { rows: hidden.rows, cols: hidden.cols, data, order, palette, labels: Array.from(text) });
  canvas.dataset.rows = String(hidden.rows);
  canvas.tabIndex = 0;
  const [low, high] = palette === 'sequential' ? ['0', lookup.scale.toFixed(2)] : [`−${lookup.scale.toFixed(2)}`, `+${lookup.scale.toFixed(2)}`];
  const bar = el('span', { className: 'bar' });
  bar.style.background = legendGradient(palette);
  legend.hidden = false;
  legend.replaceChildren(el('span', { textContent: low }), bar, el('span', { textContent: high }));
  const which = { state: stateName(hidden.state), layer: hidden.layer + 1 };
  const what = hidden.direction === 'backward'
    ? t('{state} of layer {layer}, right-to-left half after each character', which) : t('{state} of layer {layer} after each character', which);
  const units = hidden.cols > lookup.units
    ? t('(the {shown} of {total} units that change most)', { shown: lookup.units, total: hidden.cols })
    : t('({n} units, those that change most at the top)', { n: hidden.cols });
  info.textContent = t('{what} {units}. Point at a cell, or focus the map and use the arrow keys, for its value.', { what, units });
  return lookup;
}

// A Transformer's counterpart of the state map: one head's attention weights, the character being
// read along the bottom and the characters it looks at down the side, in text order. Each column
// sums to 1; a causal head leaves everything below its own character blank.
function renderAttention(canvas, legend, info, text, hidden) {
  const chars = Array.from(text);
  const order = [...Array(hidden.cols).keys()];
  const lookup = drawHeatmap(canvas, {
    rows: hidden.rows, cols: hidden.cols, data: hidden.values[hidden.state], order, palette: 'sequential',
    labels: chars, unitLabels: chars, maxUnits: hidden.cols,
  });
  canvas.dataset.rows = String(hidden.rows);
  canvas.dataset.attention = hidden.state;
  canvas.tabIndex = 0;
  const bar = el('span', { className: 'bar' });
  bar.style.background = legendGradient('sequential');
  legend.hidden = false;
  legend.replaceChildren(el('span', { textContent: '0' }), bar, el('span', { textContent: '1' }));
  info.textContent = t('Attention of head {head} in layer {layer}: each column is a character being read, and its cells say how much weight it gives each character down the side (the weights of a column add up to 1). Point at a cell, or focus the map and use the arrow keys, for its weight.', {
    head: hidden.state.slice(1), layer: hidden.layer + 1,
  });
  return lookup;
}
