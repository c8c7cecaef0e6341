// What the Apple panel draws from the taggers' output: the sentence with each mention coloured
// by P(company) / (P(fruit) + P(company)), the table comparing every network, the chart of
// P(company) and P(fruit) along the sentence, and the hidden-state heat map.
// A tag result is {labels, rows, cols, probs}: one row of label probabilities per code point.
import { drawLineChart } from '../chart.js';
import { drawHeatmap } from '../heatmap.js';
import { el, naCell, pct, rowHeader } from '../shared/dom.js';
import { APPLE_MODELS } from '../shared/models.js';

const FRUIT_RGB = [185, 60, 12], COMPANY_RGB = [28, 100, 209];  // white text on either end or any blend: >= 5.5:1
function senseColour(pCompanyShare) {
  const t = Math.max(0, Math.min(1, pCompanyShare));
  return `rgb(${FRUIT_RGB.map((c, i) => Math.round(c + (COMPANY_RGB[i] - c) * t)).join(',')})`;
}

/** {fruit, company, O, share, label} at row `at` of a tag result. */
function decisionAt(result, at) {
  const L = result.cols;
  const p = (name) => {
    const j = result.labels.indexOf(name);
    return j < 0 ? 0 : result.probs[at * L + j];
  };
  const fruit = p('fruit'), company = p('company'), other = p('O');
  const share = company / Math.max(fruit + company, 1e-12);
  return { fruit, company, O: other, share, label: company > fruit ? 'company' : 'fruit' };
}

const probsText = (d) => `P(fruit) ${d.fruit.toFixed(3)} · P(company) ${d.company.toFixed(3)} · P(O) ${d.O.toFixed(3)}`;
const none = (text) => el('span', { className: 'none', textContent: text });

/** The sentence with its mentions marked; result is the selected network's tag result or null. */
export function renderSentence(view, text, mentions, result) {
  view.textContent = '';
  if (!text) {
    view.append(none('Type a sentence above, or pick an example.'));
    return;
  }
  const chars = Array.from(text);
  let at = 0;
  for (const m of mentions) {
    view.append(chars.slice(at, m.start).join(''));
    const mark = el('mark', { textContent: chars.slice(m.start, m.end + 1).join('') });
    if (result && !result.error) {
      const d = decisionAt(result, m.end);
      mark.style.backgroundColor = senseColour(d.share);
      const tip = `${d.label}: ${probsText(d)}`;
      mark.dataset.tip = tip;
      mark.dataset.label = d.label;
      mark.setAttribute('aria-label', `${mark.textContent}: ${tip}`);
      mark.tabIndex = 0;
    } else {
      mark.style.backgroundColor = '#5b6575';
      mark.dataset.tip = 'no model';
    }
    view.append(mark);
    at = m.end + 1;
  }
  view.append(chars.slice(at).join(''));
  if (!mentions.length) view.append(none('  (no mention of apple or 苹果 yet)'));
}

/** One row per network, one column per mention; `available` = names of the bundled networks. */
export function renderCompare(table, text, mentions, results, available) {
  table.textContent = '';
  const chars = Array.from(text);
  const head = table.createTHead().insertRow();
  head.append(el('th', { textContent: 'Network' }));
  if (!mentions.length) head.append(el('th', { textContent: 'No mention in the sentence' }));
  for (const m of mentions) {
    const ctx = chars.slice(Math.max(0, m.start - 12), m.start).join('');
    head.append(el('th', {
      textContent: `${ctx.length < m.start ? '…' : ''}${ctx}${chars.slice(m.start, m.end + 1).join('')}`,
      title: `mention ending at character ${m.end + 1}`,
    }));
  }
  const body = table.createTBody();
  for (const { name, short } of APPLE_MODELS) {
    const row = body.insertRow();
    row.dataset.model = name;
    rowHeader(row, short);
    const r = results?.[name];
    const why = !available.includes(name) ? 'not available in this build' : r?.error;
    if (why) { naCell(row, Math.max(1, mentions.length), why); continue; }
    for (const m of mentions) {
      const td = row.insertCell();
      if (!r) { td.textContent = '…'; continue; }
      const d = decisionAt(r, m.end);
      const chip = el('span', {
        className: 'chip', title: probsText(d), dataset: { label: d.label },
        textContent: `${d.label} ${pct(Math.max(d.fruit, d.company) / Math.max(d.fruit + d.company, 1e-12))}`,
      });
      chip.style.backgroundColor = senseColour(d.share);
      td.append(chip);
    }
  }
}

/** P(company) and P(fruit) after each character, with the mentions shaded. */
export function renderChart(canvas, text, mentions, result) {
  const chars = Array.from(text);
  if (!result || result.error || !chars.length) {
    drawLineChart(canvas, { series: [], empty: result?.error || 'No model output yet.' });
    return;
  }
  const company = [], fruit = [];
  for (let i = 0; i < chars.length; i++) {
    const d = decisionAt(result, i);
    company.push([i, d.company]);
    fruit.push([i, d.fruit]);
  }
  drawLineChart(canvas, {
    series: [
      { label: 'P(company)', color: '#1c64d1', points: company, dots: chars.length < 60 },
      { label: 'P(fruit)', color: '#b93c0c', points: fruit, dash: [5, 4] },
    ],
    legend: true, yMin: 0, yMax: 1, xMin: -0.5, xMax: chars.length - 0.5, yFormat: (v) => v.toFixed(1),
    xTicks: chars.map((c, i) => ({ x: i, label: c === ' ' ? '␣' : c })),
    bands: mentions.map((m) => ({ from: m.start - 0.5, to: m.end + 0.5, color: 'rgba(120,120,140,0.12)' })),
  });
}

/**
 * The heat map of hidden ({rows, cols, data, layer, state} | {error} | null) and its caption in
 * `info`. Returns drawHeatmap's lookup, or null when there is no map.
 */
export function renderHeat(canvas, info, text, hidden) {
  if (!hidden || hidden.error || !hidden.rows) {
    canvas.style.width = '0px';
    canvas.style.height = '0px';
    canvas.removeAttribute('tabindex');
    info.textContent = hidden?.error ? `No heat map: ${hidden.error}.` : 'The heat map appears when a left-to-right model reads a sentence.';
    return null;
  }
  const lookup = drawHeatmap(canvas, { ...hidden, labels: Array.from(text) });
  canvas.dataset.rows = String(hidden.rows);
  canvas.tabIndex = 0;
  info.textContent = `${hidden.state === 'c' ? 'Cell state c' : 'Hidden state h'} of layer ${hidden.layer + 1} after each character`
    + `${hidden.cols > lookup.units ? ` (first ${lookup.units} of ${hidden.cols} units)` : ` (${hidden.cols} units)`}`
    + `; colour scale ±${lookup.scale.toFixed(2)}. Point at a cell, or focus the map and use the arrow keys, for its value.`;
  return lookup;
}
