// recur's JavaScript API: a thin, friendly layer over the embind module (recur-core.mjs).
// Works in pages, Web Workers and Node 20. The core never throws; this file turns its error
// strings into Errors, validates argument types, and owns object lifetimes (dispose()).
import createRecurCore from './recur-core.mjs';
import { RecurError } from './errors.js';

export { RecurError };

// The JS spelling of an engine setting, whose key is snake_case as in the model file.
const JS_NAMES = { batch: 'batchSize', vocab_size: 'vocab.length', num_labels: 'labels.length', eval_every: 'validationEvery',
  patience: 'earlyStopping.patience' };
const jsName = (key) => JS_NAMES[key] ?? key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

// An engine error is a RecurError; a value a setting does not accept (the engine names the
// setting: result.option) is a RangeError in the JS spelling: "topP must be in (0, 1], got 2".
function check(result) {
  if (typeof result === 'string') {
    if (result !== '') throw new RecurError(result);
    return result;
  }
  if (result && typeof result === 'object' && typeof result.error === 'string') {
    if (typeof result.option === 'string') throw new RangeError(jsName(result.option) + result.error.slice(result.option.length));
    throw new RecurError(result.error, result.code);
  }
  return result;
}

// A core object whose set-up call failed is deleted before the error is thrown.
function checkOrDelete(core, result) {
  try {
    return check(result);
  } catch (e) {
    core.delete();
    throw e;
  }
}

// For calls that return text on success and {error} on failure.
function checkText(result) {
  if (typeof result === 'string') return result;
  check(result);
  throw new RecurError('unexpected result from the engine');
}

function need(cond, message) {
  if (!cond) throw new TypeError(message);
}

// A lone surrogate is not Unicode, and Emscripten's UTF-8 encoder would silently pair it with the
// next character: refuse it here with its position.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function text(value, what) {
  need(typeof value === 'string', `${what} must be a string, got ${typeof value}`);
  const m = loneSurrogate.exec(value);
  if (m) {
    const cp = m[0].charCodeAt(0).toString(16).toUpperCase();
    throw new RecurError(`${what} is not valid Unicode: lone surrogate U+${cp} at index ${m.index}`, 'bad_format');
  }
  return value;
}

const isNum = (v) => typeof v === 'number';
const optNum = (o, key, fallback) => {
  const v = o[key];
  if (v === undefined) return fallback;
  need(isNum(v), `${key} must be a number, got ${typeof v}`);
  if (!Number.isFinite(v)) throw new RangeError(`${key} must be a finite number, got ${v}`);
  return v;
};

// Only true or false: embind (or !!) would quietly read 'yes', 1 and even 'false' as true.
const optBool = (o, key, fallback) => {
  const v = o[key];
  if (v === undefined) return fallback;
  need(typeof v === 'boolean', `${key} must be true or false, got ${typeof v === 'string' ? JSON.stringify(v) : typeof v}`);
  return v;
};
const optStr = (o, key, fallback) => {
  const v = o[key];
  if (v === undefined) return fallback;
  return text(v, key);
};

// Names other libraries (and PyTorch) use for our options. Spellings that differ only in case,
// "_" or "-" (hidden_size, top_k) need no entry: suggest() compares names without them.
const ALIASES = {
  hidden: 'hiddenSize', units: 'hiddenSize', layers: 'numLayers', embed: 'embeddingDim', embedding: 'embeddingDim',
  embeddingsize: 'embeddingDim', learningrate: 'lr', rate: 'lr', batch: 'batchSize', seqlength: 'seqLen',
  sequencelength: 'seqLen', maxlength: 'length', maxlen: 'length', temp: 'temperature', iterations: 'steps',
  celltype: 'cell', type: 'cell',
  // trainer({steps}) would read as "train this many steps", which is fit()'s option.
  steps: 'totalSteps', schedulesteps: 'totalSteps',
};

// Optimal string alignment distance: edits, counting a swap of neighbours ("lenght") as one.
function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

// The known option a mistyped key most likely meant, or undefined.
function suggest(key, known) {
  const norm = (k) => k.toLowerCase().replace(/[_\-\s]/g, '');
  const k = norm(key);
  const same = known.find((n) => norm(n) === k) ?? known.find((n) => n === ALIASES[k]);
  if (same) return same;
  let best, bestD = Infinity;
  for (const n of known) {
    const d = editDistance(k, norm(n));
    if (d < bestD) { best = n; bestD = d; }
  }
  return bestD <= Math.max(1, Math.floor(k.length / 3)) ? best : undefined;
}

// An options object may hold only the names its call knows: a typo ({lenght: 10}) would
// otherwise fall back to a default without a word.
function knownOptions(options, known, call) {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = suggest(key, known);
    throw new TypeError(`${call}: unknown option "${key}"${hint ? `; did you mean "${hint}"?` : ''} `
      + `(known: ${known.join(', ')})`);
  }
}

