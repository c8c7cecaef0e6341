// DOM and formatting helpers shared by the panels: element lookup and creation, status
// messages, table cells, number formats, and moving focus off a button that gets disabled.

export const $ = (id) => document.getElementById(id);

/** A new element with properties (`dataset` merged, not replaced) and children appended. */
export function el(tag, props = {}, ...children) {
  const { dataset, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
}

/** Shows text in a .msg box (kind: info, ok, error); empty text hides it. */
export function showMsg(box, text, kind = 'info') {
  box.hidden = !text;
  box.textContent = text || '';
  box.className = `msg${kind === 'info' ? '' : ` ${kind}`}`;
}

/**
 * Enables or disables a button. A disabled button loses focus to <body>, which sends a keyboard
 * user back to the top of the page; when `button` has focus, focus moves to `next` instead
 * (enable `next` first).
 */
export function setDisabled(button, disabled, next = null) {
  const hadFocus = disabled && document.activeElement === button;
  button.disabled = disabled;
  if (hadFocus && next && !next.disabled) next.focus();
}

/** Appends a row-header cell (<th scope="row">) to a table row. */
export function rowHeader(row, text) {
  row.append(el('th', { scope: 'row', textContent: text }));
}

/** Appends one cell spanning `span` columns that says why the row has no numbers. */
export function naCell(row, span, text) {
  const td = row.insertCell();
  td.className = 'na';
  td.colSpan = span;
  td.textContent = text;
}

/**
 * text as nodes for an English page, each run of Chinese in a <span lang="zh"> so that it is
 * read and drawn as Chinese; on a Chinese page, the text alone.
 */
export function markZh(text) {
  if (document.documentElement.lang.startsWith('zh')) return [text];
  return text.split(/(\p{Script=Han}[\p{Script=Han}，。？！、；：]*)/u).filter(Boolean)
    .map((s) => (/\p{Script=Han}/u.test(s) ? el('span', { lang: 'zh', textContent: s }) : s));
}

/** Sets an element's content language, or lets it inherit the page's (lang = ''). */
export function setLang(node, lang) {
  if (lang) node.lang = lang; else node.removeAttribute('lang');
}

/** A character as the page shows it alone: a space as ␣, a line break as ↵. */
export const showChar = (c) => (c === ' ' ? '␣' : c === '\n' ? '↵' : c);

export const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
export const fmtBytes = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`);
export const pct = (p) => `${Math.round(p * 100)}%`;
export function fmtSecs(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
