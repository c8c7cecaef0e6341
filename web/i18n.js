// The page's two interface languages. English is written in index.html and in the code; the
// catalogue i18n/zh.js maps each English string to its Chinese. t() translates a string of the
// code, translatePage() the HTML. The language comes from ?lang=, then the visitor's last choice,
// then the browser's language.
const STORE = 'recur-lang';
const LANGS = ['en', 'zh'];

function chosen() {
  const asked = new URLSearchParams(location.search).get('lang');
  try {
    if (LANGS.includes(asked)) localStorage.setItem(STORE, asked);
    const kept = localStorage.getItem(STORE);
    if (LANGS.includes(kept)) return kept;
  } catch { /* storage may be off: fall through */ }
  if (LANGS.includes(asked)) return asked;
  return /^zh\b/i.test(navigator.language || '') ? 'zh' : 'en';
}

/** 'en' or 'zh'. */
export const lang = chosen();

// The catalogue is fetched only for a Chinese page.
const ZH = lang === 'zh' ? (await import('./i18n/zh.js')).default : {};

/** English strings that had no Chinese when asked for (the e2e suite checks this stays empty). */
export const missing = new Set();

const norm = (s) => s.replace(/\s+/g, ' ').trim();

function lookup(en) {
  if (lang !== 'zh') return en;
  const zh = ZH[en];
  if (zh === undefined) missing.add(en);
  return zh ?? en;
}

/** The string in the page's language; {name} takes vars.name. */
export function t(en, vars) {
  const s = lookup(en);
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

/** n with its noun: plural(n, '{n} model', '{n} models') → "1 model" or "3,000 models" (Chinese has one form). */
export const plural = (n, one, many) => t(n === 1 ? one : many, { n: n.toLocaleString('en-US') });

// What is translated as one unit: an element holding text mixed with inline marks only (a
// sentence with <em> or <code> in it), because word order differs between the languages.
// Elements with an id or a control inside are never replaced (the code holds them); their text
// nodes are translated one by one.
const INLINE = new Set(['EM', 'STRONG', 'CODE', 'SUB', 'SUP', 'B', 'I', 'SPAN', 'ABBR', 'KBD', 'BR', 'A', 'MARK', 'Q']);
const SKIP = new Set(['SCRIPT', 'STYLE', 'TEXTAREA', 'CODE', 'KBD', 'SVG', 'CANVAS', 'NOSCRIPT']);
const ATTRS = ['aria-label', 'title', 'placeholder', 'alt'];
const hasLatin = (s) => /[A-Za-z]/.test(s);
const isZh = (e) => /^zh/i.test(e.getAttribute('lang') || '');

function isUnit(e) {
  let text = false;
  for (const n of e.childNodes) if (n.nodeType === 3 && n.data.trim()) text = true;
  if (!text || !e.children.length) return false;
  for (const d of e.querySelectorAll('*')) if (!INLINE.has(d.tagName) || d.id) return false;
  return true;
}

function visitAttrs(e, visit) {
  for (const a of ATTRS) {
    const v = e.getAttribute(a);
    if (v && hasLatin(v)) visit(norm(v), (zh) => e.setAttribute(a, zh));
  }
}

/** Calls visit(key, apply) for every translatable piece under root; apply(zh) puts the translation in. */
function walk(root, visit) {
  for (const n of [...root.childNodes]) {
    if (n.nodeType === 3) {
      const key = norm(n.data);
      if (key && hasLatin(key)) visit(key, (zh) => { n.data = n.data.replace(/\S[\s\S]*\S|\S/, () => zh); });
    } else if (n.nodeType === 1 && n.getAttribute('translate') !== 'no' && !isZh(n)) {
      visitAttrs(n, visit);
      if (SKIP.has(n.tagName)) continue;
      if (isUnit(n)) visit(norm(n.innerHTML), (zh) => { n.innerHTML = zh; });  // the key holds the marks' attributes too
      else walk(n, visit);
    }
  }
}

/** Every English string of a document (index.html as written), as the catalogue is keyed. */
export function pageStrings(doc) {
  const keys = new Set([norm(doc.title)]);
  const desc = doc.querySelector('meta[name="description"]');
  if (desc) keys.add(norm(desc.content));
  walk(doc.body, (k) => keys.add(k));
  return [...keys];
}

/** Puts the page into its language (once, as this module loads: before the panels read it). */
function translatePage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
  for (const a of document.querySelectorAll('[data-lang]')) {
    if (a.dataset.lang === lang) a.setAttribute('aria-current', 'true');
    a.addEventListener('click', (e) => {
      e.preventDefault();
      try { localStorage.setItem(STORE, a.dataset.lang); } catch { /* the link's ?lang= still says it */ }
      location.search = `?lang=${a.dataset.lang}`;
    });
  }
  if (lang !== 'zh') return;
  document.title = lookup(norm(document.title));
  const desc = document.querySelector('meta[name="description"]');
  if (desc) desc.content = lookup(norm(desc.content));
  walk(document.body, (key, apply) => apply(lookup(key)));
}

if (typeof document !== 'undefined') translatePage();
