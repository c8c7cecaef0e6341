// The cell explorer in the Apple panel: a diagram of one LSTM, GRU or RNN cell, lit by the real
// values of one unit at one character of the sentence (from model.trace(), through the 'tag'
// request's `values`), and the cell's equations with those numbers put in. ◀ ▶ (or the arrow
// keys on the diagram) step through the sentence; the unit field picks the unit.
import { colourFor, paletteFor } from '../heatmap.js';
import { t } from '../i18n.js';
import { el, showChar } from '../shared/dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, text) => {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
};
const fmt = (v) => (v < 0 ? `−${Math.abs(v).toFixed(2)}` : v.toFixed(2));

// Boxes (x, y of the centre) and the lines between them, per cell, in a 560 × 230 drawing.
// prev/out are the state coming in and going out; gates sit on the bottom row.
const LAYOUTS = {
  lstm: {
    boxes: {
      f: [120, 170, 'σ', t('forget f')], i: [210, 170, 'σ', t('input i')], g: [290, 170, 'tanh', t('candidate g')], o: [390, 170, 'σ', t('output o')],
    },
    nodes: { cprev: [30, 50, 'c', 'ₜ₋₁'], c: [530, 50, 'c', 'ₜ'], hprev: [30, 215, 'h', 'ₜ₋₁'], h: [530, 130, 'h', 'ₜ'] },
    lines: ['M48 50 H512', 'M120 150 V62', 'M210 150 V112 H238', 'M290 150 V112 H262', 'M250 100 V62', 'M390 150 V130 H458',
      'M470 50 V86', 'M470 114 V118', 'M482 130 H512', 'M48 215 H420', 'M120 215 V190', 'M210 215 V190', 'M290 215 V190', 'M390 215 V190'],
    ops: [[120, 50, '×'], [250, 50, '+'], [250, 112, '×'], [470, 100, 'tanh'], [470, 130, '×']],
  },
  gru: {
    boxes: { r: [110, 170, 'σ', t('reset r')], z: [230, 170, 'σ', t('update z')], n: [430, 170, 'tanh', t('candidate n')] },
    nodes: { hprev: [30, 50, 'h', 'ₜ₋₁'], h: [530, 50, 'h', 'ₜ'] },
    lines: ['M48 50 H512', 'M230 150 V62', 'M230 110 H318', 'M342 110 H418', 'M430 150 V122', 'M430 98 V62',
      'M146 170 H160 V138 H400 V150', 'M30 68 V225 H470'],
    ops: [[230, 50, '×'], [430, 50, '+'], [330, 110, '1−'], [430, 110, '×']],
  },
  rnn_tanh: {
    boxes: { h: [280, 140, 'tanh', t('new state h')] },
    nodes: { hprev: [30, 140, 'h', 'ₜ₋₁'], h: [530, 140, 'h', 'ₜ'] },
    lines: ['M48 140 H244', 'M316 140 H512', 'M280 215 V160'],
    ops: [],
  },
};

/**
 * Draws the explorer into `box` for hidden (the 'tag' detail with `values`) at step `step`, unit u;
 * returns a one-line summary of the values for screen readers ('' when there is nothing to show).
 */