// Yields to the event loop so a page stays responsive and a worker sees its messages (a Stop).
// Not setTimeout(0): browsers clamp it to >= 4 ms once nested, so a stream yielding every 8 ms
// would idle a third of the time. Not scheduler.yield(): its continuation runs before tasks
// already waiting, so a loop yielding with it starves the messages it yields for. A
// MessageChannel message queues behind them and runs as soon as they are done. In Node the port
// is held open only while someone waits on it.
const nextTask = (() => {
  if (typeof MessageChannel !== 'function') return () => new Promise((resolve) => setTimeout(resolve, 0));
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => {
    waiting.shift()?.();
    if (!waiting.length) channel.port1.unref?.();
  };
  channel.port1.unref?.();
  return () => new Promise((resolve) => {
    waiting.push(resolve);
    channel.port1.ref?.();
    channel.port2.postMessage(null);
  });
})();

// Deletes core objects whose wrapper was garbage-collected without dispose(): a safety net only.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((core) => { try { core.delete(); } catch { /* already deleted */ } })
  : null;

class Owned {
  constructor(core, what) {
    this._core = core;
    this._what = what;
    registry?.register(this, core, this);
  }
  get _live() {
    if (!this._core) throw new Error(`this ${this._what} has been disposed`);
    return this._core;
  }
  /** Frees the wasm memory this object holds. Using it afterwards throws. Safe to call twice. */
  dispose() {
    if (!this._core) return;
    registry?.unregister(this);
    this._core.delete();
    this._core = null;
  }
}
// `using model = recur.loadModel(bytes)` disposes at the end of the block where Symbol.dispose
// exists (Node 20, recent browsers) and `using` is compiled (TypeScript >= 5.2) or native.
if (typeof Symbol.dispose === 'symbol') Owned.prototype[Symbol.dispose] = function dispose() { this.dispose(); };

const GATE_NAMES = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] };
const TRANSFORMER_OPTIONS = ['numHeads', 'ffSize', 'maxLen', 'normFirst', 'activation'];

const MODEL_OPTIONS = ['task', 'cell', 'vocab', 'labels', 'embeddingDim', 'hiddenSize', 'numLayers', 'bidirectional',
  'dropout', 'seed', 'forgetBias', 'initFrom', ...TRANSFORMER_OPTIONS];
const SAMPLE_OPTIONS = ['prompt', 'length', 'temperature', 'topK', 'topP', 'seed', 'stop', 'avoidUnknown'];
const GENERATE_OPTIONS = [...SAMPLE_OPTIONS, 'count'];
const STREAM_OPTIONS = [...SAMPLE_OPTIONS, 'signal', 'chunk'];
const TRAINER_OPTIONS = ['optimizer', 'lr', 'clip', 'seqLen', 'batchSize', 'seed', 'schedule', 'totalSteps', 'warmup'];
const FIT_OPTIONS = ['steps', 'epochs', 'onProgress', 'signal', 'validation', 'validationEvery', 'onEpochEnd', 'earlyStopping',
  'keepBest'];

const fromEngineConfig = (c) => ({
  task: c.task, cell: c.cell, vocabSize: c.vocab_size, embeddingDim: c.embedding_dim,
  hiddenSize: c.hidden_size, numLayers: c.num_layers, bidirectional: c.bidirectional,
  dropout: c.dropout, numLabels: c.num_labels,
  ...(c.cell === 'transformer' && {
    numHeads: c.num_heads, ffSize: c.ff_size, maxLen: c.max_len, normFirst: c.norm_first, activation: c.activation,
  }),
});

/**
 * Examples from JSON Lines, one {"text": ..., "labels": [...]} (tagger) or {"text": ..., "label":
 * ...} (classifier) per line, as `recur train` reads them; blank lines are skipped. A line that is
 * not such an object is a RecurError (code bad_format) naming its number.
 */
export function parseJsonl(jsonl) {
  need(typeof jsonl === 'string', 'parseJsonl() takes the text of a JSONL file');
  const out = [];
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let e;
    try {
      e = JSON.parse(line);
    } catch (err) {
      throw new RecurError(`line ${i + 1}: not JSON (${err.message})`, 'bad_format');
    }
    const ok = e && typeof e === 'object' && typeof e.text === 'string'
      && (typeof e.label === 'string' || (Array.isArray(e.labels) && e.labels.every((l) => typeof l === 'string')));
    if (!ok) throw new RecurError(`line ${i + 1}: expected {"text": "...", "labels": [...]} or {"text": "...", "label": "..."}`, 'bad_format');
    out.push(e);
  });
  return out;
}

/** Distinct code points of text sorted by value, "<unk>" first: the same table `recur train` builds. */
export function vocabFromText(text, withUnk = true) {
  need(typeof text === 'string', 'text must be a string');
  const cps = [...new Set(Array.from(text, (ch) => ch.codePointAt(0)))].sort((a, b) => a - b);
  const symbols = cps.map((cp) => String.fromCodePoint(cp));
  return withUnk ? ['<unk>', ...symbols] : symbols;
}

