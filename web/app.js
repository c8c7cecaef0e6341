// The demo page: UI only. All compute happens in module Workers (worker.js) that own the
// WebAssembly engine; this file sends them {id, type, payload} requests and draws the answers.
import { drawLineChart } from './chart.js';
import { drawHeatmap } from './heatmap.js';
import { DISTANCES, findMentions, makeProbes } from './apple-text.js';

const $ = (id) => document.getElementById(id);
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtBytes = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`);
const fmtSecs = (s) => {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
};
const pct = (p) => `${Math.round(p * 100)}%`;
const CELL_NAMES = { rnn_tanh: 'RNN (tanh)', rnn_relu: 'RNN (ReLU)', lstm: 'LSTM', gru: 'GRU' };

function showMsg(el, text, kind = 'info') {
  el.hidden = !text;
  el.textContent = text || '';
  el.className = `msg${kind === 'info' ? '' : ` ${kind}`}`;
}

function describe(info) {
  const c = info.config;
  const cell = `${c.bidirectional ? 'bidirectional ' : ''}${CELL_NAMES[c.cell] ?? c.cell}`;
  const what = c.task === 'lm' ? `${fmtInt(info.vocabSize)} symbols` : `labels ${info.labels.join(' / ')}`;
  return `${cell} · ${c.numLayers} layer${c.numLayers > 1 ? 's' : ''} × ${c.hiddenSize} · ${fmtInt(info.parameterCount)} parameters · ${what}`;
}

// ---------------------------------------------------------------------------------------------
// Workers: one for generation and the apple demo, one (started on demand) for training, so a
// long training run does not slow down the other panels on a multi-core machine.

const engineMsg = $('engine-msg');

class Engine {
  constructor(name) {
    this.name = name;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => this.onMessage(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.fail(`The ${name} worker could not start${e.message ? `: ${e.message}` : ''}. This page needs a browser with WebAssembly and module workers.`);
    };
    this.ready = this.request('hello').promise;
  }

  /** Sends a request; onEvent(type, payload) sees its progress messages. Returns {id, promise}. */
  request(type, payload = {}, onEvent = null, transfer = []) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, onEvent }));
    if (this.dead) this.pending.get(id).reject(new Error(this.dead));
    else this.worker.postMessage({ id, type, payload }, transfer);
    return { id, promise };
  }

  /** cancel / pause / resume / stop the request `target`. */
  control(type, target) {
    this.worker.postMessage({ id: this.nextId++, type, payload: { target } });
  }

  onMessage({ id, type, payload }) {
    if (type === 'fatal') { this.fail(payload.message); return; }
    const p = this.pending.get(id);
    if (!p) return;
    if (type === 'done') { this.pending.delete(id); p.resolve(payload); }
    else if (type === 'error') {
      this.pending.delete(id);
      const err = new Error(payload.message);
      err.name = payload.name;
      p.reject(err);
    } else p.onEvent?.(type, payload);
  }

  fail(message) {
    if (this.dead) return;
    this.dead = message;
    showMsg(engineMsg, message, 'error');
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
}

const engine = new Engine('engine');
let trainEngine = null;
const getTrainEngine = () => (trainEngine ??= new Engine('training'));

engine.ready.then(({ simdArch }) => {
  engineMsg.className = 'msg ok';
  engineMsg.textContent = `Engine ready (WebAssembly, SIMD: ${simdArch}).`;
  $('footer-info').append(` Engine: WebAssembly SIMD128 (${simdArch}).`);
}, () => {});

// ---------------------------------------------------------------------------------------------
// Panels (hash navigation: #generate, #train, #apple, #memory)

const PANELS = ['generate', 'train', 'apple', 'memory'];
const onShow = {};
const shown = new Set();

function route(focus) {
  const name = PANELS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'generate';
  for (const p of PANELS) $(`panel-${p}`).hidden = p !== name;
  for (const a of document.querySelectorAll('.tabs a')) {
    if (a.dataset.panel === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (focus) {
    const h = $(`h-${name}`);
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
  }
  const first = !shown.has(name);
  shown.add(name);
  onShow[name]?.(first);
}
window.addEventListener('hashchange', () => route(true));

// ---------------------------------------------------------------------------------------------
// The bundled models (web/models/index.json, written by web/prepare-models.mjs)

const KNOWN_LMS = {
  'en-fortunes-lstm': { title: 'English fortunes (LSTM)', prompt: 'The ' },
  'zh-poetry-lstm': { title: 'Chinese poetry 唐诗宋词 (LSTM)', prompt: '春' },
};
const APPLE_MODELS = [
  { name: 'apple-rnn', short: 'RNN' },
  { name: 'apple-lstm', short: 'LSTM' },
  { name: 'apple-gru', short: 'GRU' },
  { name: 'apple-bilstm', short: 'BiLSTM' },
];

const catalogReady = fetch('models/index.json', { cache: 'no-cache' })
  .then((r) => (r.ok ? r.json() : { models: [] }))
  .then((j) => (Array.isArray(j.models) ? j.models : []))
  .catch(() => []);

// Bundled models are fetched once per worker slot; the same promise serves every caller.
const loading = new Map();
function loadBundled(entry, onProgress) {
  if (!loading.has(entry.name)) {
    const { promise } = engine.request('load', { slot: entry.name, url: `models/${entry.file}` },
      (type, p) => type === 'progress' && loading.get(entry.name)?.listeners.forEach((f) => f(p)));
    const item = { promise, listeners: new Set() };
    loading.set(entry.name, item);
    promise.catch(() => loading.delete(entry.name));
  }
  const item = loading.get(entry.name);
  if (onProgress) item.listeners.add(onProgress);
  return item.promise.finally(() => onProgress && item.listeners.delete(onProgress));
}

// ---------------------------------------------------------------------------------------------
// Generate

const gen = {
  select: $('gen-model'), file: $('gen-file'), info: $('gen-model-info'), load: $('gen-load'), msg: $('gen-msg'),
  prompt: $('gen-prompt'), start: $('gen-start'), stop: $('gen-stop'), rate: $('gen-rate'), out: $('gen-out'),
  current: null,        // {slot, info, prompt}
  options: new Map(),   // option value → {slot, entry?, info?, prompt}
  job: null, fileCount: 0, firstCharMarked: false,
};

function genOption(value, label, data, disabled = false) {
  let opt = [...gen.select.options].find((o) => o.value === value);
  if (!opt) {
    opt = document.createElement('option');
    opt.value = value;
    gen.select.append(opt);
  }
  opt.textContent = label;
  opt.disabled = disabled;
  gen.options.set(value, data);
  return opt;
}

function setPromptFor(data) {
  const previous = gen.current?.prompt ?? 'The ';
  if (data.prompt && (gen.prompt.value === previous || gen.prompt.value === '')) gen.prompt.value = data.prompt;
}

async function selectGenModel(value) {
  const data = gen.options.get(value);
  if (!data) return;
  const before = gen.current;
  gen.select.value = value;
  if (data.entry && !data.info) {
    gen.start.disabled = true;
    gen.load.hidden = false;
    gen.load.removeAttribute('value');  // indeterminate until the first byte count
    showMsg(gen.msg, `Loading ${data.entry.name}…`);
    try {
      data.info = await loadBundled(data.entry, ({ loaded, total }) => {
        if (total) { gen.load.max = total; gen.load.value = loaded; }
        showMsg(gen.msg, `Loading ${data.entry.name}… ${fmtBytes(loaded)}${total ? ` of ${fmtBytes(total)}` : ''}`);
      });
      showMsg(gen.msg, '');
    } catch (e) {
      showMsg(gen.msg, `Could not load ${data.entry.name}: ${e.message}`, 'error');
      gen.load.hidden = true;
      if (before) gen.select.value = before.value;
      gen.start.disabled = !before || !!gen.job;
      return;
    }
    gen.load.hidden = true;
  }
  if (gen.select.value !== value) return;  // the visitor picked another model meanwhile
  setPromptFor(data);
  gen.current = { ...data, value };
  gen.select.querySelector('option[value=""]')?.remove();
  gen.info.textContent = describe(data.info);
  gen.start.disabled = !!gen.job;
}

gen.select.addEventListener('change', () => selectGenModel(gen.select.value));

gen.file.addEventListener('change', async () => {
  const file = gen.file.files[0];
  gen.file.value = '';
  if (!file) return;
  if (file.size > 512e6) { showMsg(gen.msg, `${file.name} is ${fmtBytes(file.size)}: too large for a model of this demo.`, 'error'); return; }
  showMsg(gen.msg, `Reading ${file.name}…`);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const slot = `file:${++gen.fileCount}`;
    const info = await engine.request('load', { slot, bytes }, null, [bytes.buffer]).promise;
    if (info.config.task !== 'lm') {
      engine.request('unload', { slot });
      throw new Error(`this is a ${info.config.task} model; Generate needs a language model (task "lm")`);
    }
    genOption(slot, `File: ${file.name}`, { slot, info, prompt: '' });
    await selectGenModel(slot);
    showMsg(gen.msg, `Loaded ${file.name} (${fmtBytes(file.size)}).`, 'ok');
  } catch (e) {
    showMsg(gen.msg, `Could not load ${file.name}: ${e.message}`, 'error');
  }
});

// The engine checks the ranges and says what is wrong; here only that each field is a number.
function readGenOptions() {
  const num = (id, name) => {
    const el = $(id);
    const v = Number(el.value);
    if (el.value.trim() === '' || !Number.isFinite(v)) throw new Error(`${name} must be a number`);
    return v;
  };
  const o = {
    prompt: gen.prompt.value, length: num('gen-length', 'Length'), temperature: num('gen-temp', 'Temperature'),
    topP: num('gen-topp', 'Top-p'), seed: num('gen-seed', 'Seed'),
  };
  const k = num('gen-topk', 'Top-k');
  if (k !== 0) o.topK = k;
  return o;
}

async function startGenerate() {
  if (!gen.current || gen.job) return;
  let options;
  try { options = readGenOptions(); } catch (e) { showMsg(gen.msg, e.message, 'error'); return; }
  const promptNode = gen.out.querySelector('.prompt');
  const genSpan = gen.out.querySelector('.gen');
  promptNode.textContent = options.prompt;
  genSpan.textContent = '';
  const text = document.createTextNode('');
  genSpan.append(text);
  gen.out.classList.add('running');
  gen.out.dataset.state = 'running';
  showMsg(gen.msg, '');
  gen.start.disabled = true;
  gen.stop.disabled = false;
  gen.rate.textContent = '';
  const job = engine.request('generate', { slot: gen.current.slot, ...options }, (type, p) => {
    if (type !== 'piece') return;
    if (!gen.firstCharMarked) { gen.firstCharMarked = true; performance.mark('recur-first-char'); }
    text.appendData(p.text);
    if (gen.out.scrollHeight - gen.out.scrollTop - gen.out.clientHeight < 80) gen.out.scrollTop = gen.out.scrollHeight;
    gen.rate.textContent = `${fmtInt(p.chars)} characters · ${fmtInt(p.chars / Math.max(p.seconds, 1e-3))} chars/s`;
  });
  gen.job = job;
  try {
    const r = await job.promise;
    const rate = `${fmtInt(r.chars / Math.max(r.seconds, 1e-3))} chars/s`;
    gen.rate.textContent = r.aborted ? `Stopped after ${fmtInt(r.chars)} characters · ${rate}` : `${fmtInt(r.chars)} characters in ${r.seconds < 1 ? `${Math.max(1, Math.round(r.seconds * 1000))} ms` : `${r.seconds.toFixed(2)} s`} · ${rate}`;
    gen.out.dataset.state = r.aborted ? 'stopped' : 'done';
  } catch (e) {
    showMsg(gen.msg, e.message, 'error');
    gen.out.dataset.state = 'error';
  } finally {
    gen.job = null;
    gen.out.classList.remove('running');
    gen.start.disabled = !gen.current;
    gen.stop.disabled = true;
  }
}

gen.start.addEventListener('click', startGenerate);
gen.stop.addEventListener('click', () => gen.job && engine.control('cancel', gen.job.id));
gen.prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); startGenerate(); }
});
$('gen-random').addEventListener('click', () => { $('gen-seed').value = String(Math.floor(Math.random() * 1e6)); });

onShow.generate = async (first) => {
  if (!first) return;
  const catalog = await catalogReady;
  const lms = catalog.filter((m) => m.task === 'lm');
  for (const [name, known] of Object.entries(KNOWN_LMS)) {
    const entry = lms.find((m) => m.name === name);
    if (entry) genOption(name, known.title, { slot: name, entry, prompt: known.prompt });
    else genOption(name, `${known.title}: not available in this build`, {}, true);
  }
  for (const entry of lms.filter((m) => !KNOWN_LMS[m.name])) {
    genOption(entry.name, `${entry.name} (${CELL_NAMES[entry.cell] ?? entry.cell})`, { slot: entry.name, entry, prompt: '' });
  }
  const firstAvailable = [...gen.select.options].find((o) => !o.disabled);
  if (firstAvailable) {
    await selectGenModel(firstAvailable.value);
  } else {
    gen.select.prepend(genOption('', 'No model loaded yet', {}, true));
    gen.select.value = '';
    showMsg(gen.msg, 'No language model is bundled with this build (models/en-fortunes-lstm and models/zh-poetry-lstm are not trained yet). Open a .safetensors file above, or train one under “Train your own” and press “Use in Generate”.');
  }
};

// ---------------------------------------------------------------------------------------------
// Train your own

const DEFAULT_TRAIN_TEXT = `Twinkle, twinkle, little star,
How I wonder what you are!
Up above the world so high,
Like a diamond in the sky.