export function renderCell(box, text, hidden, step, u) {
  box.textContent = '';
  const layout = LAYOUTS[hidden?.cell];
  if (!hidden || hidden.error || !hidden.values || !layout) {
    box.append(el('p', {
      className: 'meta',
      textContent: hidden?.error ? t('No explorer: {error}.', { error: hidden.error })
        : hidden?.cell === 'transformer' ? t('A Transformer has no recurrent cell to open: nothing is carried from one character to the next. Each layer reads every character at once through attention; the map above shows where each head looks.')
          : t('The explorer appears when a network reads a sentence.'),
    }));
    return '';
  }
  const H = hidden.cols, chars = Array.from(text);
  const back = hidden.direction === 'backward';
  const prevStep = back ? step + 1 : step - 1;  // the step this one reads its state from
  const at = (name, step) => (step < 0 || step >= hidden.rows ? 0 : hidden.values[name][step * H + u]);
  const v = Object.fromEntries(Object.keys(hidden.values).map((k) => [k, at(k, step)]));
  const prev = { h: at('h', prevStep), c: hidden.values.c ? at('c', prevStep) : undefined };

  const drawing = svg('svg', { viewBox: '0 0 560 235', class: 'cell-diagram', role: 'img',
    'aria-label': t('{cell} cell, unit {unit}, after “{char}”: the equations beside it give every value', { cell: hidden.cell.toUpperCase(), unit: u, char: chars[step] }) });
  for (const d of layout.lines) drawing.append(svg('path', { d, class: 'wire' }));
  for (const [x, y, label] of layout.ops) {
    drawing.append(svg('circle', { cx: x, cy: y, r: 12, class: 'op' }), svg('text', { x, y: y + 4, class: 'op-text' }, label));
  }
  for (const [name, [x, y, fn, title]] of Object.entries(layout.boxes)) {
    const value = name === 'h' && hidden.cell === 'rnn_tanh' ? v.h : v[name];
    const fill = colourFor(paletteFor(name), value);
    drawing.append(svg('rect', { x: x - 36, y: y - 20, width: 72, height: 40, rx: 6, class: 'gate', fill, 'data-gate': name }),
      svg('text', { x, y: y - 4, class: 'gate-fn' }, `${fn} ${name}`),  // the box's value is its name
      svg('text', { x, y: y + 13, class: 'gate-value' }, fmt(value)),
      svg('text', { x, y: y + 36, class: 'gate-title' }, title));
  }
  for (const [name, [x, y, sym, sub]] of Object.entries(layout.nodes)) {
    const value = name === 'cprev' ? prev.c : name === 'hprev' ? prev.h : v[name];
    drawing.append(svg('text', { x, y: y - 8, class: 'node' }, `${sym}${sub}`),
      svg('text', { x, y: y + 14, class: 'node-value' }, fmt(value)));
  }
  drawing.append(svg('text', { x: 280, y: 232, class: 'node' }, `xₜ: “${showChar(chars[step])}”`));

  // The equations with this unit's numbers.
  const p = back ? 'ₜ₊₁' : 'ₜ₋₁';
  const f = (x) => (x < 0 ? `(${fmt(x)})` : fmt(x));  // a factor: negative ones in brackets
  // Functions: only the chosen cell's values exist.
  const lines = {
    lstm: () => [
      `f = σ(…) = ${fmt(v.f)}; i = σ(…) = ${fmt(v.i)}; g = tanh(…) = ${fmt(v.g)}; o = σ(…) = ${fmt(v.o)}`,
      `cₜ = f·c${p} + i·g = ${f(v.f)}·${f(prev.c)} + ${f(v.i)}·${f(v.g)} = ${fmt(v.c)}`,
      `hₜ = o·tanh(cₜ) = ${f(v.o)}·tanh(${fmt(v.c)}) = ${fmt(v.h)}`,
    ],
    gru: () => [
      `r = σ(…) = ${fmt(v.r)}; z = σ(…) = ${fmt(v.z)}; n = tanh(W_in x + b_in + r·(W_hn h${p} + b_hn)) = ${fmt(v.n)}`,
      `hₜ = (1 − z)·n + z·h${p} = ${f(1 - v.z)}·${f(v.n)} + ${f(v.z)}·${f(prev.h)} = ${fmt(v.h)}`,
      t('PyTorch’s convention; Cho et al. write z and 1 − z the other way round.'),
    ],
    rnn_tanh: () => [`hₜ = tanh(W_ih xₜ + b_ih + W_hh h${p} + b_hh) = ${fmt(v.h)}`],
  }[hidden.cell]();
  // The diagram's labels for the step read from: t+1 in the right-to-left half.
  if (back) for (const t2 of drawing.querySelectorAll('text.node')) t2.textContent = t2.textContent.replace('ₜ₋₁', 'ₜ₊₁');
  const eq = el('div', { className: 'equations' }, ...lines.map((s) => el('p', { textContent: s })));
  eq.dataset.values = JSON.stringify({ t: step, unit: u, ...v, prevH: prev.h, prevC: prev.c });
  box.append(drawing, eq);
  return t('After “{char}”, unit {unit}: {values}', {
    char: chars[step] === ' ' ? t('space') : chars[step], unit: u, values: Object.entries(v).map(([k, x]) => `${k} ${fmt(x)}`).join(', '),
  });
}