export class Model extends Owned {
  constructor(recur, core) {
    super(core, 'model');
    this._recur = recur;
    this._children = new Set();  // generators and trainers that point into this model
    /** {task, cell, vocabSize, embeddingDim, hiddenSize, numLayers, bidirectional, dropout, numLabels} */
    this.config = fromEngineConfig(JSON.parse(core.configJson()));
    /** Symbol of each id. */
    this.vocab = JSON.parse(core.vocabJson());
    /** Label names (tagger / classifier). */
    this.labels = JSON.parse(core.labelsJson());
    this.parameterCount = core.parameterCount();
  }

  /** The arithmetic of feed(), predict() and generate(): 'float32' or 'int8' (see loadModel). */
  get precision() { return this._live.precision(); }

  /** True when the model's task is task ('lm', 'tagger' or 'classifier'). */
  is(task) { return this.config.task === task; }

  dispose() {
    for (const child of this._children) child.dispose();
    this._children.clear();
    super.dispose();
  }

  /**
   * Output distributions for every position of text (lm: next symbol; tagger: labels;
   * classifier: one row). Same numbers as `recur probs`.
   * @returns {{rows: number, cols: number, probs: Float32Array, symbols: string[], row: (i: number) => Float32Array}}
   */
  predict(input) {
    return this._prediction(check(this._live.predict(text(input, 'text'))));
  }

  /**
   * predict() in slices of about 10 ms, yielding to the event loop between them: for long texts
   * (a million characters of a 2 x 256 LSTM take about a minute). options.onProgress sees
   * {loaded, total} in characters; options.signal rejects it with the signal's reason. A
   * bidirectional model needs the whole text at once: it reads it in one go, reports once, and
   * can be stopped only before it starts.
   */
  async predictAsync(input, options = {}) {
    need(options && typeof options === 'object', 'predictAsync() takes an options object');
    knownOptions(options, ['onProgress', 'signal'], 'predictAsync()');
    const { onProgress, signal } = options;
    signal?.throwIfAborted();
    const model = this._live;  // before new: a disposed model must not leak a CorePrediction
    const run = new this._recur._core.CorePrediction();
    const handle = { dispose: () => run.isDeleted() || run.delete() };
    this._children.add(handle);
    try {
      check(run.start(model, text(input, 'text')));
      const total = run.length();
      if (run.done()) onProgress?.({ loaded: total, total });  // a bidirectional model: read in start()
      // Characters per slice, adjusted to the time the last slice took.
      for (let n = 64; !run.done();) {
        const t = performance.now();
        check(run.advance(n));
        const ms = performance.now() - t;
        n = Math.min(1 << 20, Math.max(16, Math.round(n * 10 / Math.max(ms, 0.5))));
        onProgress?.({ loaded: run.position(), total });
        await nextTask();
        signal?.throwIfAborted();
        if (run.isDeleted()) throw new Error('this model has been disposed');
      }
      const r = check(run.take());
      return this._prediction(r);
    } finally {
      this._children.delete(handle);
      handle.dispose();
    }
  }

  _prediction(r) {
    const symbols = this.config.task === 'lm' ? this.vocab : this.labels;
    return { rows: r.rows, cols: r.cols, probs: r.probs, symbols,
      row: (i) => r.probs.subarray(i * r.cols, (i + 1) * r.cols) };
  }

  /**
   * The model's loss on data, with the numbers of `recur eval`: {loss (nats per scored symbol),
   * bitsPerChar, accuracy (argmax = target), count (symbols or labels scored)}. lm: a text;
   * tagger / classifier: examples [{text, labels}] / [{text, label}].
   */
  evaluate(data) {
    let r;
    if (this.config.task === 'lm') {
      r = check(this._live.evaluate(text(data, 'evaluation text')));
    } else {
      need(Array.isArray(data), `evaluate() on a ${this.config.task} takes an array of examples`);
      r = check(this._live.evaluate(data.map((e) => JSON.stringify(e)).join('\n')));
    }
    return { loss: r.loss, bitsPerChar: r.loss / Math.LN2, accuracy: r.accuracy, count: r.count };
  }