Humpty Dumpty sat on a wall,
Humpty Dumpty had a great fall.
All the king's horses and all the king's men
Couldn't put Humpty together again.

Mary had a little lamb,
Its fleece was white as snow;
And everywhere that Mary went,
The lamb was sure to go.

Jack and Jill went up the hill
To fetch a pail of water;
Jack fell down and broke his crown,
And Jill came tumbling after.

Hey diddle diddle,
The cat and the fiddle,
The cow jumped over the moon;
The little dog laughed
To see such sport,
And the dish ran away with the spoon.

Baa, baa, black sheep,
Have you any wool?
Yes, sir, yes, sir,
Three bags full;
One for the master,
And one for the dame,
And one for the little boy
Who lives down the lane.

Little Bo-Peep has lost her sheep,
And doesn't know where to find them;
Leave them alone, and they'll come home,
Wagging their tails behind them.

Hickory, dickory, dock,
The mouse ran up the clock.
The clock struck one,
The mouse ran down,
Hickory, dickory, dock.

Old King Cole was a merry old soul,
And a merry old soul was he;
He called for his pipe, and he called for his bowl,
And he called for his fiddlers three.

Little Miss Muffet
Sat on a tuffet,
Eating her curds and whey;
Along came a spider,
Who sat down beside her
And frightened Miss Muffet away.

