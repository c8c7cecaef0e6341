#!/usr/bin/env node
// The Train panel's built-in texts, from Debian packages on this machine (make setup installs
// them): fortune cookies (fortunes-min) and 唐诗三百首 (fortunes-zh). Each '%'-separated entry
// becomes a paragraph; terminal colour codes are removed. Written to <out> (default web/texts/,
// not committed) with index.json listing what exists; a text whose package is missing is left
// out, and the page offers what is listed.
//   node web/prepare-texts.mjs [--out web/texts]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const i = process.argv.indexOf('--out');
const out = path.resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : path.join(here, 'texts'));

const TEXTS = [
  { name: 'fortunes', file: '/usr/share/games/fortunes/fortunes', package: 'fortunes-min', lang: 'en' },
  { name: 'tang300', file: '/usr/share/games/fortunes/tang300', package: 'fortunes-zh', lang: 'zh' },
];

/** A fortune file as plain paragraphs: entries split at '%' lines, colour codes removed. */
function paragraphs(raw) {
  return raw.replace(/\r\n?/g, '\n').replace(/\x1b\[[0-9;]*m/g, '').split(/\n%\n|^%\n|\n%$/m)
    .map((e) => e.trim()).filter(Boolean).join('\n\n') + '\n';
}

await mkdir(out, { recursive: true });
const listed = [];
for (const t of TEXTS) {
  let raw;
  try { raw = await readFile(t.file, 'utf8'); } catch {
    console.log(`prepare-texts: ${t.file} is missing (Debian package ${t.package}); the page will not offer it`);
    continue;
  }
  const text = paragraphs(raw);
  await writeFile(path.join(out, `${t.name}.txt`), text);
  listed.push({ name: t.name, file: `${t.name}.txt`, package: t.package, lang: t.lang, characters: Array.from(text).length });
}
await writeFile(path.join(out, 'index.json'), `${JSON.stringify({ texts: listed }, null, 2)}\n`);
console.log(`prepare-texts: ${listed.map((t) => `${t.name} (${t.characters} characters)`).join(', ') || 'none'} in ${path.relative(process.cwd(), out) || out}`);