  /**
   * What the network holds at every character of text, read from the zero state: for each layer
   * (and direction, for a bidirectional model) the hidden state h, the LSTM's cell state c, and
   * the activated gates by PyTorch's names (LSTM i, f, g, o; GRU r, z, n; none for a plain RNN).
   * Each is a Float32Array of steps x hiddenSize: row t holds the values after character t.
   * A transformer gives each layer's output h and its attention weights: one Float32Array of
   * steps x steps per head, row t holding how much position t read each position.
   */
  trace(input) {
    const r = check(this._live.trace(text(input, 'text')));
    const names = GATE_NAMES[this.config.cell] ?? [];
    // Slots per layer: 2 for a bidirectional recurrent layer, 1 otherwise (a Transformer is one stack).
    const D = r.slots.length / this.config.numLayers, H = r.hidden, G = r.gates;
    const layers = r.slots.map((slot, i) => {
      const gates = {};
      names.forEach((name, j) => {
        // (steps, G*H) rows of [gate 0 | gate 1 | ...] -> one (steps, H) array per gate.
        const a = new Float32Array(r.steps * H);
        for (let t = 0; t < r.steps; t++) a.set(slot.gates.subarray((t * G + j) * H, (t * G + j + 1) * H), t * H);
        gates[name] = a;
      });
      const layer = { layer: Math.floor(i / D), direction: i % D ? 'backward' : 'forward', h: slot.h, c: slot.c, gates };
      if (slot.attention) {
        const n = r.steps * r.steps;
        layer.attention = Array.from({ length: r.heads }, (_, h) => slot.attention.slice(h * n, (h + 1) * n));
      }
      return layer;
    });
    return { steps: r.steps, hiddenSize: H, chars: Array.from(input), layers };
  }

  /**
   * How much each character of text drove one output: the gradient of log p(target) at output
   * row `position` with respect to each character's embedding vector x_t, as its norm (gradNorm)
   * and its dot product with x_t (gradTimesInput: > 0 where the character pushed towards target).
   * options.position: the output row, default the last (lm: after that character; classifier: 0);
   * options.target: a symbol (lm) or label, default the most probable. Plotted against the
   * distance to position, gradNorm shows gradients vanishing through time.
   */
  saliency(input, options = {}) {
    need(options && typeof options === 'object', 'saliency() takes an options object');
    knownOptions(options, ['position', 'target'], 'saliency()');
    text(input, 'text');
    const names = this.config.task === 'lm' ? this.vocab : this.labels;
    const rows = this.config.task === 'classifier' ? 1 : Array.from(input).length;
    const position = optNum(options, 'position', rows - 1);
    let target = -1;
    if (options.target !== undefined) {
      need(typeof options.target === 'string', `target must be a ${this.config.task === 'lm' ? 'symbol' : 'label'} (a string)`);
      target = names.indexOf(options.target);
      if (target < 0) throw new RangeError(`target ${JSON.stringify(options.target)} is not one of the model's ${this.config.task === 'lm' ? 'symbols' : 'labels'}`);
    }
    const r = check(this._live.saliency(input, position, target));
    return { position: r.position, target: names[r.target], logProb: r.logProb, chars: Array.from(input),
      gradNorm: r.gradNorm, gradTimesInput: r.gradTimesInput };
  }

  /**
   * Tagger: the label distribution of each character, as [{char, probs: {label: p}}]; for an
   * array of texts, an array of those.
   */
  tag(text) {
    need(this.config.task === 'tagger', `tag() needs a tagger, this model is a ${this.config.task}`);
    if (Array.isArray(text)) return text.map((t) => this.tag(t));
    const p = this.predict(text);
    const chars = Array.from(text);
    return chars.map((char, i) => ({ char, probs: Object.fromEntries(this.labels.map((l, j) => [l, p.probs[i * p.cols + j]])) }));
  }

  /** Classifier: {label, probs: {label: p}} for the whole text; for an array of texts, an array. */
  classify(text) {
    need(this.config.task === 'classifier', `classify() needs a classifier, this model is a ${this.config.task}`);
    if (Array.isArray(text)) return text.map((t) => this.classify(t));
    const p = this.predict(text);
    let best = 0;
    for (let j = 1; j < p.cols; j++) if (p.probs[j] > p.probs[best]) best = j;
    return { label: this.labels[best], probs: Object.fromEntries(this.labels.map((l, j) => [l, p.probs[j]])) };
  }

  _startGenerator(options, call) {
    need(options && typeof options === 'object', 'generate() takes an options object');
    knownOptions(options, call === 'stream()' ? STREAM_OPTIONS : GENERATE_OPTIONS, call);
    const opts = {
      prompt: optStr(options, 'prompt', ''), length: optNum(options, 'length', 200),
      temperature: optNum(options, 'temperature', 1), topK: optNum(options, 'topK', 0),
      topP: optNum(options, 'topP', 1), seed: optNum(options, 'seed', 0), stop: optStr(options, 'stop', ''),
      avoidUnknown: optBool(options, 'avoidUnknown', false), count: optNum(options, 'count', 1),
    };
    if (options.topK !== undefined && !(options.topK >= 1)) {
      throw new RangeError(`topK must be >= 1 (leave it out to turn it off), got ${options.topK}`);
    }
    const model = this._live;  // before new: a disposed model must not leak a CoreGenerator
    const gen = new this._recur._core.CoreGenerator();
    checkOrDelete(gen, gen.start(model, opts));
    return gen;
  }