Pat-a-cake, pat-a-cake, baker's man,
Bake me a cake as fast as you can;
Pat it and prick it and mark it with B,
And put it in the oven for baby and me.

Little Jack Horner
Sat in the corner,
Eating a Christmas pie;
He put in his thumb,
And pulled out a plum,
And said, "What a good boy am I!"

Hush-a-bye, baby, on the tree top,
When the wind blows the cradle will rock;
When the bough breaks the cradle will fall,
And down will come baby, cradle and all.

Rain, rain, go away,
Come again another day;
Little Johnny wants to play.

Sing a song of sixpence,
A pocket full of rye;
Four and twenty blackbirds
Baked in a pie.
When the pie was opened
The birds began to sing;
Wasn't that a dainty dish
To set before the king?

The Queen of Hearts,
She made some tarts,
All on a summer's day;
The Knave of Hearts,
He stole the tarts,
And took them clean away.

Ring-a-ring o' roses,
A pocket full of posies,
A-tishoo! A-tishoo!
We all fall down.

Jack be nimble,
Jack be quick,
Jack jump over
The candlestick.

Row, row, row your boat,
Gently down the stream.
Merrily, merrily, merrily, merrily,
Life is but a dream.
`;

const tr = {
  text: $('train-text'), file: $('train-file'), textInfo: $('train-text-info'), start: $('train-start'),
  pause: $('train-pause'), stop: $('train-stop'), download: $('train-download'), use: $('train-use'),
  progress: $('train-progress'), eta: $('train-eta'), msg: $('train-msg'), chart: $('train-chart'),
  stats: $('train-stats'), samples: $('train-samples'),
  job: null, paused: false, train: [], val: [], info: null, settings: null, drawQueued: false, trainedOnce: false,
};
tr.text.value = DEFAULT_TRAIN_TEXT;

function updateTextInfo() {
  const chars = Array.from(tr.text.value);
  const distinct = new Set(chars).size;
  const cut = Math.floor(chars.length * 0.9);
  tr.textInfo.textContent = `${fmtInt(chars.length)} characters, ${fmtInt(distinct)} distinct · training ${fmtInt(cut)}, validation ${fmtInt(chars.length - cut)}`;
  $('train-uniform').textContent = distinct > 1 ? `${Math.log2(distinct).toFixed(2)} bits/char` : '–';
}
tr.text.addEventListener('input', updateTextInfo);
updateTextInfo();

tr.file.addEventListener('change', async () => {
  const file = tr.file.files[0];
  tr.file.value = '';
  if (!file) return;
  if (file.size > 20e6) { showMsg(tr.msg, `${file.name} is ${fmtBytes(file.size)}; please use a text of at most 20 MB here.`, 'error'); return; }
  try {
    const text = await file.text();
    if (text.includes('\u0000')) throw new Error('it does not look like a text file');
    tr.text.value = text;
    updateTextInfo();
    showMsg(tr.msg, `Loaded ${file.name}.`, 'ok');
  } catch (e) {
    showMsg(tr.msg, `Could not read ${file.name}: ${e.message}`, 'error');
  }
});

function drawTrainChart() {
  tr.drawQueued = false;
  // Many steps: plot the mean of each bucket so the curve stays readable and cheap to draw.
  const bucket = Math.max(1, Math.ceil(tr.train.length / 600));
  const points = [];
  for (let i = 0; i < tr.train.length; i += bucket) {
    const part = tr.train.slice(i, i + bucket);
    points.push([part[part.length - 1][0], part.reduce((s, p) => s + p[1], 0) / part.length]);
  }
  drawLineChart(tr.chart, {
    series: [
      { label: 'training', color: '#1c64d1', points, width: 1.5 },
      { label: 'validation (held-out 10%)', color: '#d9480f', points: tr.val.filter((p) => Number.isFinite(p[1])), dots: true },
    ],
    legend: true, xLabel: 'step', yLabel: 'bits/char', yMin: 0, xMin: 0, xMax: tr.settings?.steps,
    empty: 'Press Start to train; the loss appears here.',
  });
  tr.chart.dataset.points = String(tr.train.length);
  tr.chart.dataset.valPoints = String(tr.val.length);
}
const queueTrainChart = () => { if (!tr.drawQueued) { tr.drawQueued = true; requestAnimationFrame(drawTrainChart); } };

function readTrainSettings() {
  const int = (id, lo, hi, name) => {
    const v = Number($(id).value);
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${name} must be a whole number from ${lo} to ${hi}`);
    return v;
  };
  const lr = Number($('train-lr').value);
  if (!(lr > 0 && lr <= 1)) throw new Error('the learning rate must be a number above 0 and at most 1');
  const text = tr.text.value;
  const s = {
    text, cell: $('train-cell').value, layers: int('train-layers', 1, 4, 'Layers'),
    hidden: int('train-hidden', 4, 1024, 'Hidden size'), seqLen: int('train-seq', 4, 512, 'Sequence length'), lr,
    steps: int('train-steps', 1, 100000, 'Steps'), batch: int('train-batch', 1, 256, 'Batch size'),
    sampleEvery: int('train-sample-every', 0, 100000, 'Sample every'), seed: 1,
  };
  s.embed = Math.max(8, Math.min(64, Math.round(s.hidden / 2)));
  return s;
}

