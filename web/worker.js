// The demo's compute: a module Worker that owns one instance of the WebAssembly engine, so the
// page never freezes. Every message is {id, type, payload}, both ways.
//
// Requests (page → worker) and what the worker answers with the same id:
//   hello                                  → done {simdArch, threads}
//   load {slot, url | bytes, name}         → progress {loaded, total}*, done {info}
//   unload {slot}                          → done
//   generate {slot, prompt, length, temperature, topK, topP, seed, avoidUnknown}
//                                          → piece {text, chars, seconds}*, done {chars, seconds, aborted}
//   generate {..., count}                  → done {texts, chars, seconds}: count samples written side by
//                                            side (seeds seed .. seed + count - 1), not streamed
//   tag {slots, text, detail: {slot, layer, direction, state}}
//                                          → done {results: {slot: {labels, rows, cols, probs} | {error}},
//                                                  hidden: {rows, cols, values, layer, direction, state, cell}
//                                                          | {error} | null}
//                                            (values: h, c and the gates of that layer from model.trace();
//                                             state: the one the heat map shows)
//   classify {slots, text, reading}        → done {slot: {labels, probs, prefixes?} | {error}}: the label
//                                            distribution for text (probs); for the slot `reading` also
//                                            for each prefix (prefixes: characters × labels, row k after
//                                            character k + 1)
//   probe {slot, items: [{text, at}]}      → progress {done, total}*, done {labels, probs (items × labels)}
//   whatif {slots, text, word, at: [p]}    → done {slot: Float32Array | {error}}: for each p, P(company) /
//                                            (P(fruit) + P(company)) at the end of text[0..p] + word
//   clipdemo {text, steps, lr, clips, seed} → progress {done, total}*, done {runs: [{clip, bits (per step)} |
//                                            {clip, error, bits}]}: one plain tanh RNN trained by SGD per
//                                            gradient-clipping norm (0 = none), same seed
//   next {slot, text}                      → done {symbols, probs}: the next-character distribution after text
//   saliency {slot, text, position?, target?}
//                                          → done {target, logProb, gradNorm, gradTimesInput}: the gradient of
//                                            the answer at position (default: the last character) with respect
//                                            to each character
//   train {text, cell, layers, hidden, embed, seqLen, batch, lr, steps, sampleEvery, seed, keepBest}
//                                          → started {info, trainChars, valChars}, progress {…}*,
//                                            val {step, bitsPerChar}*, sample {step, text}*,
//                                            done {steps, stopped, stoppedEarly, best: {step, bitsPerChar} | null}
//                                            (keepBest: early stopping after 5 checks, the best weights kept)
//   recall {cells, seeds, steps, rounds, hidden, perLag}
//                                          → progress {cell, seed, step, curve: [{lag, correct, total}]}*, done
//   save {slot}                            → done {bytes}     (slot 'train' = the model being trained)
//   cancel {target}                        stops a generate, probe, whatif or recall request (no reply)
//   pause | resume | stop {target}         controls a train request (no reply)
// Any failure answers {type: 'error', payload: {name, message}}; the worker keeps working.
import { loadRecur, vocabFromText } from './lib/recur.js';
import { companyShare } from './apple-text.js';
import { runRecall } from './recall-task.js';

// The training worker uses threads where the page is cross-origin isolated (loadRecur() checks);
// generation stays on one, so that the two workers do not compete for the cores. A threaded module
// that cannot load leaves one thread.
const threads = self.name === 'training' ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
const ready = loadRecur({ threads }).catch((e) => (threads > 1 ? loadRecur() : Promise.reject(e)));
const models = new Map();   // slot → Model
const jobs = new Map();     // request id → {abort(), pause(), resume(), stop()}
let training = null;        // {model, trainer} of the current or last training run

const post = (id, type, payload, transfer = []) => postMessage({ id, type, payload }, transfer);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function info(model) {
  return {
    config: model.config, parameterCount: model.parameterCount, labels: model.labels,
    vocabSize: model.vocab.length, hasUnk: model.vocab.includes('<unk>'),
  };
}

function modelIn(slot) {
  if (slot === 'train') {
    if (!training) throw new Error('no model has been trained yet');
    return training.model;
  }
  const m = models.get(slot);
  if (!m) throw new Error(`no model is loaded as "${slot}"`);
  return m;
}

// Replaces the model in a slot only once the new one has loaded: a bad file keeps the old one.
function putModel(slot, model) {
  models.get(slot)?.dispose();
  models.set(slot, model);
}

