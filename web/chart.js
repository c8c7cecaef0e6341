// A small canvas line chart (no library): axes with round ticks, several series, a legend.
// The canvas keeps its CSS width and is redrawn sharp at the device pixel ratio.
//
//   drawLineChart(canvas, {
//     series: [{label, color, points: [[x, y], ...], dash?: [4, 3], dots?: true,
//               errors?: [[low, high], ...]}],   // one interval per point, drawn as an error bar
//     (a series with an empty label is drawn but not listed in the legend)
//     xLabel, yLabel, xMin?, xMax?, yMin?, yMax?,
//     xTicks?: [{x, label}]   // explicit ticks (e.g. the characters of a sentence)
//     yFormat?: (v) => string, empty?: 'text shown when there is nothing to draw'
//   })

import { t } from './i18n.js';

function niceStep(range, count) {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

function ticks(min, max, count) {
  if (!(max > min)) return [min];
  const step = niceStep(max - min, count);
  const out = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const fmt = (v) => {
  const a = Math.abs(v);
  if (a >= 1e4) return `${Math.round(v / 1000)}k`;
  if (a >= 1000) return `${(v / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return String(Number(v.toPrecision(3)));
};

/** Sizes the canvas backing store to its CSS box; returns the 2D context in CSS pixels. */
export function prepareCanvas(canvas, cssHeight) {
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const width = Math.max(160, canvas.clientWidth || canvas.parentElement?.clientWidth || 300);
  const height = cssHeight ?? (canvas.clientHeight || 220);
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

export function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function drawLineChart(canvas, opts) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const ink = cssVar('--ink', '#1d2430');
  const muted = cssVar('--muted', '#5b6575');
  const grid = cssVar('--grid', '#e3e7ee');
  ctx.font = '12px system-ui, sans-serif';
  const series = (opts.series || []).filter((s) => s.points.length);
  const allX = series.flatMap((s) => s.points.map((p) => p[0]));
  const allY = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  if (!allY.length) {
    ctx.fillStyle = muted;
    ctx.textAlign = 'center';
    ctx.fillText(opts.empty || t('Nothing to show yet.'), width / 2, height / 2);
    return;
  }
  let xMin = opts.xMin ?? Math.min(...allX), xMax = opts.xMax ?? Math.max(...allX);
  if (xMax <= xMin) xMax = xMin + 1;
  let yMin = opts.yMin ?? Math.min(...allY), yMax = opts.yMax ?? Math.max(...allY);
  if (opts.yMin === undefined || opts.yMax === undefined) {
    const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.1 || 1;
    if (opts.yMin === undefined) yMin -= pad;
    if (opts.yMax === undefined) yMax += pad;
  }
  const yTicks = ticks(yMin, yMax, Math.max(2, Math.floor(height / 45)));
  const yFormat = opts.yFormat || fmt;
  const left = 12 + Math.max(...yTicks.map((v) => ctx.measureText(yFormat(v)).width)) + (opts.yLabel ? 16 : 0);
  const legendH = series.length > 1 || opts.legend ? 20 : 0;
  const top = 10 + legendH, right = 12, bottom = 22 + (opts.xLabel ? 16 : 0) + (opts.xTicks ? 4 : 0);
  const W = width - left - right, H = height - top - bottom;
  const X = (x) => left + ((x - xMin) / (xMax - xMin)) * W;
  const Y = (y) => top + (1 - (y - yMin) / (yMax - yMin)) * H;

  // grid and y axis
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) {
    const y = Math.round(Y(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + W, y); ctx.stroke();
    ctx.fillText(yFormat(t), left - 6, y);
  }
  // x ticks
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  if (opts.xTicks) {
    const every = Math.max(1, Math.ceil(opts.xTicks.length / Math.max(1, W / 14)));
    opts.xTicks.forEach((t, i) => { if (i % every === 0) ctx.fillText(t.label, X(t.x), top + H + 6); });
  } else {
    for (const t of ticks(xMin, xMax, Math.max(2, Math.floor(W / 70)))) ctx.fillText(fmt(t), X(t), top + H + 6);
  }
  ctx.strokeStyle = muted;
  ctx.beginPath(); ctx.moveTo(left + 0.5, top); ctx.lineTo(left + 0.5, top + H); ctx.lineTo(left + W, top + H + 0.5); ctx.stroke();
  if (opts.xLabel) { ctx.fillText(opts.xLabel, left + W / 2, height - 16); }
  if (opts.yLabel) {
    ctx.save(); ctx.translate(11, top + H / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle'; ctx.fillText(opts.yLabel, 0, 0); ctx.restore();
  }
  // bands (e.g. highlighted mentions)
  for (const b of opts.bands || []) {
    ctx.fillStyle = b.color;
    ctx.fillRect(X(b.from), top, Math.max(2, X(b.to) - X(b.from)), H);
  }
  // series
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top - 2, W + 2, H + 4); ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) { pen = false; continue; }
      if (pen) ctx.lineTo(X(x), Y(y)); else { ctx.moveTo(X(x), Y(y)); pen = true; }
    }
    ctx.stroke();
    ctx.setLineDash([]);
    if (s.errors) {
      ctx.lineWidth = 1.5;
      s.points.forEach(([x], i) => {
        const e = s.errors[i];
        if (!e || !Number.isFinite(e[0]) || !Number.isFinite(e[1])) return;
        const px = Math.round(X(x)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(px, Y(e[0])); ctx.lineTo(px, Y(e[1]));
        ctx.moveTo(px - 4, Y(e[0])); ctx.lineTo(px + 4, Y(e[0]));
        ctx.moveTo(px - 4, Y(e[1])); ctx.lineTo(px + 4, Y(e[1]));
        ctx.stroke();
      });
    }
    if (s.dots || s.points.length === 1) {
      for (const [x, y] of s.points) if (Number.isFinite(y)) { ctx.beginPath(); ctx.arc(X(x), Y(y), 3, 0, 2 * Math.PI); ctx.fill(); }
    }
  }
  ctx.restore();
  // legend
  if (legendH) {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let x = left;
    for (const s of (series.length ? series : opts.series).filter((x) => x.label)) {
      ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.setLineDash(s.dash || []);
      ctx.beginPath(); ctx.moveTo(x, 10); ctx.lineTo(x + 18, 10); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = ink;
      ctx.fillText(s.label, x + 23, 10);
      x += 23 + ctx.measureText(s.label).width + 16;
    }
  }
}
