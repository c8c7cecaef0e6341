// recur-rnn/worker: the same API as recur.js, run in a module Worker so that training and
// generation never block the page. Every call returns a Promise; stream() is an async iterator;
// errors arrive as RecurError (with its code), TypeError or RangeError, as on the page's thread.
// Calls made before the engine has loaded are queued, not lost.
import { RecurError } from './errors.js';

export { RecurError };

const ERRORS = { RecurError, TypeError, RangeError };

function rebuild({ name, code, message }) {
  if (name === 'RecurError') return new RecurError(message, code);
  if (name === 'AbortError') return new DOMException(message, 'AbortError');
  return new (ERRORS[name] ?? Error)(message);
}

class Connection {
  constructor(worker) {
    this.worker = worker;
    this.pending = new Map();  // id -> {resolve, reject, onEvent}
    this.nextId = 1;
    worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      if (!p) return;
      if ('error' in data) { this.pending.delete(data.id); p.reject(rebuild(data.error)); }
      else if ('value' in data) { this.pending.delete(data.id); p.resolve(data.value); }
      else p.onEvent?.(data);
    };
    // A worker that cannot start (a wrong URL, a syntax error) fails every call in flight.
    worker.onerror = (e) => {
      e.preventDefault?.();
      const err = new RecurError(`the recur worker failed: ${e.message ?? 'it could not be started'}`, 'wasm_load');
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  /** Sends {op, ...args}; resolves with the reply's value. onEvent sees progress and pieces. */
  call(op, args = {}, { onEvent, transfer = [], signal } = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onEvent });
      signal?.addEventListener('abort', () => this.worker.postMessage({ op: 'abort', target: id }), { once: true });
      this.worker.postMessage({ id, op, ...args }, transfer);
    });
  }
}

/** A model that lives in the worker. Its config, vocab and labels are copies on this side. */
export class RemoteModel {
  constructor(conn, d) {
    this._conn = conn;
    this._handle = d.handle;
    this.config = d.config;
    this.vocab = d.vocab;
    this.labels = d.labels;
    this.parameterCount = d.parameterCount;
    this.precision = d.precision;
  }