  /**
   * Generates text after a prompt. Same seed, same text, natively and here. avoidUnknown: never
   * emit "<unk>" or U+FFFD (the rare-character symbol of our corpora), as `recur generate --avoid-unknown`.
   * count: draw that many samples side by side (batched; sample i uses seed + i, see
   * GenerateManyOptions in recur.d.ts) and return an array of them.
   * @param {{prompt?: string, length?: number, temperature?: number, topK?: number, topP?: number, seed?: number, stop?: string, avoidUnknown?: boolean, count?: number}} options
   * @returns {string | string[]} the generated text (without the prompt); with count, one per sample
   */
  generate(options = {}) {
    const gen = this._startGenerator(options, 'generate()');
    try {
      if (options.count === undefined) {
        let out = '';
        while (!gen.done()) out += checkText(gen.next(4096));
        return out;
      }
      let out = null;
      while (!gen.done()) {
        const r = gen.next(4096);
        const parts = Array.isArray(r) ? r : [checkText(r)];  // count 1: a string, or {error}
        out = out ? out.map((t, i) => t + parts[i]) : parts;
      }
      return out;
    } finally { gen.delete(); }
  }

  /**
   * Streams generated text piece by piece, yielding to the event loop between pieces so a page
   * stays responsive. Stop with `break`, or with options.signal (an AbortSignal).
   */
  async *stream(options = {}) {
    const signal = options.signal;
    const chunk = optNum(options, 'chunk', 8);
    // chunk 0 would yield '' forever.
    if (!(Number.isInteger(chunk) && chunk >= 1 && chunk < 2 ** 31)) {
      throw new RangeError(`chunk must be a whole number >= 1, got ${chunk}`);
    }
    const gen = this._startGenerator(options, 'stream()');
    const handle = { dispose: () => gen.isDeleted() || gen.delete() };
    this._children.add(handle);
    try {
      let last = Date.now();
      // this._core first: disposing the model mid-stream deletes gen, so gen.done() would throw.
      while (this._core && !gen.done() && !signal?.aborted) {
        yield checkText(gen.next(chunk));
        if (Date.now() - last > 8) { await nextTask(); last = Date.now(); }
      }
    } finally {
      this._children.delete(handle);
      handle.dispose();
    }
  }

  /** Clears the stepping state used by feed(). */
  reset() { this._live.reset(); }

  /** Feeds text into the stepping state; returns the output distribution after its last symbol. */
  feed(input) {
    // The core returns a view of wasm memory (valid until the next call into the engine): copy it.
    return check(this._live.feed(text(input, 'text'))).slice();
  }

  /** A copy of the stepping state of a layer: {h: Float32Array, c?: Float32Array (LSTM)}. */
  hidden(layer = 0) {
    need(Number.isInteger(layer), 'layer must be an integer');
    return check(this._live.hidden(layer));
  }

  /**
   * A trainer that updates this model in place (lm).
   * @param {{optimizer?: 'adam'|'sgd', lr?: number, clip?: number, seqLen?: number, batchSize?: number, seed?: number, schedule?: 'constant'|'cosine'|'step', steps?: number, warmup?: number}} options
   */
  trainer(options = {}) {
    need(options && typeof options === 'object', 'trainer() takes an options object');
    knownOptions(options, TRAINER_OPTIONS, 'trainer()');
    const opts = {
      optimizer: optStr(options, 'optimizer', 'adam'), lr: optNum(options, 'lr', 2e-3),
      clip: optNum(options, 'clip', 5),
      // A transformer lm learns only the positions its windows reach: by default they span its window.
      seqLen: optNum(options, 'seqLen', this.config.cell === 'transformer' && this.config.task === 'lm' ? this.config.maxLen : 64),
      batchSize: optNum(options, 'batchSize', 32), seed: optNum(options, 'seed', 0),
      schedule: optStr(options, 'schedule', 'constant'), steps: optNum(options, 'totalSteps', 1000),
      warmup: optNum(options, 'warmup', 0),
    };
    const model = this._live;  // before new: a disposed model must not leak a CoreTrainer
    const core = new this._recur._core.CoreTrainer();
    checkOrDelete(core, core.start(model, opts));
    const t = new Trainer(this, core, opts);
    this._children.add(t);
    return t;
  }

  /** The model as .safetensors bytes: loads in the CLI and back, bit for bit. */
  save() { return check(this._live.save()); }
}

export class Trainer extends Owned {
  constructor(model, core, opts) {
    super(core, 'trainer');
    this._model = model;
    this._opts = opts;
    this._data = null;
  }

  dispose() {
    this._model._children.delete(this);
    super.dispose();
  }

  // lm: a text; tagger / classifier: [{text, labels: [one per character]}] or [{text, label}].
  _setData(data) {
    if (data === this._data) return;
    if (this._model.config.task === 'lm') {
      need(typeof data === 'string', 'an lm trains on a string of text');
      check(this._live.setText(text(data, 'training text')));
    } else {
      need(Array.isArray(data), `a ${this._model.config.task} trains on an array of {text, ${this._model.config.task === 'tagger' ? 'labels' : 'label'}} examples`);
      check(this._live.setExamples(data.map((e) => JSON.stringify(e)).join('\n')));
    }
    this._data = data;
  }

