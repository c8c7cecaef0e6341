// The state heat map: one column per character read, one row per unit. States and the tanh
// candidates (values around 0, either sign) use a diverging purple - white - green scale; the
// sigmoid gates (0 to 1) a white - teal one. Neither uses the fruit / company colours. Drawn on a
// canvas; returns a lookup for hover and a cursor for the keyboard.
import { cssVar, prepareCanvas } from './chart.js';
import { t } from './i18n.js';
import { showChar } from './shared/dom.js';

const WHITE = [247, 248, 250];
const PALETTES = {
  diverging: { low: [118, 42, 131], high: [27, 120, 55] },  // PRGn ends
  sequential: { low: WHITE, high: [1, 102, 94] },
};

function mix(a, b, k) {
  return `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * k)).join(',')})`;
}

/** v already scaled to [-1, 1] (diverging) or [0, 1] (sequential). */
export function colourFor(palette, v) {
  const p = PALETTES[palette];
  if (palette === 'sequential') return mix(WHITE, p.high, Math.max(0, Math.min(1, v)));
  const k = Math.max(-1, Math.min(1, v));
  return mix(WHITE, k < 0 ? p.low : p.high, Math.abs(k) ** 0.8);
}

/** The scale for a value of trace(): the sigmoid gates lie in (0, 1), the rest around 0. */
export const paletteFor = (name) => (['f', 'i', 'o', 'r', 'z'].includes(name) ? 'sequential' : 'diverging');

/** A CSS linear-gradient of the palette, low to high, for a legend. */
export function legendGradient(palette) {
  const stops = palette === 'sequential' ? [0, 0.5, 1] : [-1, -0.5, 0, 0.5, 1];
  return `linear-gradient(90deg, ${stops.map((v) => colourFor(palette, v)).join(', ')})`;
}

/**
 * Draws data (rows = time steps × cols = units, row-major) with labels = the characters, the units
 * in `order` (indices, most active first, at most maxUnits of them drawn). Returns {scale, rows,
 * units, at(x, y) → {t, unit, value} | null, select(t, row) → {t, unit, value}}, x and y in CSS
 * pixels of the canvas, unit being the unit's own index. With unitLabels (one per unit, e.g. the
 * characters an attention head looks at) the cells are square and the rows are labelled.
 */
export function drawHeatmap(canvas, { rows, cols, data, labels, order, palette = 'diverging', maxUnits = 64, unitLabels }) {
  const shown = order.slice(0, maxUnits);
  const units = shown.length;
  let scale = 1;  // tanh states and gates live within [-1, 1]; unbounded ones (ReLU, LSTM c) are rescaled
  for (let i = 0; i < rows * cols; i++) scale = Math.max(scale, Math.abs(data[i]));
  const value = (t, r) => data[t * cols + shown[r]];
  const paint = (t, r) => colourFor(palette, value(t, r) / scale);
  const left = 46, top = 4, bottom = 22;
  const available = Math.max(160, canvas.parentElement.clientWidth) - left - 4;
  const cw = Math.max(4, Math.min(22, Math.floor(available / Math.max(1, rows))));
  const ch = unitLabels ? Math.min(cw, 16) : Math.max(2, Math.min(6, Math.floor(260 / units)));
  canvas.style.width = `${left + cw * rows + 4}px`;
  const height = top + ch * units + bottom;
  canvas.style.height = `${height}px`;
  const { ctx } = prepareCanvas(canvas, height);
  for (let t = 0; t < rows; t++) {
    for (let r = 0; r < units; r++) {
      ctx.fillStyle = paint(t, r);
      ctx.fillRect(left + t * cw, top + r * ch, cw, ch);
    }
  }
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = cssVar('--muted', '#5b6575');
  ctx.textAlign = 'right';
  if (unitLabels) {
    ctx.textBaseline = 'middle';
    ctx.fillStyle = cssVar('--ink', '#1d2430');
    if (ch >= 8) shown.forEach((u, r) => ctx.fillText(showChar(unitLabels[u]), left - 3, top + r * ch + ch / 2));
  } else {
    ctx.textBaseline = 'top';
    ctx.fillText(t('most'), left - 3, top);
    ctx.textBaseline = 'bottom';
    ctx.fillText(t('least'), left - 3, top + ch * units);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = cssVar('--ink', '#1d2430');
  if (cw >= 8) labels.forEach((c, t) => ctx.fillText(showChar(c), left + t * cw + cw / 2, top + ch * units + 5));
  const cell = (t, r) => ({ t, row: r, unit: shown[r], value: value(t, r) });
  let selected = null;
  return {
    scale, rows, units,
    at(x, y) {
      const t = Math.floor((x - left) / cw), r = Math.floor((y - top) / ch);
      if (t < 0 || t >= rows || r < 0 || r >= units) return null;
      return cell(t, r);
    },
    /** Marks the cell of step t, drawn row r, in the ink colour (the keyboard cursor), restoring the one marked before. */
    select(t, r) {
      if (selected) {
        ctx.fillStyle = paint(selected.t, selected.row);
        ctx.fillRect(left + selected.t * cw, top + selected.row * ch, cw, ch);
      }
      selected = cell(t, r);
      ctx.fillStyle = cssVar('--ink', '#1d2430');
      ctx.fillRect(left + t * cw, top + r * ch, cw, ch);
      return selected;
    },
  };
}

/** Unit indices by how much each varies along the text (variance over steps), most first. */
export function unitsByActivity(rows, cols, data) {
  const spread = new Float64Array(cols);
  for (let u = 0; u < cols; u++) {
    let sum = 0, sq = 0;
    for (let t = 0; t < rows; t++) {
      const v = data[t * cols + u];
      sum += v;
      sq += v * v;
    }
    spread[u] = sq / rows - (sum / rows) ** 2;
  }
  return [...Array(cols).keys()].sort((a, b) => spread[b] - spread[a] || a - b);
}