  is(task) { return this.config.task === task; }
  _call(method, ...args) { return this._conn.call('call', { handle: this._handle, method, args }); }
  async predict(text) {
    const p = await this._call('predict', text);
    return { ...p, row: (i) => p.probs.subarray(i * p.cols, (i + 1) * p.cols) };
  }
  /** predictAsync() in the worker: progress comes back here, options.signal stops it there. */
  async predictAsync(text, options = {}) {
    const { onProgress, signal, ...rest } = options;
    signal?.throwIfAborted();
    let p;
    try {
      p = await this._conn.call('predictAsync', { handle: this._handle, text, options: rest }, {
        signal, onEvent: ({ progress }) => onProgress?.(progress),
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;  // the caller's own reason, as on the page's thread
      throw e;
    }
    return { ...p, row: (i) => p.probs.subarray(i * p.cols, (i + 1) * p.cols) };
  }
  evaluate(data) { return this._call('evaluate', data); }
  trace(text) { return this._call('trace', text); }
  saliency(text, options = {}) { return this._call('saliency', text, options); }
  tag(text) { return this._call('tag', text); }
  classify(text) { return this._call('classify', text); }
  generate(options = {}) { return this._call('generate', options); }
  feed(text) { return this._call('feed', text); }
  reset() { return this._call('reset'); }
  hidden(layer = 0) { return this._call('hidden', layer); }
  save() { return this._call('save'); }

  /** Generated text piece by piece; stop with `break` or options.signal. */
  async *stream(options = {}) {
    const { signal, ...rest } = options;
    const pieces = [];
    let wake = null, finished = false, failure = null;
    const ctrl = new AbortController();
    signal?.addEventListener('abort', () => ctrl.abort(), { once: true });
    this._conn.call('stream', { handle: this._handle, options: rest }, {
      signal: ctrl.signal,
      onEvent: ({ piece }) => { pieces.push(piece); wake?.(); },
    }).then(() => { finished = true; wake?.(); }, (e) => { failure = e; wake?.(); });
    try {
      for (;;) {
        if (pieces.length) { yield pieces.shift(); continue; }
        if (failure) throw failure;
        if (finished) return;
        await new Promise((resolve) => { wake = resolve; });
        wake = null;
      }
    } finally {
      if (!finished && !failure) ctrl.abort();  // the caller broke out: stop the worker's stream
    }
  }

  async trainer(options = {}) {
    return new RemoteTrainer(this._conn, await this._conn.call('trainer', { handle: this._handle, options }));
  }

  dispose() { return this._conn.call('dispose', { handle: this._handle }); }
}

/** A trainer in the worker: step() and fit() as in recur.js, as Promises. */
export class RemoteTrainer {
  constructor(conn, handle) {
    this._conn = conn;
    this._handle = handle;
  }

  step(data) { return this._conn.call('step', { handle: this._handle, data }); }

  fit(data, options = {}) {
    const { onProgress, onEpochEnd, signal, ...rest } = options;
    return this._conn.call('fit', { handle: this._handle, data, options: rest, epochReports: !!onEpochEnd }, {
      signal,
      onEvent: ({ progress, epoch }) => (progress ? onProgress?.(progress) : onEpochEnd?.(epoch)),
    });
  }

  dispose() { return this._conn.call('dispose', { handle: this._handle }); }
}

// Only {precision} crosses to the worker: a function or an AbortSignal cannot be posted.
function loadOptions(options, call) {
  if (!options || typeof options !== 'object') throw new TypeError(`${call} takes an options object`);
  for (const key of Object.keys(options)) {
    if (key !== 'precision') throw new TypeError(`${call}: unknown option "${key}" (known: precision)`);
  }
  return options.precision === undefined ? {} : { precision: options.precision };
}

/** The engine in a Worker. */
export class RecurWorker {
  constructor(conn, { simdArch, precisions, threads }) {
    this._conn = conn;
    this.simdArch = simdArch;
    this.precisions = precisions;
    this.threads = threads;
  }

  /** Copies the bytes into the worker (the caller's array stays usable). options: {precision}. */
  async loadModel(bytes, options = {}) {
    options = loadOptions(options, 'loadModel()');
    const copy = bytes instanceof ArrayBuffer ? new Uint8Array(bytes.slice(0))
      : bytes instanceof Uint8Array ? bytes.slice() : bytes;  // anything else: the worker's TypeError
    const transfer = copy instanceof Uint8Array ? [copy.buffer] : [];
    return new RemoteModel(this._conn, await this._conn.call('loadModel', { bytes: copy, options }, { transfer }));
  }

  /**
   * The worker fetches the file itself (a URL relative to the page is made absolute here).
   * options: {precision} (progress and signal are recur.js's fetchModel() options, not offered here).
   */
  async fetchModel(url, options = {}) {
    options = loadOptions(options, 'fetchModel()');
    const abs = typeof location === 'object' ? new URL(url, location.href).href : String(url);
    return new RemoteModel(this._conn, await this._conn.call('fetchModel', { url: abs, options }));
  }

  async createModel(config) { return new RemoteModel(this._conn, await this._conn.call('createModel', { config })); }

  /** Stops the worker and frees everything in it. */
  terminate() { this._conn.worker.terminate(); }
}

// `await using` for remote objects (their dispose() is a round trip), `using` for the worker.
for (const cls of [RemoteModel, RemoteTrainer]) {
  if (typeof Symbol.asyncDispose === 'symbol') cls.prototype[Symbol.asyncDispose] = function dispose() { return this.dispose(); };
}
if (typeof Symbol.dispose === 'symbol') RecurWorker.prototype[Symbol.dispose] = function terminate() { this.terminate(); };

/**
 * Starts the engine in a module Worker. options.workerUrl: where worker-host.js is (default:
 * next to this module); options.wasmUrl: where recur-core.wasm is, if not next to recur.js;
 * options.threads: as loadRecur()'s (the threaded module where the page is cross-origin isolated).
 * Rejects with a RecurError (code 'wasm_load') if the engine cannot be loaded.
 */
export async function loadRecurWorker(options = {}) {
  const url = options.workerUrl ?? new URL('./worker-host.js', import.meta.url);
  const conn = new Connection(new Worker(url, { type: 'module' }));
  const engineOptions = options.wasmUrl ? { wasmUrl: String(new URL(options.wasmUrl, globalThis.location?.href)) } : {};
  if (options.threads !== undefined) engineOptions.threads = options.threads;
  return new RecurWorker(conn, await conn.call('init', { options: engineOptions }));
}
