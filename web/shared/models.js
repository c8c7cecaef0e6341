// The bundled models (web/models/index.json, written by web/prepare-models.mjs): the catalogue,
// loading one into the engine worker, and a one-line description of a loaded model.
import { plural, t } from '../i18n.js';
import { engine } from './engine.js';
import { fmtInt, showMsg } from './dom.js';

export const CELL_NAMES = { rnn_tanh: 'RNN (tanh)', rnn_relu: 'RNN (ReLU)', lstm: 'LSTM', gru: 'GRU', transformer: 'Transformer' };

/** The apple taggers, in the order the page shows them: the recurrent ones, then the Transformers. */
export const APPLE_MODELS = [
  { name: 'apple-rnn', short: 'RNN', color: '#8a6aa0', both: false },
  { name: 'apple-lstm', short: 'LSTM', color: '#1c64d1', both: false },
  { name: 'apple-gru', short: 'GRU', color: '#1f7a3d', both: false },
  { name: 'apple-bilstm', short: 'BiLSTM', both: true },
  { name: 'apple-transformer', short: 'Transformer', color: '#b0306e', both: false },
  { name: 'apple-bitransformer', short: 'Transformer', both: true },
];

/** "→ reads left only" or "↔ reads both ways", for a network of APPLE_MODELS. */
export const readsHow = (m) => (m.both ? t('↔ reads both ways') : t('→ reads left only'));

/** Resolves to the catalogue's entries [{name, file, task, cell, …}]; [] when there is none. */
export const catalogReady = fetch('models/index.json', { cache: 'no-cache' })
  .then((r) => (r.ok ? r.json() : { models: [] }))
  .then((j) => (Array.isArray(j.models) ? j.models : []))
  .catch(() => []);

// Bundled models are fetched once per worker slot; the same promise serves every caller.
const loading = new Map();

/** Loads a catalogue entry into the slot of its name; resolves to the model's info. */
export function loadBundled(entry, onProgress) {
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

/** "LSTM · 2 layers × 256 · 912,345 parameters · 3,210 symbols" for a model's info. */
export function describe(info) {
  const c = info.config;
  const name = CELL_NAMES[c.cell] ?? c.cell;
  const cell = c.bidirectional ? t('bidirectional {cell}', { cell: name }) : name;
  const what = c.task === 'lm' ? t('{n} symbols', { n: fmtInt(info.vocabSize) }) : t('labels {list}', { list: info.labels.join(' / ') });
  const text = t('{cell} · {layers} × {hidden} · {params} parameters · {what}', {
    cell, layers: plural(c.numLayers, '{n} layer', '{n} layers'), hidden: c.hiddenSize, params: fmtInt(info.parameterCount), what,
  });
  return c.cell === 'transformer'
    ? `${text} · ${t('{heads} heads, a window of {window} characters', { heads: c.numHeads, window: fmtInt(c.maxLen) })}` : text;
}

/**
 * Loads a panel's bundled networks (members: [{name}], in the panel's order) behind its radio
 * buttons named inputName: disables the choices this build lacks (absentText(missing members)
 * gives [text, kind] for the box `missing`, or null), checks the first available one if the
 * checked one is absent, says in `msg` what is loading (loadingText(count)) and in `missing` any
 * file that fails. Resolves to {available: catalogue entries, infos: Map name → info of those loaded}.
 */
export async function loadNetworks(members, inputName, { msg, missing, absentText, loadingText }) {
  const catalog = await catalogReady;
  const available = members.map((m) => catalog.find((e) => e.name === m.name)).filter(Boolean);
  const inputs = [...document.querySelectorAll(`input[name="${inputName}"]`)];
  for (const input of inputs) {
    input.disabled = !available.some((e) => e.name === input.value);
    if (input.disabled) input.parentElement.title = t('not available in this build');
  }
  const absent = absentText(members.filter((m) => !available.some((e) => e.name === m.name)));
  if (absent) showMsg(missing, ...absent);
  const infos = new Map();
  if (!available.length) return { available, infos };
  if (!inputs.some((i) => i.checked && !i.disabled)) inputs.find((i) => i.value === available[0].name).checked = true;
  showMsg(msg, loadingText(available.length));
  await Promise.all(available.map(async (entry) => {
    try {
      infos.set(entry.name, await loadBundled(entry));
    } catch (e) {
      showMsg(missing, t('Could not load {name}: {error}', { name: entry.name, error: e.message }), 'error');
    }
  }));
  showMsg(msg, '');
  return { available, infos };
}