function setTrainButtons(state) {
  const running = state === 'running' || state === 'paused';
  tr.start.disabled = running;
  tr.pause.disabled = !running;
  tr.stop.disabled = !running;
  tr.pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
  tr.download.disabled = !(running || tr.trainedOnce);
  tr.use.disabled = !(running || tr.trainedOnce);
  for (const el of document.querySelectorAll('#panel-train .grid-fields input, #panel-train .grid-fields select')) el.disabled = running;
  tr.text.readOnly = running;
  tr.file.disabled = running;
}

async function startTraining() {
  if (tr.job) return;
  let s;
  try { s = readTrainSettings(); } catch (e) { showMsg(tr.msg, e.message, 'error'); return; }
  const te = getTrainEngine();
  tr.settings = s;
  tr.train = [];
  tr.val = [];
  tr.samples.textContent = '';
  tr.progress.value = 0;
  tr.eta.textContent = 'starting…';
  tr.stats.textContent = '';
  delete tr.stats.dataset.firstBits;
  tr.paused = false;
  showMsg(tr.msg, '');
  drawTrainChart();
  const job = te.request('train', s, (type, p) => {
    if (type === 'started') {
      tr.info = p.info;
      tr.trainedOnce = true;
      setTrainButtons('running');
      showMsg(tr.msg, `Training a ${describe(p.info)} on ${fmtInt(p.trainChars)} characters; validating on ${fmtInt(p.valChars)}.`);
    } else if (type === 'progress') {
      const first = tr.train.length;
      p.losses.forEach((l, i) => tr.train.push([p.step - p.losses.length + i + 1, l / Math.LN2]));
      if (first === 0 && tr.train.length) tr.stats.dataset.firstBits = String(tr.train[0][1]);
      const recent = tr.train.slice(-10);
      const recentBits = recent.reduce((a, q) => a + q[1], 0) / Math.max(1, recent.length);
      tr.stats.dataset.lastBits = String(recentBits);
      tr.stats.dataset.step = String(p.step);
      tr.progress.max = p.steps;
      tr.progress.value = p.step;
      tr.eta.textContent = p.paused ? `paused at step ${fmtInt(p.step)}` : `step ${fmtInt(p.step)} / ${fmtInt(p.steps)} · ETA ${fmtSecs(p.eta)}`;
      const val = tr.val.length ? tr.val[tr.val.length - 1][1] : NaN;
      tr.stats.textContent = `training ${recentBits.toFixed(3)} bits/char (mean of the last ${recent.length} steps)`
        + `${Number.isFinite(val) ? ` · validation ${val.toFixed(3)} bits/char` : ''} · ${fmtInt(p.charsPerSec)} chars/s · ${fmtSecs(p.seconds)} of training`;
      queueTrainChart();
    } else if (type === 'val') {
      tr.val.push([p.step, p.bitsPerChar]);
      queueTrainChart();
    } else if (type === 'sample') {
      const li = document.createElement('li');
      const head = document.createElement('div');
      head.className = 'step';
      head.textContent = `step ${fmtInt(p.step)}`;
      const pre = document.createElement('pre');
      const b = document.createElement('b');
      b.textContent = p.prompt;
      pre.append(b, p.text);
      li.append(head, pre);
      tr.samples.prepend(li);
    }
  });
  tr.job = job;
  setTrainButtons('running');
  try {
    const r = await job.promise;
    showMsg(tr.msg, r.stopped ? `Stopped after ${fmtInt(r.steps)} steps. Download the model or use it in Generate.` : `Finished ${fmtInt(r.steps)} steps. Download the model or use it in Generate.`, 'ok');
    tr.eta.textContent = r.stopped ? `stopped at step ${fmtInt(r.steps)}` : 'done';
  } catch (e) {
    showMsg(tr.msg, `Training failed: ${e.message}`, 'error');
    tr.eta.textContent = '';
  } finally {
    tr.job = null;
    setTrainButtons('idle');
    queueTrainChart();
  }
}

