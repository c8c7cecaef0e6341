// The Train your own panel: text and settings in, a training run in its own worker with
// Start / Pause / Stop, a progress bar with ETA, the loss chart (training and validation
// bits/char), samples every N steps, and the trained model out (download, or into Generate).
import { drawLineChart } from '../chart.js';
import { t } from '../i18n.js';
import { $, el, fmtBytes, fmtInt, fmtSecs, setDisabled, setLang, showMsg } from '../shared/dom.js';
import { engine, getTrainEngine } from '../shared/engine.js';
import { CELL_NAMES, describe } from '../shared/models.js';
import { addModel, selectModel } from './generate.js';
import { DEFAULT_TRAIN_TEXT } from './train-text.js';

const tr = {
  text: $('train-text'), file: $('train-file'), textInfo: $('train-text-info'), start: $('train-start'),
  pause: $('train-pause'), stop: $('train-stop'), download: $('train-download'), use: $('train-use'),
  progress: $('train-progress'), eta: $('train-eta'), msg: $('train-msg'), chart: $('train-chart'), table: $('train-table'),
  stats: $('train-stats'), samples: $('train-samples'), overfit: $('train-overfit'), best: $('train-best'),
  baselines: { uniform: NaN, unigram: NaN },
  job: null, paused: false, train: [], val: [], info: null, settings: null, drawQueued: false, trainedOnce: false,
};
tr.text.value = DEFAULT_TRAIN_TEXT;

// The built-in texts: the nursery rhymes here, the others from texts/ (web/prepare-texts.mjs writes
// what this machine's packages have); a choice that is not there is disabled.
const source = $('train-source');
const textsReady = fetch('texts/index.json', { cache: 'no-cache' }).then((r) => (r.ok ? r.json() : { texts: [] }))
  .then((j) => (Array.isArray(j.texts) ? j.texts : [])).catch(() => []);
textsReady.then((texts) => {
  for (const o of source.options) {
    if (['nursery', 'own'].includes(o.value) || texts.some((x) => x.name === o.value)) continue;
    o.disabled = true;
    o.textContent = t('{name}: not available in this build', { name: o.textContent });
  }
});

source.addEventListener('change', async () => {
  const choice = source.value;
  if (choice === 'own') { setLang(tr.text, ''); tr.text.value = ''; tr.text.focus(); updateTextInfo(); return; }
  if (choice === 'nursery') { setLang(tr.text, 'en'); tr.text.value = DEFAULT_TRAIN_TEXT; updateTextInfo(); return; }
  const entry = (await textsReady).find((x) => x.name === choice);
  if (!entry || source.value !== choice) return;  // not in this build, or another choice meanwhile
  try {
    const r = await fetch(`texts/${entry.file}`);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const text = await r.text();
    if (source.value !== choice) return;  // another choice meanwhile
    setLang(tr.text, entry.lang);
    tr.text.value = text;
    updateTextInfo();
  } catch (e) {
    showMsg(tr.msg, t('Could not read {name}: {error}', { name: entry.file, error: e.message }), 'error');
  }
});

// The baselines of the loss chart, from the training part of the text: log2 of the number of
// distinct characters (uniform guessing) and the entropy of their frequencies (unigram).
function updateTextInfo() {
  const chars = Array.from(tr.text.value);
  const distinct = new Set(chars).size;
  const cut = Math.floor(chars.length * 0.9);
  tr.textInfo.textContent = t('{n} characters, {distinct} distinct · training {train}, validation {val}', {
    n: fmtInt(chars.length), distinct: fmtInt(distinct), train: fmtInt(cut), val: fmtInt(chars.length - cut),
  });
  const counts = new Map();
  for (const c of chars.slice(0, cut)) counts.set(c, (counts.get(c) ?? 0) + 1);
  let unigram = 0;
  for (const n of counts.values()) unigram -= (n / cut) * Math.log2(n / cut);
  tr.baselines = { uniform: distinct > 1 ? Math.log2(distinct) : NaN, unigram: cut > 0 ? unigram : NaN };
  $('train-uniform').textContent = distinct > 1 ? t('{n} bits/char', { n: tr.baselines.uniform.toFixed(2) }) : '–';
  $('train-unigram').textContent = cut > 0 ? t('{n} bits/char', { n: unigram.toFixed(2) }) : '–';
  queueChart();
}
tr.text.addEventListener('input', () => { source.value = 'own'; updateTextInfo(); });
updateTextInfo();

