// The Generate panel: pick a bundled model or open a .safetensors file, set the sampling
// options, and stream text from the engine worker with Stop and a live characters/second.
import { plural, t } from '../i18n.js';
import { $, fmtBytes, fmtInt, setDisabled, setLang, showMsg } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { CELL_NAMES, catalogReady, describe, loadBundled } from '../shared/models.js';

const KNOWN_LMS = {
  'en-fortunes-lstm': { title: t('English fortunes (LSTM)'), prompt: 'The ', lang: 'en' },
  // The same recipe at 3.8 times the parameters: lower bits/char, a bigger download, slower steps.
  'en-fortunes-lstm-large': { title: t('English fortunes (large LSTM)'), prompt: 'The ', lang: 'en' },
  // The same data through self-attention over a 256-character window, for comparison.
  'en-fortunes-transformer': { title: t('English fortunes (Transformer)'), prompt: 'The ', lang: 'en' },
  // A poem's first line: the model was trained on whole poems, so it goes on with the second.
  'zh-poetry-lstm': { title: t('Chinese classical verse: Tang and Song poems, Song lyrics, Yuan songs (LSTM)'), prompt: '白日依山尽，', lang: 'zh' },
};

const gen = {
  select: $('gen-model'), file: $('gen-file'), info: $('gen-model-info'), load: $('gen-load'), msg: $('gen-msg'),
  prompt: $('gen-prompt'), start: $('gen-start'), stop: $('gen-stop'), rate: $('gen-rate'), out: $('gen-out'),
  current: null,        // {slot, info, prompt}
  options: new Map(),   // option value → {slot, entry?, info?, prompt}
  job: null, fileCount: 0, firstCharMarked: false,
};

/** The model Generate uses ({slot, info, prompt, value}) or null, and the prompt box. */
export const currentModel = () => gen.current;
export const promptBox = gen.prompt;

/** The language of text the current model writes after prompt: the model's if known, else zh for a Chinese prompt. */
export const textLang = (prompt) => gen.current?.lang ?? (/\p{Script=Han}/u.test(prompt) ? 'zh' : '');