tr.start.addEventListener('click', startTraining);
tr.pause.addEventListener('click', () => {
  if (!tr.job) return;
  tr.paused = !tr.paused;
  trainEngine.control(tr.paused ? 'pause' : 'resume', tr.job.id);
  setTrainButtons(tr.paused ? 'paused' : 'running');
});
tr.stop.addEventListener('click', () => {
  if (!tr.job) return;
  trainEngine.control('stop', tr.job.id);
  if (tr.paused) trainEngine.control('resume', tr.job.id);
});

async function trainedBytes() {
  const { bytes } = await trainEngine.request('save', { slot: 'train' }).promise;
  return bytes;
}

tr.download.addEventListener('click', async () => {
  try {
    const bytes = await trainedBytes();
    const s = tr.settings;
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `recur-${s.cell}-${s.layers}x${s.hidden}.safetensors`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    showMsg(tr.msg, `Saved ${a.download} (${fmtBytes(bytes.length)}). It loads in Generate and in the recur command-line tool.`, 'ok');
  } catch (e) {
    showMsg(tr.msg, `Could not save the model: ${e.message}`, 'error');
  }
});

tr.use.addEventListener('click', async () => {
  try {
    const bytes = await trainedBytes();
    const info = await engine.request('load', { slot: 'trained', bytes }, null, [bytes.buffer]).promise;
    const s = tr.settings;
    genOption('trained', `Your trained model (${CELL_NAMES[s.cell]}, ${s.layers} × ${s.hidden})`, {
      slot: 'trained', info, prompt: Array.from(s.text.trimStart()).slice(0, 4).join(''),
    });
    location.hash = '#generate';
    await selectGenModel('trained');
  } catch (e) {
    showMsg(tr.msg, `Could not pass the model to Generate: ${e.message}`, 'error');
  }
});

onShow.train = (first) => {
  if (first) {
    getTrainEngine().ready.then(() => { tr.start.disabled = !!tr.job; }, (e) => showMsg(tr.msg, e.message, 'error'));
  }
  queueTrainChart();
};

// ---------------------------------------------------------------------------------------------
// Apple: fruit or company?

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
  compare: $('apple-compare'), chart: $('apple-chart'), heat: $('apple-heat'), heatInfo: $('apple-heat-info'),
  layer: $('apple-layer'), state: $('apple-state'),
  available: [], infos: new Map(), busy: false, dirty: false, last: null, heatLookup: null, ready: null,
};

const FRUIT_RGB = [217, 72, 15], COMPANY_RGB = [28, 100, 209];
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

const selectedApple = () => document.querySelector('input[name="apple-model"]:checked')?.value;

function renderAppleView(text, mentions, result) {
  ap.view.textContent = '';
  if (!text) {
    const s = document.createElement('span');
    s.className = 'none';
    s.textContent = 'Type a sentence above, or pick an example.';
    ap.view.append(s);
    return;
  }
  const chars = Array.from(text);
  let at = 0;
  for (const m of mentions) {
    ap.view.append(chars.slice(at, m.start).join(''));
    const mark = document.createElement('mark');
    mark.textContent = chars.slice(m.start, m.end + 1).join('');
    if (result && !result.error) {
      const d = decisionAt(result, m.end);
      mark.style.backgroundColor = senseColour(d.share);
      const tip = `${d.label}: P(fruit) ${d.fruit.toFixed(3)} · P(company) ${d.company.toFixed(3)} · P(O) ${d.O.toFixed(3)}`;
      mark.dataset.tip = tip;
      mark.dataset.label = d.label;
      mark.setAttribute('aria-label', `${mark.textContent}: ${tip}`);
      mark.tabIndex = 0;
    } else {
      mark.style.backgroundColor = '#8a93a3';
      mark.dataset.tip = 'no model';
    }
    ap.view.append(mark);
    at = m.end + 1;
  }
  ap.view.append(chars.slice(at).join(''));
  if (!mentions.length) {
    const s = document.createElement('span');
    s.className = 'none';
    s.textContent = '  (no mention of apple or 苹果 yet)';
    ap.view.append(s);
  }
}