tr.file.addEventListener('change', async () => {
  const file = tr.file.files[0];
  tr.file.value = '';
  if (!file) return;
  if (file.size > 20e6) { showMsg(tr.msg, t('{name} is {size}; please use a text of at most 20 MB here.', { name: file.name, size: fmtBytes(file.size) }), 'error'); return; }
  try {
    const text = await file.text();
    if (text.includes('\u0000')) throw new Error(t('it does not look like a text file'));
    tr.text.value = text;
    source.value = 'own';
    setLang(tr.text, '');
    updateTextInfo();
    showMsg(tr.msg, t('Loaded {name}.', { name: file.name }), 'ok');
  } catch (e) {
    showMsg(tr.msg, t('Could not read {name}: {error}', { name: file.name, error: e.message }), 'error');
  }
});

function drawChart() {
  tr.drawQueued = false;
  // Many steps: plot the mean of each bucket so the curve stays readable and cheap to draw.
  const bucket = Math.max(1, Math.ceil(tr.train.length / 600));
  const points = [];
  for (let i = 0; i < tr.train.length; i += bucket) {
    const part = tr.train.slice(i, i + bucket);
    points.push([part[part.length - 1][0], part.reduce((s, p) => s + p[1], 0) / part.length]);
  }
  const xMax = tr.settings?.steps ?? 1;
  // The baselines only with a run to compare: before one, the chart says how to start.
  const level = (label, y, color) => (Number.isFinite(y) && tr.train.length ? [{ label, color, dash: [4, 4], width: 1, points: [[0, y], [xMax, y]] }] : []);
  drawLineChart(tr.chart, {
    series: [
      { label: t('training'), color: '#1c64d1', points, width: 1.5 },
      { label: t('validation (held-out 10%)'), color: '#d9480f', points: tr.val.filter((p) => Number.isFinite(p[1])), dots: true },
      ...level(t('uniform'), tr.baselines.uniform, '#7a828e'),
      ...level(t('unigram'), tr.baselines.unigram, '#5b6575'),
    ],
    legend: true, xLabel: t('step'), yLabel: t('bits/char'), yMin: 0, xMin: 0, xMax: tr.settings?.steps,
    empty: t('Press Start to train; the loss appears here.'),
  });
  tr.chart.dataset.points = String(tr.train.length);
  tr.chart.dataset.valPoints = String(tr.val.length);
  // Validation and the training losses up to it arrive in separate messages: redraw on either.
  const counts = `${tr.val.length}:${tr.train.length}`;
  if (tr.table.dataset.counts !== counts) { tr.table.dataset.counts = counts; fillTable(); }
}

// The chart's numbers: at each validation, the mean training loss since the one before, and the validation loss.
function fillTable() {
  const table = tr.table;
  table.textContent = '';
  if (!tr.val.length) return;
  table.createTHead().insertRow().append(...[t('Training step'), t('training, mean since the last check'), t('validation')]
    .map((h, i) => el('th', { className: i ? 'num' : '', textContent: h })));
  const body = table.createTBody();
  let i = 0;  // tr.train is in step order: one pass over it for all the rows
  for (const [step, bits] of tr.val) {
    let sum = 0, n = 0;
    for (; i < tr.train.length && tr.train[i][0] <= step; i++, n++) sum += tr.train[i][1];
    const mean = n ? sum / n : NaN;
    const row = body.insertRow();
    row.append(el('th', { scope: 'row', textContent: fmtInt(step) }),
      ...[mean, bits].map((v) => el('td', { className: 'num', textContent: Number.isFinite(v) ? v.toFixed(3) : '–' })));
  }
}

/** Redraws the loss chart at the next frame (once, however often it is asked). */
export function queueChart() {
  if (!tr.drawQueued) { tr.drawQueued = true; requestAnimationFrame(drawChart); }
}

function readSettings() {
  // problem(range) says what is wrong, range = {lo, hi}.
  const int = (id, lo, hi, problem) => {
    const v = Number($(id).value);
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(problem({ lo, hi }));
    return v;
  };
  const lr = Number($('train-lr').value);
  if (!(lr > 0 && lr <= 1)) throw new Error(t('the learning rate must be a number above 0 and at most 1'));
  const text = tr.text.value;
  const s = {
    text, cell: $('train-cell').value, layers: int('train-layers', 1, 4, (r) => t('Layers must be a whole number from {lo} to {hi}', r)),
    hidden: int('train-hidden', 4, 1024, (r) => t('Hidden size must be a whole number from {lo} to {hi}', r)),
    seqLen: int('train-seq', 4, 512, (r) => t('Sequence length must be a whole number from {lo} to {hi}', r)), lr,
    steps: int('train-steps', 1, 100000, (r) => t('Steps must be a whole number from {lo} to {hi}', r)),
    batch: int('train-batch', 1, 256, (r) => t('Batch size must be a whole number from {lo} to {hi}', r)),
    sampleEvery: int('train-sample-every', 0, 100000, (r) => t('Sample every must be a whole number from {lo} to {hi}', r)),
    seed: 1, keepBest: tr.best.checked,
  };
  s.embed = Math.max(8, Math.min(64, Math.round(s.hidden / 2)));
  return s;
}