/** Adds (or relabels) a choice of the model list; data = {slot, entry?, info?, prompt}. */
export function addModel(value, label, data, disabled = false) {
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

/** Makes a choice of the model list current, loading a bundled model first if needed. */
export async function selectModel(value) {
  const data = gen.options.get(value);
  if (!data) return;
  const before = gen.current;
  gen.select.value = value;
  if (data.entry && !data.info) {
    gen.start.disabled = true;
    gen.load.hidden = false;
    gen.load.removeAttribute('value');  // indeterminate until the first byte count
    showMsg(gen.msg, t('Loading {name}…', { name: data.entry.name }));
    try {
      data.info = await loadBundled(data.entry, ({ loaded, total }) => {
        if (total) { gen.load.max = total; gen.load.value = loaded; }
        showMsg(gen.msg, total ? t('Loading {name}… {loaded} of {total}', { name: data.entry.name, loaded: fmtBytes(loaded), total: fmtBytes(total) })
          : t('Loading {name}… {loaded}', { name: data.entry.name, loaded: fmtBytes(loaded) }));
      });
      showMsg(gen.msg, '');
    } catch (e) {
      showMsg(gen.msg, t('Could not load {name}: {error}', { name: data.entry.name, error: e.message }), 'error');
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
  gen.select.dispatchEvent(new Event('modelready'));  // the step view starts over with this model
}

gen.select.addEventListener('change', () => selectModel(gen.select.value));

gen.file.addEventListener('change', async () => {
  const file = gen.file.files[0];
  gen.file.value = '';
  if (!file) return;
  if (file.size > 512e6) { showMsg(gen.msg, t('{name} is {size}: too large for a model of this demo.', { name: file.name, size: fmtBytes(file.size) }), 'error'); return; }
  showMsg(gen.msg, t('Reading {name}…', { name: file.name }));
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const slot = `file:${++gen.fileCount}`;
    const info = await engine.request('load', { slot, bytes }, null, [bytes.buffer]).promise;
    if (info.config.task !== 'lm') {
      engine.request('unload', { slot });
      throw new Error(t('this is a {task} model; Generate needs a language model (task "lm")', { task: info.config.task }));
    }
    addModel(slot, t('File: {name}', { name: file.name }), { slot, info, prompt: '' });
    await selectModel(slot);
    showMsg(gen.msg, t('Loaded {name} ({size}).', { name: file.name, size: fmtBytes(file.size) }), 'ok');
  } catch (e) {
    showMsg(gen.msg, t('Could not load {name}: {error}', { name: file.name, error: e.message }), 'error');
  }
});

/** The sampling options of the form; the engine checks the ranges and says what is wrong, here only that each field is a number. */
export function readOptions() {
  const num = (id, problem) => {
    const input = $(id);
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) throw new Error(problem);
    return v;
  };
  const o = {
    prompt: gen.prompt.value, length: num('gen-length', t('Length must be a number')),
    temperature: num('gen-temp', t('Temperature must be a number')),
    topP: num('gen-topp', t('Top-p must be a number')), seed: num('gen-seed', t('Seed must be a number')),
    // The bundled corpora turn rare characters into U+FFFD, which reads as garbage in a sample.
    avoidUnknown: $('gen-avoid-unk').checked,
  };
  const k = num('gen-topk', t('Top-k must be a number'));
  if (k !== 0) o.topK = k;
  return o;
}

const chars = (n) => plural(n, '{n} character', '{n} characters');
const perSecond = (n) => t('{n} chars/s', { n: fmtInt(n) });

async function start() {
  if (!gen.current || gen.job) return;
  let options;
  try { options = readOptions(); } catch (e) { showMsg(gen.msg, e.message, 'error'); return; }
  const promptNode = gen.out.querySelector('.prompt');
  const genSpan = gen.out.querySelector('.gen');
  promptNode.textContent = options.prompt;
  setLang(gen.out, textLang(options.prompt));
  genSpan.textContent = '';
  const text = document.createTextNode('');
  genSpan.append(text);
  gen.out.classList.add('running');
  gen.out.dataset.state = 'running';
  showMsg(gen.msg, '');
  gen.stop.disabled = false;
  setDisabled(gen.start, true, gen.stop);
  gen.rate.textContent = '';
  const job = engine.request('generate', { slot: gen.current.slot, ...options }, (type, p) => {
    if (type !== 'piece') return;
    if (!gen.firstCharMarked) { gen.firstCharMarked = true; performance.mark('recur-first-char'); }
    text.appendData(p.text);
    if (gen.out.scrollHeight - gen.out.scrollTop - gen.out.clientHeight < 80) gen.out.scrollTop = gen.out.scrollHeight;
    gen.rate.textContent = `${chars(p.chars)} · ${perSecond(p.chars / Math.max(p.seconds, 1e-3))}`;
  });
  gen.job = job;
  try {
    const r = await job.promise;
    const rate = perSecond(r.chars / Math.max(r.seconds, 1e-3));
    const took = r.seconds < 1 ? `${Math.max(1, Math.round(r.seconds * 1000))} ms` : `${r.seconds.toFixed(2)} s`;
    gen.rate.textContent = r.aborted ? t('Stopped after {chars} · {rate}', { chars: chars(r.chars), rate })
      : t('{chars} in {took} · {rate}', { chars: chars(r.chars), took, rate });
    gen.out.dataset.state = r.aborted ? 'stopped' : 'done';
  } catch (e) {
    showMsg(gen.msg, e.message, 'error');
    gen.out.dataset.state = 'error';
  } finally {
    gen.job = null;
    gen.out.classList.remove('running');
    gen.start.disabled = !gen.current;
    setDisabled(gen.stop, true, gen.start);
  }
}

const stop = () => gen.job && engine.control('cancel', gen.job.id);

gen.start.addEventListener('click', start);
gen.stop.addEventListener('click', stop);
gen.prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); start(); }
});
// Escape anywhere in the panel stops a running generation, as the Stop button does.
$('panel-generate').addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && gen.job) { e.preventDefault(); stop(); }
});
$('gen-random').addEventListener('click', () => { $('gen-seed').value = String(Math.floor(Math.random() * 1e6)); });

/** Fills the model list from the catalogue the first time the panel is shown. */
export async function show(first) {
  if (!first) return;
  const catalog = await catalogReady;
  const lms = catalog.filter((m) => m.task === 'lm');
  for (const [name, known] of Object.entries(KNOWN_LMS)) {
    const entry = lms.find((m) => m.name === name);
    if (entry) addModel(name, known.title, { slot: name, entry, prompt: known.prompt, lang: known.lang });
    else addModel(name, t('{title}: not available in this build', { title: known.title }), {}, true);
  }
  for (const entry of lms.filter((m) => !KNOWN_LMS[m.name])) {
    addModel(entry.name, `${entry.name} (${CELL_NAMES[entry.cell] ?? entry.cell})`, { slot: entry.name, entry, prompt: '' });
  }
  const firstAvailable = [...gen.select.options].find((o) => !o.disabled);
  if (firstAvailable) {
    await selectModel(firstAvailable.value);
  } else {
    gen.select.prepend(addModel('', t('No model loaded yet'), {}, true));
    gen.select.value = '';
    showMsg(gen.msg, t('No language model is bundled with this build (models/en-fortunes-lstm and models/zh-poetry-lstm are not trained yet). Open a .safetensors file above, or train one under “Train your own” and press “Use in Generate”.'));
  }
}
