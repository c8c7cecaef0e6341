// One character at a time, in the Generate panel: the model's next-character distribution after
// the text so far, drawn as bars (the most likely at the chosen temperature). Step draws one
// with a generator seeded from Seed, a click on a bar chooses it; the temperature slider
// reshapes the bars at once, with no new call to the model.
import { rng } from '../apple-text.js';
import { t } from '../i18n.js';
import { $, el, setLang, showChar } from '../shared/dom.js';
import { engine } from '../shared/engine.js';
import { currentModel, promptBox, textLang } from './generate.js';

const TOP = 12;
const RARE = new Set(['<unk>', '\uFFFD']);
const st = {
  temp: $('step-temp'), tempOut: $('step-temp-out'), next: $('step-next'), run: $('step-run'), reset: $('step-reset'),
  text: $('step-text'), bars: $('step-bars'), avoid: $('gen-avoid-unk'), seed: $('gen-seed'), model: $('gen-model'),
  say: $('step-say'), prompt: '', added: '', dist: null, draw: null, busy: false, running: false,
};


/** probs at temperature t, renormalised: p^(1/t) (t = 0: all on the most likely); rare symbols out if asked. */
export function atTemperature(probs, symbols, t, avoid) {
  const logw = Array.from(probs, (p, i) => (avoid && RARE.has(symbols[i]) ? -Infinity : Math.log(p)));
  const top = Math.max(...logw);
  const w = logw.map((l) => (t > 0 ? Math.exp((l - top) / t) : l === top ? 1 : 0));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

function render() {
  st.tempOut.textContent = Number(st.temp.value).toFixed(2);
  st.text.replaceChildren(el('span', { className: 'prompt', textContent: st.prompt }), el('span', { className: 'gen', textContent: st.added }));
  setLang(st.text, textLang(st.prompt));
  setLang(st.bars, textLang(st.prompt));
  st.bars.textContent = '';
  if (!st.dist) return;
  const p = atTemperature(st.dist.probs, st.dist.symbols, Number(st.temp.value), st.avoid.checked);
  const order = [...p.keys()].filter((i) => p[i] > 0).sort((a, b) => p[b] - p[a]).slice(0, TOP);
  for (const i of order) {
    const sym = st.dist.symbols[i];
    const bar = el('span', { className: 'bar' });
    bar.style.width = `${(100 * p[i]).toFixed(1)}%`;
    // The name a screen reader gives the button is its visible text (WCAG's label in name), with
    // the words for the two symbols that show as ␣ and ↵.
    const spoken = { ' ': ` ${t('space')}`, '\n': ` ${t('new line')}` }[sym];
    const b = el('button', { type: 'button', className: 'bar-btn', dataset: { symbol: sym, p: String(p[i]) } },
      el('span', { className: 'sym', textContent: showChar(sym) }, ...(spoken ? [el('span', { className: 'visually-hidden', textContent: spoken })] : [])),
      ' ', bar, el('span', { className: 'pct', textContent: `${(100 * p[i]).toFixed(1)}%` }));
    b.addEventListener('click', () => choose(sym));
    st.bars.append(el('li', {}, b));
  }
  st.bars.dataset.text = st.prompt + st.added;
}

async function fetchDist() {
  const m = currentModel();
  if (!m) return;
  st.dist = await engine.request('next', { slot: m.slot, text: st.prompt + st.added }).promise;
}

async function choose(sym) {
  if (st.busy || !st.dist) return;
  st.busy = true;
  // The bars are rebuilt: a keyboard user who chose one keeps the focus on the new first bar.
  const hadFocus = st.bars.contains(document.activeElement);
  try {
    st.added += sym === '<unk>' ? '\uFFFD' : sym;
    await fetchDist();
    render();
    st.say.textContent = sym === ' ' ? t('Added a space.') : sym === '\n' ? t('Added a new line.') : t('Added {char}.', { char: sym });
    if (hadFocus) st.bars.querySelector('button')?.focus();
  } finally {
    st.busy = false;
  }
}

// One draw from the bars as they are now.
function drawOne() {
  const p = atTemperature(st.dist.probs, st.dist.symbols, Number(st.temp.value), st.avoid.checked);
  let u = st.draw(), i = 0;
  while (i < p.length - 1 && (u -= p[i]) >= 0) i++;
  while (p[i] === 0) i--;  // rounding past the end lands on the last symbol with any weight
  return st.dist.symbols[i];
}

async function reset() {
  st.running = false;
  st.prompt = promptBox.value;
  st.added = '';
  st.draw = rng(Number(st.seed.value) >>> 0);
  st.dist = null;
  const ready = !!currentModel();
  for (const b of [st.next, st.run, st.reset]) b.disabled = !ready;
  if (ready) await fetchDist();
  render();
}

st.temp.addEventListener('input', render);
st.avoid.addEventListener('change', render);
st.next.addEventListener('click', () => st.dist && choose(drawOne()));
// 20 steps, slowly enough to watch the bars change; pressing it again stops them.
st.run.addEventListener('click', async () => {
  if (st.running) { st.running = false; return; }
  st.running = true;
  st.run.textContent = t('Stop');
  try {
    for (let k = 0; k < 20 && st.dist && st.running; k++) {
      await choose(drawOne());
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
  } finally {
    st.running = false;
    st.run.textContent = t('20 steps, slowly');
  }
});
st.reset.addEventListener('click', reset);
st.model.addEventListener('modelready', reset);
