// The demo page: UI only, wiring the panels together. All compute happens in module Workers
// (worker.js) that own the WebAssembly engine: shared/engine.js sends them requests and each
// module under panels/ draws the answers for its panel.
import { t } from './i18n.js';  // first: it puts the page into its language before the panels read it
import { $ } from './shared/dom.js';
import { showEngineError } from './shared/engine.js';
import * as generate from './panels/generate.js';
import * as train from './panels/train.js';
import * as apple from './panels/apple.js';
import * as memory from './panels/memory.js';
import * as classify from './panels/classify.js';
import './panels/step.js';
import './panels/temps.js';

// Hash navigation: #generate, #train, #apple, #memory, #classify. show(first) runs each time a panel is
// shown, with first = true the first time.
const PANELS = { generate, train, apple, memory, classify };
const shown = new Set();

function route(focus) {
  const hash = location.hash.slice(1);
  const name = Object.hasOwn(PANELS, hash) ? hash : 'generate';
  for (const p of Object.keys(PANELS)) $(`panel-${p}`).hidden = p !== name;
  for (const a of document.querySelectorAll('.tabs a')) {
    if (a.dataset.panel === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (focus) {
    const h = $(`h-${name}`);
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
  }
  const first = !shown.has(name);
  shown.add(name);
  PANELS[name].show(first);
}
window.addEventListener('hashchange', () => route(true));

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    train.queueChart();
    memory.drawCharts();
    if (shown.has('apple')) apple.resize();
    if (shown.has('classify')) classify.resize();
  }, 150);
});

window.addEventListener('unhandledrejection', (e) => {
  showEngineError(t('Unexpected error: {error}', { error: e.reason?.message ?? e.reason }));
});

route(false);