const handlers = {
  async hello() {
    const recur = await ready;
    return { simdArch: recur.simdArch, threads: recur.threads };
  },

  async load(id, { slot, url, bytes }) {
    const recur = await ready;
    let model;
    if (bytes) {
      model = recur.loadModel(bytes);
    } else {
      const ctrl = new AbortController();
      jobs.set(id, { abort: () => ctrl.abort() });
      let last = 0;
      model = await recur.fetchModel(url, {
        signal: ctrl.signal,
        onProgress: ({ loaded, total }) => {
          const now = performance.now();
          if (now - last > 50 || loaded === total) { last = now; post(id, 'progress', { loaded, total }); }
        },
      });
    }
    putModel(slot, model);
    return info(model);
  },

  async unload(id, { slot }) {
    models.get(slot)?.dispose();
    models.delete(slot);
    return null;
  },

  async generate(id, { slot, ...options }) {
    const model = modelIn(slot);
    if (options.count !== undefined) {
      const t0 = performance.now();
      const texts = model.generate(options);
      const chars = texts.reduce((n, text) => n + Array.from(text).length, 0);
      return { texts, chars, seconds: (performance.now() - t0) / 1000 };
    }
    const ctrl = new AbortController();
    jobs.set(id, { abort: () => ctrl.abort() });
    const t0 = performance.now();
    let chars = 0, pending = '', last = t0;
    const flush = () => {
      if (!pending) return;
      const n = Array.from(pending).length;
      chars += n;
      post(id, 'piece', { text: pending, chars, seconds: (performance.now() - t0) / 1000 });
      pending = '';
    };
    let first = true;
    for await (const piece of model.stream({ ...options, chunk: 4, signal: ctrl.signal })) {
      pending += piece;
      const now = performance.now();
      // The first piece goes out at once (time to first character), later ones every ~30 ms.
      if (first || now - last > 30) { flush(); last = now; first = false; }
    }
    flush();
    return { chars, seconds: (performance.now() - t0) / 1000, aborted: ctrl.signal.aborted };
  },

  // Label distributions for every character of text under each model in `slots`, and for
  // `detail.slot` one of the values trace() gives (h, c or a gate) after each character.
  async tag(id, { slots, text, detail }) {
    const results = {};
    for (const slot of slots) {
      try {
        const m = modelIn(slot);
        const p = m.predict(text);
        results[slot] = { labels: m.labels, rows: p.rows, cols: p.cols, probs: p.probs };
      } catch (e) {
        results[slot] = { error: e.message };
      }
    }
    let hidden = null;
    if (detail) {
      try {
        const m = modelIn(detail.slot);
        const trace = m.trace(text);
        const layer = Math.min(Math.max(0, detail.layer | 0), m.config.numLayers - 1);
        const twoWays = trace.layers.some((x) => x.direction === 'backward');  // not a Transformer's one stack
        const direction = twoWays && detail.direction === 'backward' ? 'backward' : 'forward';
        const l = trace.layers.find((x) => x.layer === layer && x.direction === direction);
        // A transformer's counterpart of the gates: each head's attention, a (steps, steps) matrix
        // named a1, a2, ... (row = the character read, column = the character it looks at).
        const heads = Object.fromEntries((l.attention ?? []).map((a, k) => [`a${k + 1}`, a]));
        const values = { h: l.h, ...(l.c ? { c: l.c } : {}), ...l.gates, ...heads };
        const state = values[detail.state] ? detail.state : 'h';
        const attention = state in heads;
        hidden = { rows: trace.steps, cols: attention ? trace.steps : trace.hiddenSize, values, layer, direction, state,
          cell: m.config.cell, attention };
      } catch (e) {
        hidden = { error: e.message };
      }
    }
    return { results, hidden };
  },

  // A classifier's answer for the text, and what it would answer had the text ended after each
  // character (the Classify panel's reading chart; the texts there are short).
  async classify(id, { slots, text, reading }) {
    const chars = Array.from(text);
    const out = {};
    for (const slot of slots) {
      try {
        const m = modelIn(slot);
        out[slot] = { labels: m.labels, probs: m.predict(text).probs };
        if (slot !== reading) continue;
        const L = m.labels.length;
        out[slot].prefixes = new Float32Array(chars.length * L);
        for (let k = 1; k <= chars.length; k++) out[slot].prefixes.set(m.predict(chars.slice(0, k).join('')).probs, (k - 1) * L);
      } catch (e) {
        out[slot] = { error: e.message };
      }
    }
    return out;
  },

  // The label distribution at position `at` of each item's text (memory experiment).
  async probe(id, { slot, items }) {
    const m = modelIn(slot);
    const L = m.labels.length;
    const probs = new Float32Array(items.length * L);
    let cancelled = false;
    jobs.set(id, { abort: () => { cancelled = true; } });
    let last = performance.now();
    for (let i = 0; i < items.length; i++) {
      if (cancelled) throw new Error('cancelled');
      const p = m.predict(items[i].text);
      probs.set(p.row(items[i].at), i * L);
      const now = performance.now();
      if (now - last > 40) { post(id, 'progress', { done: i + 1, total: items.length }); await tick(); last = performance.now(); }
    }
    return { labels: m.labels, probs };
  },

  // Cancelled as soon as the visitor types on: it yields every 20 ms so that the cancel arrives.
  async whatif(id, { slots, text, word, at }) {
    const chars = Array.from(text);
    let cancelled = false, last = performance.now();
    jobs.set(id, { abort: () => { cancelled = true; } });
    const out = {};
    for (const slot of slots) {
      let m;
      try {
        m = modelIn(slot);
      } catch (e) {
        out[slot] = { error: e.message };
        continue;
      }
      const fruit = m.labels.indexOf('fruit'), company = m.labels.indexOf('company');
      if (fruit < 0 || company < 0) { out[slot] = { error: 'the model has no fruit and company labels' }; continue; }
      const shares = new Float32Array(at.length);
      for (const [i, p] of at.entries()) {
        const r = m.predict(chars.slice(0, p + 1).join('') + word);
        const row = r.row(r.rows - 1);
        shares[i] = companyShare(row[fruit], row[company]);
        if (performance.now() - last > 20) {
          await tick();
          if (cancelled) throw new Error('cancelled');
          last = performance.now();
        }
      }
      out[slot] = shares;
    }
    return out;
  },

  async clipdemo(id, { text, steps, lr, clips, seed }) {
    const recur = await ready;
    let cancelled = false, last = performance.now();
    jobs.set(id, { abort: () => { cancelled = true; } });
    const runs = [];
    for (const [r, clip] of clips.entries()) {
      const model = recur.createModel({ cell: 'rnn_tanh', vocab: text, hiddenSize: 64, embeddingDim: 16, seed });
      const bits = [];
      try {
        const trainer = model.trainer({ optimizer: 'sgd', lr, clip, seqLen: 64, batchSize: 8, seed });
        for (let s = 0; s < steps; s++) {
          bits.push(trainer.step(text) / Math.LN2);
          if (performance.now() - last > 30) {
            post(id, 'progress', { done: r * steps + s + 1, total: clips.length * steps });
            await tick();
            if (cancelled) throw new Error('cancelled');
            last = performance.now();
          }
        }
        runs.push({ clip, bits });
      } catch (e) {
        if (cancelled) throw e;
        runs.push({ clip, bits, error: e.message });  // a diverged run ends where its loss stopped being finite
      } finally {
        model.dispose();
      }
    }
    return { runs };
  },

  async next(id, { slot, text }) {
    const m = modelIn(slot);
    m.reset();
    const probs = m.feed(text);
    m.reset();
    return { symbols: m.vocab, probs };
  },

  async saliency(id, { slot, text, position, target }) {
    const s = modelIn(slot).saliency(text, { ...(position === undefined ? {} : { position }), ...(target ? { target } : {}) });
    return { target: s.target, logProb: s.logProb, gradNorm: s.gradNorm, gradTimesInput: s.gradTimesInput };
  },

  // The key-recall experiment (recall-task.js).
  async recall(id, options) {
    const recur = await ready;
    let cancelled = false;
    jobs.set(id, { abort: () => { cancelled = true; } });
    await runRecall(recur, options, async (p) => { post(id, 'progress', p); await tick(); }, () => cancelled);
    return null;
  },

  async save(id, { slot }) {
    const bytes = modelIn(slot).save();
    return { bytes };
  },

  async train(id, p) {
    const recur = await ready;
    const all = Array.from(p.text);
    if (all.length < 200) throw new Error(`the text is too short to train on: ${all.length} characters, at least 200 are needed`);
    const cut = Math.floor(all.length * 0.9);
    const trainText = all.slice(0, cut).join('');
    const valChars = all.slice(cut, cut + 4001);  // the held-out last 10% (at most 4001 characters evaluated)
    const valText = valChars.join('');
    if (cut < p.seqLen + 1) throw new Error(`the training part of the text (the first 90%, ${cut} characters) must be longer than the sequence length (${p.seqLen})`);

    if (training) { training.model.dispose(); training = null; }
    const model = recur.createModel({
      vocab: vocabFromText(p.text), cell: p.cell, numLayers: p.layers, hiddenSize: p.hidden,
      embeddingDim: p.embed, seed: p.seed,
    });
    let trainer;
    try {
      trainer = model.trainer({ lr: p.lr, seqLen: p.seqLen, batchSize: p.batch, seed: p.seed, totalSteps: p.steps, clip: 5 });
    } catch (e) { model.dispose(); throw e; }
    training = { model, trainer };

    // Validation bits/char on the held-out text: the engine's evaluation, as fit() runs it.
    const validate = () => (valChars.length < 2 ? NaN : model.evaluate(valText).bitsPerChar);
    const promptFor = () => Array.from(trainText.match(/^\s*(\S{1,12})/u)?.[1] ?? '').join('');
    const sample = (step) => {
      const prompt = promptFor();
      const text = model.generate({ prompt, length: 160, temperature: 0.8, seed: step });
      post(id, 'sample', { step, prompt, text });
    };

    let paused = false, wake = null;
    const ctrl = new AbortController();
    jobs.set(id, {
      pause: () => { paused = true; },
      resume: () => { paused = false; wake?.(); },
      stop: () => { ctrl.abort(); wake?.(); },
      abort: () => { ctrl.abort(); wake?.(); },
    });
    post(id, 'started', { info: info(model), trainChars: cut, valChars: valChars.length });
    post(id, 'val', { step: 0, bitsPerChar: validate() });

    // The engine's training run (through fit) steps, validates every steps/30 and stops; this
    // handler reports, samples, and holds the run while it is paused.
    const evalEvery = Math.max(1, Math.round(p.steps / 30));
    let step = 0, lastEval = 0, nextSample = p.sampleEvery;
    const validation = valChars.length >= 2 ? valText : undefined;
    const keepBest = !!p.keepBest && validation !== undefined;
    const result = await trainer.fit(trainText, {
      steps: p.steps, signal: ctrl.signal, validation, validationEvery: evalEvery,
      ...(keepBest ? { keepBest: true, earlyStopping: { patience: 5 } } : {}),
      onEpochEnd: (e) => {
        if (e.validation) { post(id, 'val', { step: e.step, bitsPerChar: e.validation.bitsPerChar }); lastEval = e.step; }
      },
      onProgress: async (pr) => {
        step = pr.step;
        post(id, 'progress', { ...pr, paused });
        if (p.sampleEvery > 0 && (step >= nextSample || step === p.steps)) {
          sample(step);
          nextSample = (Math.floor(step / p.sampleEvery) + 1) * p.sampleEvery;
        }
        while (paused && !ctrl.signal.aborted) {
          post(id, 'progress', { ...pr, losses: [], paused: true });
          await new Promise((resolve) => { wake = resolve; });
          wake = null;
        }
      },
    });
    step = result.steps;
    if (result.aborted && step > 0 && step !== lastEval && !keepBest) post(id, 'val', { step, bitsPerChar: validate() });
    const best = keepBest && result.best ? { step: result.best.step, bitsPerChar: result.best.validation.bitsPerChar } : null;
    return { steps: step, stopped: result.aborted, stoppedEarly: result.stoppedEarly, best };
  },
};

const controls = {
  cancel: (job) => job.abort?.(),
  pause: (job) => job.pause?.(),
  resume: (job) => job.resume?.(),
  stop: (job) => job.stop?.(),
};

onmessage = async ({ data }) => {
  const { id, type, payload = {} } = data ?? {};
  if (controls[type]) {
    const job = jobs.get(payload.target);
    if (job) controls[type](job);
    return;
  }
  const handler = handlers[type];
  if (!handler) { post(id, 'error', { name: 'Error', message: `unknown request "${type}"` }); return; }
  try {
    const result = await handler(id, payload);
    const transfer = [];
    if (result?.bytes) transfer.push(result.bytes.buffer);
    post(id, 'done', result, transfer);
  } catch (e) {
    post(id, 'error', { name: e?.name ?? 'Error', message: e?.message ?? String(e) });
  } finally {
    jobs.delete(id);
  }
};

// A failure to instantiate the engine (no wasm support, file missing...) is reported once.
ready.catch((e) => post(null, 'fatal', { message: `the WebAssembly engine did not start: ${e?.message ?? e}` }));
