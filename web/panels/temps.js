// Three temperatures side by side, in the Generate panel: the current model, prompt, top-k, top-p
// and seed, one sample at each temperature. The seed fixes the random numbers drawn, so the
// samples differ only by the temperature.
import { t } from '../i18n.js';
import { $, el, setDisabled, setLang, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { currentModel, readOptions, textLang } from './generate.js';

export const TEMPERATURES = [0.3, 0.8, 1.3];
const LENGTH = 300;
const tp = { start: $('temps-start'), out: $('temps-out'), msg: $('gen-msg'), model: $('gen-model'), busy: false };

async function run() {
  const m = currentModel();
  if (!m || tp.busy) return;
  let options;
  try { options = readOptions(); } catch (e) { showMsg(tp.msg, e.message, 'error'); return; }
  tp.busy = true;
  setDisabled(tp.start, true);
  delete tp.out.dataset.done;
  const lang = textLang(options.prompt);
  const cols = TEMPERATURES.map((temperature) => {
    const gen = el('span', { className: 'gen' });
    const box = el('div', { className: 'textout', tabIndex: 0, dataset: { temperature: String(temperature) } },
      el('span', { className: 'prompt', textContent: options.prompt }), gen);
    setLang(box, lang);
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', t('Sample at temperature {t}', { t: temperature }));
    return { temperature, gen, col: el('div', {}, el('h4', { textContent: t('Temperature {t}', { t: temperature }) }), box) };
  });
  tp.out.replaceChildren(...cols.map((c) => c.col));
  try {
    for (const c of cols) {
      const request = { slot: m.slot, ...options, length: LENGTH, temperature: c.temperature };
      await engine.request('generate', request, (type, p) => type === 'piece' && c.gen.append(p.text)).promise;
    }
    tp.out.dataset.done = options.prompt;  // what tests wait for
  } catch (e) {
    showMsg(tp.msg, e.message, 'error');
  } finally {
    tp.busy = false;
    tp.start.disabled = !currentModel();
  }
}

tp.start.addEventListener('click', run);
tp.model.addEventListener('modelready', () => { tp.start.disabled = tp.busy; });