  /** One optimiser step. data (text for an lm, examples otherwise) is set the first time and whenever it changes; passing the same data again continues through it. Returns the loss in nats per symbol. */
  step(data) {
    if (data !== undefined) this._setData(data);
    need(this._data !== null, 'step() needs the training data the first time');
    return check(this._live.step()).loss;
  }

  /**
   * Trains for options.steps (or options.epochs over the data), reporting progress and yielding to
   * the event loop; a promise returned by onProgress is awaited before the next step (a pause).
   * With options.validation (data of the same kind) the model is evaluated at the end of each epoch
   * (or every options.validationEvery steps) and after the last step: onEpochEnd sees it,
   * earlyStopping: {patience} stops after that many evaluations without a lower loss, and keepBest
   * puts back the weights of the best one. Resolves {steps, loss, aborted, stoppedEarly, best};
   * options.signal stops it.
   */
  async fit(data, options = {}) {
    knownOptions(options, FIT_OPTIONS, 'fit()');
    this._setData(data);
    const signal = options.signal;
    const perStep = this._live.symbolsPerStep();
    const size = typeof data === 'string' ? Array.from(data).length - 1 : data.length;
    const epochSteps = Math.max(1, Math.ceil(size / perStep));
    let steps = optNum(options, 'steps', undefined);
    if (steps === undefined) {
      const epochs = optNum(options, 'epochs', 1);
      if (!(epochs > 0)) throw new RangeError(`epochs must be > 0, got ${epochs}`);
      steps = Math.max(1, Math.ceil(epochs * epochSteps));
    }
    if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`steps must be a whole number >= 1, got ${steps}`);
    const validation = options.validation;
    // Here 0 means "no early stopping" (the engine's RunConfig); a given patience must be >= 1.
    const patience = options.earlyStopping === undefined ? 0 : optNum(options.earlyStopping, 'patience', 3);
    if (options.earlyStopping !== undefined && !(patience >= 1)) {
      throw new RangeError(`earlyStopping.patience must be a whole number >= 1, got ${patience}`);
    }
    const keepBest = optBool(options, 'keepBest', false);
    const validationEvery = optNum(options, 'validationEvery', epochSteps);
    const { onProgress, onEpochEnd } = options;
    const task = this._model.config.task;
    if (validation !== undefined) {
      if (task === 'lm') {
        check(this._live.setValidation(text(validation, 'validation text')));
      } else {
        need(Array.isArray(validation), `validation for a ${task} is an array of examples`);
        check(this._live.setValidation(validation.map((e) => JSON.stringify(e)).join('\n')));
      }
    }
    // The engine's training run (train/run.h) decides when to validate, when to stop and what to
    // keep; this loop only reports and yields between steps.
    check(this._live.startRun(steps, validation === undefined ? 0 : validationEvery, patience, keepBest));
    let last = performance.now(), active = 0, loss = NaN, done = 0, best = null, stoppedEarly = false, aborted = false;
    let losses = [];
    const report = async () => {
      const seconds = active / 1000;
      const r = { step: done, steps, loss, bitsPerChar: loss / Math.LN2, losses,
        charsPerSec: (done * perStep) / seconds, eta: (seconds / done) * (steps - done), seconds };
      losses = [];
      await onProgress?.(r);
    };
    try {
      for (;;) {
        if (signal?.aborted) {
          aborted = true;
          if (losses.length) await report();  // the steps since the last report
          break;
        }
        const t = performance.now();
        const p = check(this._live.advance(1));
        const now = performance.now();
        active += now - t;  // time in the engine: pauses and the page's own work do not count
        done = p.step;
        loss = p.loss;
        losses.push(loss);
        if (now - last > 30 || p.done) {
          await report();
          await nextTask();
          last = performance.now();
        }
        if (p.validated) {
          const v = p.validation;
          const evaluated = { epoch: Math.ceil(done / epochSteps), step: done, loss,
            validation: { loss: v.loss, bitsPerChar: v.loss / Math.LN2, accuracy: v.accuracy, count: v.count } };
          if (p.best) best = evaluated;
          onEpochEnd?.(evaluated);
        } else if (validation === undefined && (done % epochSteps === 0 || p.done)) {
          onEpochEnd?.({ epoch: Math.ceil(done / epochSteps), step: done, loss });
        }
        if (p.done) { stoppedEarly = p.stoppedEarly; break; }
      }
    } finally {
      // Also when a step fails (training diverged): with keepBest the model ends on its best weights.
      this._live.finishRun();
    }
    return { steps: done, loss, aborted, stoppedEarly, best };
  }
}

export class Recur {
  constructor(core) {
    this._core = core;
    /** The SIMD instruction set the engine was compiled for (e.g. "sse4.1" on wasm SIMD128). */
    this.simdArch = core.simdArch();
    /** What loadModel()'s precision option accepts in this build, default first. */
    this.precisions = JSON.parse(core.precisionsJson());
    /** The threads training and generation use (loadRecur()'s threads option). */
    this.threads = core.threads?.() ?? 1;
  }