function renderCompare(text, mentions, results) {
  const t = ap.compare;
  t.textContent = '';
  const chars = Array.from(text);
  const head = t.createTHead().insertRow();
  const th0 = document.createElement('th');
  th0.textContent = 'Network';
  head.append(th0);
  if (!mentions.length) {
    const th = document.createElement('th');
    th.textContent = 'No mention in the sentence';
    head.append(th);
  }
  for (const m of mentions) {
    const th = document.createElement('th');
    const ctx = chars.slice(Math.max(0, m.start - 12), m.start).join('');
    th.textContent = `${ctx.length < m.start ? '…' : ''}${ctx}${chars.slice(m.start, m.end + 1).join('')}`;
    th.title = `mention ending at character ${m.end + 1}`;
    head.append(th);
  }
  const body = t.createTBody();
  for (const { name, short } of APPLE_MODELS) {
    const row = body.insertRow();
    row.dataset.model = name;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = short;
    row.append(th);
    const r = results?.[name];
    if (!ap.available.some((e) => e.name === name)) {
      const td = row.insertCell();
      td.className = 'na';
      td.colSpan = Math.max(1, mentions.length);
      td.textContent = 'not available in this build';
      continue;
    }
    if (r?.error) {
      const td = row.insertCell();
      td.className = 'na';
      td.colSpan = Math.max(1, mentions.length);
      td.textContent = r.error;
      continue;
    }
    for (const m of mentions) {
      const td = row.insertCell();
      if (!r) { td.textContent = '…'; continue; }
      const d = decisionAt(r, m.end);
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.backgroundColor = senseColour(d.share);
      chip.textContent = `${d.label} ${pct(Math.max(d.fruit, d.company) / Math.max(d.fruit + d.company, 1e-12))}`;
      chip.title = `P(fruit) ${d.fruit.toFixed(3)} · P(company) ${d.company.toFixed(3)} · P(O) ${d.O.toFixed(3)}`;
      chip.dataset.label = d.label;
      td.append(chip);
    }
  }
}

function renderAppleChart(text, mentions, result) {
  const chars = Array.from(text);
  if (!result || result.error || !chars.length) {
    drawLineChart(ap.chart, { series: [], empty: result?.error || 'No model output yet.' });
    return;
  }
  const company = [], fruit = [];
  for (let i = 0; i < chars.length; i++) {
    const d = decisionAt(result, i);
    company.push([i, d.company]);
    fruit.push([i, d.fruit]);
  }
  drawLineChart(ap.chart, {
    series: [
      { label: 'P(company)', color: '#1c64d1', points: company, dots: chars.length < 60 },
      { label: 'P(fruit)', color: '#d9480f', points: fruit, dash: [5, 4] },
    ],
    legend: true, yMin: 0, yMax: 1, xMin: -0.5, xMax: chars.length - 0.5, yFormat: (v) => v.toFixed(1),
    xTicks: chars.map((c, i) => ({ x: i, label: c === ' ' ? '␣' : c })),
    bands: mentions.map((m) => ({ from: m.start - 0.5, to: m.end + 0.5, color: 'rgba(120,120,140,0.12)' })),
  });
}

function renderHeat(text, hidden) {
  ap.heatLookup = null;
  if (!hidden || hidden.error || !hidden.rows) {
    ap.heat.style.width = '0px';
    ap.heat.style.height = '0px';
    ap.heatInfo.textContent = hidden?.error ? `No heat map: ${hidden.error}.` : 'The heat map appears when a left-to-right model reads a sentence.';
    return;
  }
  ap.heatLookup = drawHeatmap(ap.heat, { ...hidden, labels: Array.from(text) });
  ap.heat.dataset.rows = String(hidden.rows);
  ap.heatInfo.textContent = `${hidden.state === 'c' ? 'Cell state c' : 'Hidden state h'} of layer ${hidden.layer + 1} after each character`
    + `${hidden.cols > ap.heatLookup.units ? ` (first ${ap.heatLookup.units} of ${hidden.cols} units)` : ` (${hidden.cols} units)`}`
    + `; colour scale ±${ap.heatLookup.scale.toFixed(2)}. Point at a cell for its value.`;
}

ap.heat.addEventListener('mousemove', (e) => {
  if (!ap.heatLookup || !ap.last) return;
  const r = ap.heat.getBoundingClientRect();
  const hit = ap.heatLookup.at(e.clientX - r.left, e.clientY - r.top);
  if (!hit) return;
  const ch = Array.from(ap.last.text)[hit.t];
  ap.heatInfo.textContent = `After “${ch === ' ' ? '␣' : ch}” (character ${hit.t + 1}), unit ${hit.unit}: ${hit.value.toFixed(3)}`;
});

function refreshLayerChoices() {
  const info = ap.infos.get(selectedApple());
  const layers = info?.config.numLayers ?? 1;
  const keep = Number(ap.layer.value || layers - 1);
  ap.layer.textContent = '';
  for (let l = 0; l < layers; l++) {
    const o = document.createElement('option');
    o.value = String(l);
    o.textContent = `${l + 1}${l === layers - 1 ? ' (top)' : ''}`;
    ap.layer.append(o);
  }
  ap.layer.value = String(Math.min(keep, layers - 1));
  const lstm = info?.config.cell === 'lstm';
  ap.state.querySelector('option[value="c"]').disabled = !lstm;
  if (!lstm) ap.state.value = 'h';
}