// Validation clearly above its best while training goes on falling: say what that means, once.
function noticeOverfitting() {
  const vals = tr.val.filter((p) => Number.isFinite(p[1]));
  if (vals.length < 3 || !tr.overfit.hidden) return;
  const best = vals.reduce((a, b) => (b[1] < a[1] ? b : a));
  const last = vals[vals.length - 1];
  if (last[1] < best[1] + 0.1) return;
  // Only while training still improves: a run that diverges makes both rise, and that is not this.
  const near = (step) => tr.train.filter(([s]) => Math.abs(s - step) < 10).map(([, b]) => b);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  if (!(mean(near(last[0])) < mean(near(best[0])))) return;
  showMsg(tr.overfit, t("Overfitting: validation has risen from {best} bits/char at step {step} to {last} while the training loss keeps falling. The network is memorising its training text rather than learning what generalises. More text, a smaller network or fewer steps help; “Keep the best model” keeps step {step}'s weights.",
    { best: best[1].toFixed(2), step: fmtInt(best[0]), last: last[1].toFixed(2) }));
}

function setButtons(state) {
  const running = state === 'running' || state === 'paused';
  // Start, or Pause and Stop: focus on a button being disabled moves to the first one enabled.
  const [on, off] = running ? [[tr.pause, tr.stop], [tr.start]] : [[tr.start], [tr.pause, tr.stop]];
  for (const b of on) b.disabled = false;
  for (const b of off) setDisabled(b, true, on[0]);
  tr.pause.textContent = state === 'paused' ? t('Resume') : t('Pause');
  tr.download.disabled = !(running || tr.trainedOnce);
  tr.use.disabled = !(running || tr.trainedOnce);
  for (const input of document.querySelectorAll('#panel-train .grid-fields input, #panel-train .grid-fields select')) input.disabled = running;
  tr.best.disabled = running;
  tr.text.readOnly = running;
  tr.file.disabled = running;
}

function onProgress(p) {
  const first = tr.train.length;
  p.losses.forEach((l, i) => tr.train.push([p.step - p.losses.length + i + 1, l / Math.LN2]));
  if (first === 0 && tr.train.length) tr.stats.dataset.firstBits = String(tr.train[0][1]);
  const recent = tr.train.slice(-10);
  const recentBits = recent.reduce((a, q) => a + q[1], 0) / Math.max(1, recent.length);
  tr.stats.dataset.lastBits = String(recentBits);
  tr.stats.dataset.step = String(p.step);
  tr.progress.max = p.steps;
  tr.progress.value = p.step;
  tr.eta.textContent = p.paused ? t('paused at step {step}', { step: fmtInt(p.step) })
    : t('step {step} / {steps} · ETA {eta}', { step: fmtInt(p.step), steps: fmtInt(p.steps), eta: fmtSecs(p.eta) });
  const val = tr.val.length ? tr.val[tr.val.length - 1][1] : NaN;
  tr.stats.textContent = [
    t('training {bits} bits/char (mean of the last {n} steps)', { bits: recentBits.toFixed(3), n: recent.length }),
    ...(Number.isFinite(val) ? [t('validation {bits} bits/char', { bits: val.toFixed(3) })] : []),
    t('{n} chars/s', { n: fmtInt(p.charsPerSec) }), t('{time} of training', { time: fmtSecs(p.seconds) }),
  ].join(' · ');
  queueChart();
}

