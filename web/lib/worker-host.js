// The inside of the worker that recur-rnn/worker (worker.js) starts: it owns the engine and every
// model and trainer, and answers the page's calls. Its message handler is set before anything is
// awaited, so calls that arrive while the engine loads wait for it instead of being lost.
import { loadRecur } from './recur.js';

let engine = null;           // Promise<Recur>, from the first 'init'
const objects = new Map();   // handle -> Model | Trainer
const running = new Map();   // call id -> AbortController of a stream, fit or predictAsync in progress
let nextHandle = 1;

// Errors cross as plain data; worker.js rebuilds RecurError, TypeError and RangeError from it.
const errorData = (e) => ({ name: e?.name ?? 'Error', code: e?.code, message: e?.message ?? String(e) });

function describe(handle, model) {
  return { handle, config: model.config, vocab: model.vocab, labels: model.labels, parameterCount: model.parameterCount,
    precision: model.precision };
}

function adopt(model) {
  const handle = nextHandle++;
  objects.set(handle, model);
  return describe(handle, model);
}

function object(handle) {
  const o = objects.get(handle);
  if (!o) throw new Error('this object has been disposed');
  return o;
}

// Typed arrays go back by transfer, not by copy.
function reply(id, value) {
  const transfer = ArrayBuffer.isView(value) ? [value.buffer]
    : value?.probs instanceof Float32Array ? [value.probs.buffer] : [];
  postMessage({ id, value }, transfer);
}

const MODEL_METHODS = new Set(['predict', 'evaluate', 'tag', 'classify', 'generate', 'feed', 'reset', 'hidden', 'save',
  'trace', 'saliency']);

async function handle(id, op, a) {
  if (op === 'init') {
    const { wasmUrl: url, threads = 1 } = a.options ?? {};
    engine ??= loadRecur({ threads, ...(url ? { locateFile: () => url } : {}) });
    const { simdArch, precisions, threads: got } = await engine;
    return { simdArch, precisions, threads: got };
  }
  if (!engine) throw new Error('the worker was not initialised');
  const recur = await engine;
  switch (op) {
    case 'loadModel': return adopt(recur.loadModel(a.bytes, a.options));
    case 'fetchModel': return adopt(await recur.fetchModel(a.url, a.options));
    case 'createModel': return adopt(recur.createModel(a.config));
    case 'call': {
      if (!MODEL_METHODS.has(a.method)) throw new TypeError(`no model method ${a.method}`);
      const value = object(a.handle)[a.method](...a.args);
      return a.method === 'predict' ? { rows: value.rows, cols: value.cols, probs: value.probs, symbols: value.symbols } : value;
    }
    case 'trainer': {
      const h = nextHandle++;
      objects.set(h, object(a.handle).trainer(a.options));
      return h;
    }
    case 'step': return object(a.handle).step(a.data);
    case 'fit': {
      const ctrl = new AbortController();
      running.set(id, ctrl);
      try {
        return await object(a.handle).fit(a.data, {
          ...a.options, signal: ctrl.signal, onProgress: (p) => postMessage({ id, progress: p }),
          onEpochEnd: a.epochReports ? (e) => postMessage({ id, epoch: e }) : undefined,
        });
      } finally {
        running.delete(id);
      }
    }
    case 'predictAsync': {
      const ctrl = new AbortController();
      running.set(id, ctrl);
      try {
        const p = await object(a.handle).predictAsync(a.text, {
          ...a.options, signal: ctrl.signal, onProgress: (progress) => postMessage({ id, progress }),
        });
        return { rows: p.rows, cols: p.cols, probs: p.probs, symbols: p.symbols };
      } finally {
        running.delete(id);
      }
    }
    case 'stream': {
      const ctrl = new AbortController();
      running.set(id, ctrl);
      try {
        // Pieces made within one task go out as one message: fewer messages, the same text.
        let text = '', last = performance.now();
        try {
          for await (const piece of object(a.handle).stream({ ...a.options, signal: ctrl.signal })) {
            text += piece;
            if (performance.now() - last >= 8) {
              postMessage({ id, piece: text });
              text = '';
              last = performance.now();
            }
          }
        } finally {
          if (text) postMessage({ id, piece: text });  // also what was made before an error
        }
      } finally {
        running.delete(id);
      }
      return null;
    }
    case 'dispose': {
      objects.get(a.handle)?.dispose();
      objects.delete(a.handle);
      return null;
    }
    default: throw new TypeError(`unknown operation ${op}`);
  }
}

onmessage = ({ data: { id, op, ...args } }) => {
  if (op === 'abort') {
    running.get(args.target)?.abort();
    return;
  }
  handle(id, op, args).then((value) => reply(id, value), (e) => postMessage({ id, error: errorData(e) }));
};