async function updateApple() {
  const text = ap.text.value;
  const mentions = findMentions(text);
  const sel = selectedApple();
  const slots = ap.available.filter((e) => ap.infos.has(e.name)).map((e) => e.name);
  if (!text || !slots.length) {
    ap.last = { text, mentions, results: null };
    renderAppleView(text, mentions, null);
    renderCompare(text, mentions, null);
    renderAppleChart(text, mentions, null);
    renderHeat(text, null);
    return;
  }
  const detail = ap.infos.has(sel) ? { slot: sel, layer: Number(ap.layer.value || 0), state: ap.state.value } : null;
  try {
    const { results, hidden } = await engine.request('tag', { slots, text, detail }).promise;
    ap.last = { text, mentions, results };
    const mine = results[sel] ?? null;
    renderAppleView(text, mentions, mine);
    renderCompare(text, mentions, results);
    renderAppleChart(text, mentions, mine ?? { error: 'This network is not available in this build.' });
    renderHeat(text, hidden ?? { error: 'this network is not available in this build' });
    showMsg(ap.msg, mine?.error ? `${sel}: ${mine.error}` : '', 'error');
    ap.view.dataset.text = text;
  } catch (e) {
    showMsg(ap.msg, e.message, 'error');
  }
}

async function scheduleApple() {
  if (ap.busy) { ap.dirty = true; return; }
  ap.busy = true;
  ap.view.dataset.busy = 'true';
  try {
    do { ap.dirty = false; await updateApple(); } while (ap.dirty);
  } finally {
    ap.busy = false;
    delete ap.view.dataset.busy;
  }
}

ap.text.addEventListener('input', scheduleApple);
for (const r of document.querySelectorAll('input[name="apple-model"]')) {
  r.addEventListener('change', () => { refreshLayerChoices(); scheduleApple(); });
}
ap.layer.addEventListener('change', scheduleApple);
ap.state.addEventListener('change', scheduleApple);
{
  const box = document.querySelector('#panel-apple .presets');
  for (const s of PRESETS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = shorten(s, 34);
    b.title = s;
    b.dataset.text = s;
    b.addEventListener('click', () => { ap.text.value = s; scheduleApple(); });
    box.append(b);
  }
}

/** Loads the apple models that exist; resolves to the list loaded. Shared by Apple and Memory. */
function loadAppleModels() {
  ap.ready ??= (async () => {
    const catalog = await catalogReady;
    ap.available = APPLE_MODELS.map((m) => catalog.find((e) => e.name === m.name)).filter(Boolean);
    const missing = APPLE_MODELS.filter((m) => !ap.available.some((e) => e.name === m.name));
    for (const input of document.querySelectorAll('input[name="apple-model"]')) {
      const absent = missing.some((m) => m.name === input.value);
      input.disabled = absent;
      if (absent) input.parentElement.title = 'not available in this build';
    }
    if (missing.length) {
      const names = missing.map((m) => m.name).join(', ');
      const text = missing.length === APPLE_MODELS.length
        ? 'The apple models are not available in this build (models/apple-*/model.safetensors have not been trained yet), so this panel cannot tag sentences. Build them with “make models”, then run “make demo” again.'
        : `Not available in this build: ${names}.`;
      showMsg(ap.missing, text, missing.length === APPLE_MODELS.length ? 'error' : 'info');
    }
    if (!ap.available.some((e) => e.name === selectedApple()) && ap.available.length) {
      document.querySelector(`input[name="apple-model"][value="${ap.available[0].name}"]`).checked = true;
    }
    if (ap.available.length) showMsg(ap.msg, `Loading ${ap.available.length} apple model${ap.available.length > 1 ? 's' : ''}…`);
    await Promise.all(ap.available.map(async (entry) => {
      try {
        ap.infos.set(entry.name, await loadBundled(entry));
      } catch (e) {
        showMsg(ap.missing, `Could not load ${entry.name}: ${e.message}`, 'error');
      }
    }));
    showMsg(ap.msg, '');
    refreshLayerChoices();
    return ap.available.filter((e) => ap.infos.has(e.name));
  })();
  return ap.ready;
}

onShow.apple = async (first) => {
  if (first) {
    renderAppleView(ap.text.value, findMentions(ap.text.value), null);
    await loadAppleModels();
  }
  scheduleApple();
};

// ---------------------------------------------------------------------------------------------
// Memory experiment

const MEMORY_MODELS = APPLE_MODELS.slice(0, 3);
const MEMORY_COLOURS = { 'apple-rnn': '#8a6aa0', 'apple-lstm': '#1c64d1', 'apple-gru': '#1f7a3d' };
const mem = {
  run: $('mem-run'), cancel: $('mem-cancel'), progress: $('mem-progress'), status: $('mem-status'),
  msg: $('mem-msg'), chart: $('mem-chart'), table: $('mem-table'), missing: $('memory-missing'),
  examples: $('mem-examples'), job: null, cancelled: false, results: null,
};

function drawMemory() {
  const series = MEMORY_MODELS.filter((m) => mem.results?.[m.name]).map((m) => ({
    label: m.short, color: MEMORY_COLOURS[m.name], dots: true,
    points: mem.results[m.name].map((r) => [r.distance, r.accuracy * 100]),
  }));
  if (series.length) series.push({ label: 'chance', color: '#9aa3b2', dash: [4, 4], width: 1, points: [[0, 50], [DISTANCES[DISTANCES.length - 1], 50]] });
  drawLineChart(mem.chart, {
    series, legend: true, xLabel: 'characters between cue and mention', yLabel: 'accuracy (%)',
    yMin: 0, yMax: 100, xMin: 0, xMax: DISTANCES[DISTANCES.length - 1],
    empty: 'Run the experiment to see the curves.',
  });
}