async function start() {
  if (tr.job) return;
  let s;
  try { s = readSettings(); } catch (e) { showMsg(tr.msg, e.message, 'error'); return; }
  const te = getTrainEngine();
  tr.settings = s;
  tr.train = [];
  tr.val = [];
  tr.samples.textContent = '';
  tr.progress.value = 0;
  tr.eta.textContent = t('starting…');
  tr.stats.textContent = '';
  delete tr.stats.dataset.firstBits;
  tr.paused = false;
  showMsg(tr.msg, '');
  showMsg(tr.overfit, '');
  drawChart();
  const job = te.request('train', s, (type, p) => {
    if (type === 'started') {
      tr.info = p.info;
      tr.trainedOnce = true;
      setButtons('running');
      showMsg(tr.msg, t('Training a {model} on {train} characters; validating on {val}.', {
        model: describe(p.info), train: fmtInt(p.trainChars), val: fmtInt(p.valChars),
      }));
    } else if (type === 'progress') {
      onProgress(p);
    } else if (type === 'val') {
      tr.val.push([p.step, p.bitsPerChar]);
      noticeOverfitting();
      queueChart();
    } else if (type === 'sample') {
      const pre = el('pre', {}, el('b', { textContent: p.prompt }), p.text);
      tr.samples.prepend(el('li', {}, el('div', { className: 'step', textContent: t('step {step}', { step: fmtInt(p.step) }) }), pre));
    }
  });
  tr.job = job;
  setButtons('running');
  try {
    const r = await job.promise;
    const steps = fmtInt(r.steps);
    const how = r.stoppedEarly ? t('Stopped early after {steps} steps: validation had not improved for 5 checks.', { steps })
      : r.stopped ? t('Stopped after {steps} steps.', { steps }) : t('Finished {steps} steps.', { steps });
    const kept = r.best ? t('{how} The model keeps its best weights, from step {step} (validation {bits} bits/char).', {
      how, step: fmtInt(r.best.step), bits: r.best.bitsPerChar.toFixed(3),
    }) : how;
    showMsg(tr.msg, t('{text} Download the model or use it in Generate.', { text: kept }), 'ok');
    tr.msg.dataset.bestStep = r.best ? String(r.best.step) : '';
    tr.msg.dataset.bestBits = r.best ? String(r.best.bitsPerChar) : '';
    tr.eta.textContent = r.stopped || r.stoppedEarly ? t('stopped at step {step}', { step: steps }) : t('done');
  } catch (e) {
    showMsg(tr.msg, t('Training failed: {error}', { error: e.message }), 'error');
    tr.eta.textContent = '';
  } finally {
    tr.job = null;
    setButtons('idle');
    queueChart();
  }
}

tr.start.addEventListener('click', start);
tr.pause.addEventListener('click', () => {
  if (!tr.job) return;
  tr.paused = !tr.paused;
  getTrainEngine().control(tr.paused ? 'pause' : 'resume', tr.job.id);
  setButtons(tr.paused ? 'paused' : 'running');
});
tr.stop.addEventListener('click', () => {
  if (!tr.job) return;
  getTrainEngine().control('stop', tr.job.id);
  if (tr.paused) getTrainEngine().control('resume', tr.job.id);
});

async function trainedBytes() {
  const { bytes } = await getTrainEngine().request('save', { slot: 'train' }).promise;
  return bytes;
}

tr.download.addEventListener('click', async () => {
  try {
    const bytes = await trainedBytes();
    const s = tr.settings;
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: `recur-${s.cell}-${s.layers}x${s.hidden}.safetensors` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    showMsg(tr.msg, t('Saved {name} ({size}). It loads in Generate and in the recur command-line tool.', { name: a.download, size: fmtBytes(bytes.length) }), 'ok');
  } catch (e) {
    showMsg(tr.msg, t('Could not save the model: {error}', { error: e.message }), 'error');
  }
});

tr.use.addEventListener('click', async () => {
  try {
    const bytes = await trainedBytes();
    const info = await engine.request('load', { slot: 'trained', bytes }, null, [bytes.buffer]).promise;
    const s = tr.settings;
    addModel('trained', t('Your trained model ({cell}, {layers} × {hidden})', { cell: CELL_NAMES[s.cell], layers: s.layers, hidden: s.hidden }), {
      slot: 'trained', info, prompt: Array.from(s.text.trimStart()).slice(0, 4).join(''),
    });
    location.hash = '#generate';
    await selectModel('trained');
  } catch (e) {
    showMsg(tr.msg, t('Could not pass the model to Generate: {error}', { error: e.message }), 'error');
  }
});

/** Starts the training worker the first time the panel is shown; redraws the chart. */
export function show(first) {
  if (first) {
    getTrainEngine().ready.then(() => { tr.start.disabled = !!tr.job; }, (e) => showMsg(tr.msg, e.message, 'error'));
  }
  queueChart();
}