  /**
   * A model from .safetensors bytes. Throws RecurError with the reason for a bad file.
   * options.precision (one of recur.precisions): 'float32', the default, uses the weights as
   * stored; 'int8' rounds the weights a step multiplies by one vector to int8 with one scale per
   * row and the vector to int16, for faster generation and streaming (the English lm: 2.1265
   * bits/char against 2.1267). Training still updates float32 weights; the int8 copies are
   * remade after it.
   */
  loadModel(bytes, options = {}) {
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    need(bytes instanceof Uint8Array, 'loadModel() takes a Uint8Array or an ArrayBuffer');
    need(options && typeof options === 'object', 'loadModel() takes an options object');
    knownOptions(options, ['precision'], 'loadModel()');
    const precision = optStr(options, 'precision', 'float32');
    const core = new this._core.CoreModel();
    checkOrDelete(core, core.setPrecision(precision));
    checkOrDelete(core, core.load(bytes));
    return new Model(this, core);
  }

  /**
   * Fetches and loads a model file, reporting {loaded, total} as bytes arrive. In Node, url may
   * also be a file path or a file: URL.
   */
  async fetchModel(url, options = {}) {
    need(typeof url === 'string' || url instanceof URL, 'fetchModel() takes a URL or, in Node, a file path');
    need(options && typeof options === 'object', 'fetchModel() takes an options object');
    knownOptions(options, ['onProgress', 'signal', 'precision'], 'fetchModel()');
    const { onProgress, signal } = options;
    const precision = optStr(options, 'precision', 'float32');
    const probe = new this._core.CoreModel();  // a bad precision fails before the download
    checkOrDelete(probe, probe.setPrecision(precision));
    probe.delete();
    const load = (bytes) => this.loadModel(bytes, { precision });
    if (isNode && isLocalFile(url)) {
      let bytes;
      try {
        bytes = await readNodeFile(url);
      } catch (e) {
        throw new RecurError(`cannot read ${url}: ${e.message}`, 'io');
      }
      onProgress?.({ loaded: bytes.length, total: bytes.length });
      return load(bytes);
    }
    const res = await fetch(url, { signal });
    if (!res.ok) throw new RecurError(`cannot fetch ${url}: HTTP ${res.status}`, 'io');
    // A compressed response's length is not the model's: then the total is unknown (0).
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const total = encoded ? 0 : Number(res.headers.get('content-length')) || 0;
    if (!res.body || !onProgress) return load(new Uint8Array(await res.arrayBuffer()));
    const parts = [];
    let loaded = 0;
    for (const reader = res.body.getReader(); ;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.length;
      onProgress({ loaded, total });
    }
    const bytes = new Uint8Array(loaded);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    return load(bytes);
  }

  /**
   * A fresh model with PyTorch's default initialisation.
   * @param {{task?: 'lm'|'tagger'|'classifier', cell?: 'lstm'|'gru'|'rnn_tanh'|'rnn_relu'|'transformer',
   *          vocab: string[] | string, labels?: string[], embeddingDim?: number, hiddenSize?: number,
   *          numLayers?: number, bidirectional?: boolean, dropout?: number, seed?: number,
   *          numHeads?: number, ffSize?: number, maxLen?: number, normFirst?: boolean,
   *          activation?: 'relu'|'gelu'}} config
   *   vocab: the symbol table, or a text to build it from (see vocabFromText).
   *   A transformer: hiddenSize is d_model (embeddingDim defaults to it and must equal it);
   *   numHeads 4, ffSize 4 x hiddenSize, maxLen (its context window) 256, normFirst false and
   *   activation 'relu' by default; bidirectional means attention without the causal mask.
   */
  createModel(config) {
    need(config && typeof config === 'object', 'createModel() takes a config object');
    knownOptions(config, MODEL_OPTIONS, 'createModel()');
    const vocab = typeof config.vocab === 'string' ? vocabFromText(config.vocab) : config.vocab;
    need(Array.isArray(vocab), 'config.vocab must be an array of symbols or a text');
    const labels = config.labels ?? [];
    need(Array.isArray(labels), 'config.labels must be an array of strings');
    const task = optStr(config, 'task', 'lm'), cell = optStr(config, 'cell', 'lstm');
    const hidden = optNum(config, 'hiddenSize', 128);
    const engine = {
      task, cell, vocab_size: vocab.length,
      embedding_dim: optNum(config, 'embeddingDim', cell === 'transformer' ? hidden : 32), hidden_size: hidden,
      num_layers: optNum(config, 'numLayers', 1), bidirectional: optBool(config, 'bidirectional', false),
      dropout: optNum(config, 'dropout', 0), num_labels: task === 'lm' ? 0 : labels.length,
    };
    if (cell === 'transformer') {
      Object.assign(engine, {
        num_heads: optNum(config, 'numHeads', 4), ff_size: optNum(config, 'ffSize', Math.min(16384, 4 * hidden)),
        max_len: optNum(config, 'maxLen', 256), norm_first: optBool(config, 'normFirst', false),
        activation: optStr(config, 'activation', 'relu'),
      });
    } else {
      const given = TRANSFORMER_OPTIONS.filter((k) => config[k] !== undefined);
      need(given.length === 0, `${given.join(', ')} apply to cell 'transformer' only, not '${cell}'`);
    }
    const seed = optNum(config, 'seed', 0), forgetBias = optNum(config, 'forgetBias', undefined);
    const source = config.initFrom;
    need(source === undefined || source instanceof Model, 'initFrom must be a Model of this engine');
    const core = new this._core.CoreModel();
    checkOrDelete(core, core.create(JSON.stringify(engine), JSON.stringify(vocab), JSON.stringify(labels), seed));
    // The forget-gate bias first, so that tensors initFrom copies keep their trained values.
    if (forgetBias !== undefined) checkOrDelete(core, core.addForgetBias(forgetBias));
    if (source !== undefined) checkOrDelete(core, core.initFrom(source._live));
    return new Model(this, core);
  }
}

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' && typeof window === 'undefined';
// Node's built-ins are imported only when Node runs this, and the threaded module only when
// asked for, by names bundlers do not resolve: a bundle for the browser neither holds them nor
// warns about them.
const nodeImport = (name) => import(/* webpackIgnore: true */ /* @vite-ignore */ name);

