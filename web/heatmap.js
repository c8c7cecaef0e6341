// The hidden-state heat map: one column per character read, one row per hidden unit, coloured
// blue (negative) – white (0) – orange (positive). Drawn on a canvas; returns a lookup for hover
// and a cursor for the keyboard.
import { cssVar, prepareCanvas } from './chart.js';

const NEG = [37, 99, 235], POS = [234, 88, 12], MID = [247, 248, 250];

function colour(v) {
  const t = Math.max(-1, Math.min(1, v));
  const [a, b] = t < 0 ? [MID, NEG] : [MID, POS];
  const k = Math.abs(t) ** 0.8;
  return `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * k)).join(',')})`;
}

/**
 * Draws data (rows = time steps × cols = units, row-major) with labels = the characters.
 * Returns {scale, rows, units, at(x, y) → {t, unit, value} | null, select(t, unit) → {t, unit, value}},
 * x and y in CSS pixels of the canvas.
 */
export function drawHeatmap(canvas, { rows, cols, data, labels, maxUnits = 64 }) {
  const units = Math.min(cols, maxUnits);
  let scale = 0;
  for (let i = 0; i < rows; i++) for (let u = 0; u < units; u++) scale = Math.max(scale, Math.abs(data[i * cols + u]));
  scale = scale > 1 ? scale : 1;  // tanh states live in [-1, 1]; unbounded ones (ReLU, LSTM c) are rescaled
  const left = 46, top = 4, bottom = 22;
  const available = Math.max(160, canvas.parentElement.clientWidth) - left - 4;
  const cw = Math.max(4, Math.min(22, Math.floor(available / Math.max(1, rows))));
  const ch = Math.max(2, Math.min(6, Math.floor(260 / units)));
  canvas.style.width = `${left + cw * rows + 4}px`;
  const height = top + ch * units + bottom;
  canvas.style.height = `${height}px`;
  const { ctx } = prepareCanvas(canvas, height);
  for (let t = 0; t < rows; t++) {
    for (let u = 0; u < units; u++) {
      ctx.fillStyle = colour(data[t * cols + u] / scale);
      ctx.fillRect(left + t * cw, top + u * ch, cw, ch);
    }
  }
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = cssVar('--muted', '#5b6575');
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText('unit 0', left - 3, top);
  ctx.textBaseline = 'bottom';
  ctx.fillText(String(units - 1), left - 3, top + ch * units);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = cssVar('--ink', '#1d2430');
  if (cw >= 8) labels.forEach((c, t) => ctx.fillText(c === ' ' ? '␣' : c === '\n' ? '↵' : c, left + t * cw + cw / 2, top + ch * units + 5));
  const cell = (t, u) => ({ t, unit: u, value: data[t * cols + u] });
  let selected = null;
  return {
    scale, rows, units,
    at(x, y) {
      const t = Math.floor((x - left) / cw), u = Math.floor((y - top) / ch);
      if (t < 0 || t >= rows || u < 0 || u >= units) return null;
      return cell(t, u);
    },
    /** Marks cell (t, u) in the ink colour (the keyboard cursor), restoring the one marked before. */
    select(t, u) {
      if (selected) {
        ctx.fillStyle = colour(data[selected.t * cols + selected.unit] / scale);
        ctx.fillRect(left + selected.t * cw, top + selected.unit * ch, cw, ch);
      }
      selected = cell(t, u);
      ctx.fillStyle = cssVar('--ink', '#1d2430');
      ctx.fillRect(left + t * cw, top + u * ch, cw, ch);
      return selected;
    },
  };
}
