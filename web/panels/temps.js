// Samples side by side, in the Generate panel, from the current model, prompt, top-k and top-p:
// - three temperatures with one seed: the random numbers drawn are the same, so the samples differ
//   only by the temperature (one streamed generation each);
// - three seeds at the chosen temperature: the same distributions, different draws. The worker
//   writes the three at once, in one pass over the weights per character (generate({ count })).
import { t } from '../i18n.js';
import { $, el, setDisabled, setLang, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { currentModel, readOptions, textLang } from './generate.js';

export const TEMPERATURES = [0.3, 0.8, 1.3];
const SEEDS = 3;
const LENGTH = 300;
const msg = $('gen-msg');
const cards = [
  { start: $('temps-start'), out: $('temps-out'), busy: false, columns: temperatureColumns, write: writeTemperatures },
  { start: $('seeds-start'), out: $('seeds-out'), busy: false, columns: seedColumns, write: writeSeeds },
];

function temperatureColumns(options) {
  return TEMPERATURES.map((temperature) => ({
    data: { temperature: String(temperature) }, label: t('Sample at temperature {t}', { t: temperature }),
    head: t('Temperature {t}', { t: temperature }), options: { ...options, temperature },
  }));
}

function seedColumns(options) {
  return Array.from({ length: SEEDS }, (_, i) => ({
    data: { seed: String(options.seed + i) }, label: t('Sample with seed {s}', { s: options.seed + i }),
    head: t('Seed {s}', { s: options.seed + i }), options: { ...options, seed: options.seed + i },
  }));
}

async function writeTemperatures(slot, cols) {
  for (const c of cols) {
    const request = { slot, ...c.options, length: LENGTH };
    await engine.request('generate', request, (type, p) => type === 'piece' && c.gen.append(p.text)).promise;
  }
}

async function writeSeeds(slot, cols) {
  const request = { slot, ...cols[0].options, length: LENGTH, count: cols.length };
  const { texts } = await engine.request('generate', request).promise;
  cols.forEach((c, i) => c.gen.append(texts[i]));
}

async function run(card) {
  const m = currentModel();
  if (!m || card.busy) return;
  let options;
  try { options = readOptions(); } catch (e) { showMsg(msg, e.message, 'error'); return; }
  card.busy = true;
  setDisabled(card.start, true);
  delete card.out.dataset.done;
  const lang = textLang(options.prompt);
  const cols = card.columns(options).map((c) => {
    const gen = el('span', { className: 'gen' });
    const box = el('div', { className: 'textout', tabIndex: 0, dataset: c.data },
      el('span', { className: 'prompt', textContent: options.prompt }), gen);
    setLang(box, lang);
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', c.label);
    return { ...c, gen, col: el('div', {}, el('h4', { textContent: c.head }), box) };
  });
  card.out.replaceChildren(...cols.map((c) => c.col));
  try {
    await card.write(m.slot, cols);
    card.out.dataset.done = options.prompt;  // what tests wait for
  } catch (e) {
    showMsg(msg, e.message, 'error');
  } finally {
    card.busy = false;
    card.start.disabled = !currentModel();
  }
}

for (const card of cards) {
  card.start.addEventListener('click', () => run(card));
  $('gen-model').addEventListener('modelready', () => { card.start.disabled = card.busy; });
}