// In Node: a file: URL, or a string that is not a URL with a scheme (a path, absolute or relative).
const isLocalFile = (url) => (url instanceof URL ? url.protocol === 'file:'
  : /^file:/i.test(url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url));

// A path or a file: URL (fs reads a URL object).
async function readNodeFile(where) {
  const { readFile } = await nodeImport('node:fs/promises');
  return new Uint8Array(await readFile(/^file:/i.test(where) ? new URL(where) : where));
}

// Where recur-core.wasm is when nobody says: next to this module. The literal
// new URL('./…', import.meta.url) is the form Vite and webpack recognise, emitting the .wasm with
// the bundle. A classic-script bundle (esbuild's default iife) has no import.meta.url: then the
// script's own URL, or the page's.
function defaultWasmUrl() {
  try {
    return new URL('./recur-core.wasm', import.meta.url).href;
  } catch {
    const base = (typeof document !== 'undefined' && document.currentScript?.src) || globalThis.location?.href;
    return new URL('recur-core.wasm', base).href;
  }
}

/**
 * Instantiates the WebAssembly engine. options go to the Emscripten factory: {locateFile(name)}
 * says where recur-core.wasm is (a URL; in Node also a path), {wasmBinary} gives its bytes. None
 * is needed when recur-core.wasm sits next to recur-core.mjs, in pages, workers or Node.
 * options.threads (default 1): more loads the threaded module, mt/recur-core-mt.{mjs,wasm,worker.js}
 * beside recur-core.wasm (where locateFile says it is, which must then be a URL), whose training
 * and generation split their products among that many threads (at most the CPUs) with the same
 * results bit for bit, where it can run: in Node, and in pages and workers that are cross-origin
 * isolated (COOP/COEP headers); elsewhere one thread. recur.threads says how many it got. On a
 * page, call the engine from a Web Worker: the main thread would spin while it waits for the others.
 * A wasm that cannot be loaded is a RecurError with code 'wasm_load' naming where it looked.
 */
export async function loadRecur(options = {}) {
  need(options && typeof options === 'object', 'loadRecur() takes an options object');
  const { threads = 1, ...opts } = options;  // the factory's options become the module's properties
  optNum(options, 'threads');
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`threads must be a whole number >= 1, got ${threads}`);
  }
  let where, core;
  try {
    if (typeof opts.locateFile !== 'function') {
      const url = defaultWasmUrl();
      opts.locateFile = () => url;
    }
    where = opts.locateFile('recur-core.wasm', '');
    // Threads need shared memory: Node has it; a page or worker only when cross-origin isolated
    // (served with COOP/COEP headers).
    if (threads > 1 && (isNode || globalThis.crossOriginIsolated)) {
      // The threaded module finds its own files from where recur-core.wasm is, and starts at most
      // as many threads as there are CPUs (bindings/threads.pre.js in the repository).
      where = new URL('mt/recur-core-mt.mjs', where);
      core = await (await nodeImport(where)).default({ ...opts, recurThreads: threads });
    } else {
      if (isNode && !opts.wasmBinary && !opts.instantiateWasm) opts.wasmBinary = await readNodeFile(where);
      core = await createRecurCore(opts);
    }
  } catch (e) {
    throw new RecurError(`cannot load the WebAssembly engine from ${where}: ${e?.message ?? e}`, 'wasm_load');
  }
  return new Recur(core);
}
