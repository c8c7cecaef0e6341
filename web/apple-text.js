// Text helpers for the apple demo, shared by the page, its worker and Node scripts (no DOM, no
// engine): finding the mentions of apple / 苹果 and the ends of words in a text, the company
// share of a decision, and a small seeded random generator.
//
// Positions are code-point indices: model.predict(text) returns one row per code point.

// "apple", "apples", "Apple's", "apples'" (any case) as a whole word, or 苹果 (蘋果 in traditional characters).
const MENTION = /(?<![\p{L}\p{N}])apple(?:['’]s|s['’]?)?(?![\p{L}\p{N}])|[苹蘋]果/giu;

/** Code-point index of every UTF-16 index of text (length text.length + 1). */
function codePointIndex(text) {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { map[i + 1] = cp; i++; }
    cp++;
  }
  map[text.length] = cp;
  return map;
}

/**
 * The mentions in text: [{word, start, end}] with code-point positions; `end` is the index of
 * the mention's last character, where the tagger's decision is read.
 */
export function findMentions(text) {
  const cp = codePointIndex(text);
  const out = [];
  for (const m of text.matchAll(MENTION)) {
    out.push({ word: m[0], start: cp[m.index], end: cp[m.index + m[0].length - 1] });
  }
  return out;
}

const wordy = (c) => c !== undefined && /[\p{L}\p{N}]/u.test(c) && !/\p{Script=Han}/u.test(c);

/**
 * The words of chars (code points) outside the mentions, as [{at, word}]: `at` is the word's last
 * character. A run of letters or digits is a word; so is every Chinese character.
 */
export function wordEnds(chars, mentions) {
  const out = [];
  chars.forEach((c, i) => {
    const han = /\p{Script=Han}/u.test(c);
    if (!(han || (wordy(c) && !wordy(chars[i + 1])))) return;
    if (mentions.some((m) => i >= m.start && i <= m.end)) return;
    let s = i;
    while (!han && wordy(chars[s - 1])) s--;
    out.push({ at: i, word: chars.slice(s, i + 1).join('') });
  });
  return out;
}

/** P(company) / (P(fruit) + P(company)): 0.5 when neither sense has any probability. */
export const companyShare = (fruit, company) => (fruit + company > 0 ? company / (fruit + company) : 0.5);

/** A small seeded generator (mulberry32): the same seed gives the same numbers everywhere. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
