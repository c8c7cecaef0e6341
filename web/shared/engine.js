// The page's side of the workers (worker.js owns the WebAssembly engine): requests are
// {id, type, payload} messages; each gets progress events and ends in 'done' or 'error'.
// Two workers: one for generation and the apple demo, one (started on demand) for training, so a
// long training run does not slow down the other panels on a multi-core machine.
import { t } from '../i18n.js';
import { $, showMsg } from './dom.js';

const engineMsg = $('engine-msg');

/** Shows a page-wide error in the banner under the header. */
export const showEngineError = (text) => showMsg(engineMsg, text, 'error');

class Engine {
  constructor(name) {
    this.name = name;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = new Worker(new URL('../worker.js', import.meta.url), { type: 'module', name });
    this.worker.onmessage = (e) => this.onMessage(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      const what = name === 'training' ? t('The training worker could not start') : t('The engine worker could not start');
      this.fail(e.message
        ? t('{what}: {error}. This page needs a browser with WebAssembly and module workers.', { what, error: e.message })
        : t('{what}. This page needs a browser with WebAssembly and module workers.', { what }));
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
    showEngineError(message);
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
}

/** Generation, the apple taggers and the memory probes. */
export const engine = new Engine('engine');

let trainEngine = null;
/** The training worker, started by the first call. */
export const getTrainEngine = () => {
  if (!trainEngine) {
    trainEngine = new Engine('training');
    trainEngine.ready.then(({ threads }) => {
      if (threads > 1) $('footer-info').append(` ${t('Training runs on {n} threads.', { n: threads })}`);
    }, () => {});
  }
  return trainEngine;
};

engine.ready.then(({ simdArch }) => {
  engineMsg.className = 'msg ok';
  engineMsg.textContent = t('Engine ready (WebAssembly, SIMD: {arch}).', { arch: simdArch });
  $('footer-info').append(` ${t('Engine: WebAssembly SIMD128 ({arch}).', { arch: simdArch })}`);
}, () => {});