function renderMemoryTable() {
  const t = mem.table;
  t.textContent = '';
  if (!mem.results) return;
  const head = t.createTHead().insertRow();
  for (const label of ['Network', ...DISTANCES.map((d) => `${d} chars`)]) {
    const th = document.createElement('th');
    th.textContent = label;
    if (label !== 'Network') th.className = 'num';
    head.append(th);
  }
  const body = t.createTBody();
  for (const m of MEMORY_MODELS) {
    const rows = mem.results[m.name];
    const row = body.insertRow();
    row.dataset.model = m.name;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = m.short;
    row.append(th);
    if (!rows) {
      const td = row.insertCell();
      td.colSpan = DISTANCES.length;
      td.className = 'na';
      td.textContent = mem.errors?.[m.name] ?? 'not available in this build';
      continue;
    }
    for (const r of rows) {
      const td = row.insertCell();
      td.className = 'num';
      td.textContent = pct(r.accuracy);
      td.title = `${r.correct} of ${r.total} right`;
    }
  }
}

function renderExamples(probes) {
  mem.examples.textContent = '';
  const picks = [];
  for (const d of [25, 200]) for (const label of ['fruit', 'company']) {
    const p = probes.find((q) => q.distance === d && q.label === label && !picks.includes(q));
    if (p) picks.push(p);
  }
  for (const p of picks) {
    const li = document.createElement('li');
    const chars = Array.from(p.text);
    const mark = document.createElement('mark');
    mark.textContent = chars.slice(p.start, p.end + 1).join('');
    const tag = document.createElement('strong');
    tag.textContent = `[${p.label}; ${p.gap} characters between cue and mention sentence] `;
    li.append(tag, chars.slice(0, p.start).join(''), mark, chars.slice(p.end + 1).join(''));
    mem.examples.append(li);
  }
}

async function runMemory() {
  if (mem.job) return;
  const lang = $('mem-lang').value;
  const perDistance = Number($('mem-count').value);
  const seed = Number($('mem-seed').value);
  if (!Number.isInteger(seed) || seed < 0) { showMsg(mem.msg, 'The seed must be a whole number ≥ 0.', 'error'); return; }
  const probes = makeProbes({ langs: lang === 'both' ? ['en', 'zh'] : [lang], perDistance, seed });
  renderExamples(probes);
  mem.run.disabled = true;
  mem.cancel.disabled = false;
  mem.cancelled = false;
  mem.results = {};
  mem.errors = {};
  showMsg(mem.msg, '');
  const models = (await loadAppleModels()).filter((e) => MEMORY_MODELS.some((m) => m.name === e.name));
  const items = probes.map((p) => ({ text: p.text, at: p.end }));
  const t0 = performance.now();
  try {
    for (const [k, entry] of models.entries()) {
      if (mem.cancelled) break;
      const job = engine.request('probe', { slot: entry.name, items }, (type, p) => {
        if (type !== 'progress') return;
        mem.progress.value = (k + p.done / p.total) / models.length;
        mem.status.textContent = `${entry.name}: ${p.done} / ${p.total} probes`;
      });
      mem.job = job;
      let out;
      try {
        out = await job.promise;
      } catch (e) {
        if (mem.cancelled) break;
        mem.errors[entry.name] = e.message;
        continue;
      }
      const fi = out.labels.indexOf('fruit'), ci = out.labels.indexOf('company'), L = out.labels.length;
      mem.results[entry.name] = DISTANCES.map((distance) => {
        let correct = 0, total = 0;
        probes.forEach((p, i) => {
          if (p.distance !== distance) return;
          total++;
          const guess = out.probs[i * L + ci] > out.probs[i * L + fi] ? 'company' : 'fruit';
          if (guess === p.label) correct++;
        });
        return { distance, correct, total, accuracy: total ? correct / total : NaN };
      });
      drawMemory();
      renderMemoryTable();
    }
    const secs = (performance.now() - t0) / 1000;
    if (mem.cancelled) showMsg(mem.msg, 'Cancelled.');
    else {
      mem.progress.value = 1;
      mem.status.textContent = `${fmtInt(probes.length)} probes × ${models.length} networks in ${secs.toFixed(1)} s`;
    }
  } finally {
    mem.job = null;
    mem.run.disabled = !models.length;
    mem.cancel.disabled = true;
    drawMemory();
    renderMemoryTable();
    mem.chart.dataset.done = 'true';
  }
}

mem.run.addEventListener('click', runMemory);
mem.cancel.addEventListener('click', () => {
  mem.cancelled = true;
  if (mem.job) engine.control('cancel', mem.job.id);
});

onShow.memory = async (first) => {
  drawMemory();
  if (!first) return;
  const loaded = await loadAppleModels();
  const have = MEMORY_MODELS.filter((m) => loaded.some((e) => e.name === m.name));
  const missing = MEMORY_MODELS.filter((m) => !have.includes(m));
  if (missing.length) {
    showMsg(mem.missing, have.length
      ? `Not available in this build: ${missing.map((m) => m.name).join(', ')}; the experiment runs the others.`
      : 'The apple models (apple-rnn, apple-lstm, apple-gru) are not available in this build, so the experiment cannot run. Build them with “make models”, then run “make demo” again.',
    have.length ? 'info' : 'error');
  }
  mem.run.disabled = !have.length;
};

// ---------------------------------------------------------------------------------------------

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    queueTrainChart();
    drawMemory();
    if (ap.last && shown.has('apple')) scheduleApple();
  }, 150);
});

window.addEventListener('unhandledrejection', (e) => {
  showMsg(engineMsg, `Unexpected error: ${e.reason?.message ?? e.reason}`, 'error');
});

route(false);
