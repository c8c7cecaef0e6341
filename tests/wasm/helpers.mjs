// Shared fixtures for the tests/wasm/*.test.mjs files: the native CLI, temp dirs, training texts
// and comparison helpers. Not a test file itself (node --test only runs *.test.mjs here).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadRecur } from '../../web/lib/recur.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** tests/ (ctest sets RECUR_TEST_DATA to it). */
export const testData = process.env.RECUR_TEST_DATA || path.join(here, '..');
/** The native recur binary (ctest sets RECUR_CLI). */
export const cliPath = process.env.RECUR_CLI || path.join(here, '..', '..', 'build', 'recur');

export function requireCli() {
  if (!existsSync(cliPath)) throw new Error(`native CLI not found at ${cliPath}: build it or set RECUR_CLI`);
}

/** Runs `recur ...args`; returns stdout as a UTF-8 string. Throws with stderr on a non-zero exit. */
export function cli(...args) {
  try {
    return execFileSync(cliPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`recur ${args.join(' ')} failed (${e.status}): ${e.stderr}`);
  }
}

/** A fresh temp dir and a function that removes it. */
export function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'recur-wasm-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Small deterministic corpora: repeated so 60 steps of --seq 16 --batch 4 learn something.
export const englishText =
  'the quick brown fox jumps over the lazy dog. a cat sat on the mat and the dog ran to the park.\n'.repeat(6);
export const chineseText =
  '春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。床前明月光，疑是地上霜。举头望明月，低头思故乡。\n'.repeat(6);

/** Trains a tiny lm with the native CLI (the brief's fixed recipe) and returns its file path. */
export function trainNative(dir, name, text, extra = []) {
  const data = path.join(dir, `${name}.txt`);
  const out = path.join(dir, `${name}.safetensors`);
  writeFileSync(data, text);
  cli('train', '--data', data, '--out', out, '--hidden', '16', '--layers', '2', '--embed', '8', '--seq', '16',
    '--batch', '4', '--steps', '60', '--seed', '1', '--quiet', ...extra);
  return out;
}

let shared = null;
/** One engine instance per test file. */
export function recurInstance() {
  shared ??= loadRecur();
  return shared;
}

/**
 * The .safetensors bytes of an lm whose next-symbol logits are `bias` whatever it reads: every
 * parameter is 0 but head.bias (an LSTM with zero weights keeps h = 0), so the distribution to
 * sample from is softmax(bias), known here without the engine.
 */
export function biasLmBytes(recur, vocab, bias) {
  const m = recur.createModel({ vocab, hiddenSize: 4, embeddingDim: 2, seed: 1 });
  const bytes = m.save();
  m.dispose();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const t = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))['head.bias'];
  if (t?.dtype !== 'F32' || t.shape[0] !== bias.length) throw new Error(`unexpected head.bias ${JSON.stringify(t)}`);
  bytes.fill(0, 8 + n);  // every float32 parameter 0.0
  bias.forEach((b, i) => view.setFloat32(8 + n + t.data_offsets[0] + 4 * i, b, true));
  return bytes;
}

/** The JSON header of a .safetensors file's bytes (a Uint8Array), and its length in bytes. */
export function safetensorsHeader(bytes) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), n };
}

/** softmax(bias) over the ids in `kept`, 0 elsewhere. */
export function softmaxOver(bias, kept) {
  const p = bias.map(() => 0);
  let z = 0;
  for (const i of kept) z += p[i] = Math.exp(bias[i]);
  return p.map((x) => x / z);
}

/** max |a[i] - b[i]|; Infinity when the lengths differ or a value is NaN on one side only. */
export function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    if (d > m) m = d;
  }
  return m;
}

/** Number of code points (not UTF-16 units) of s. */
export const codePoints = (s) => Array.from(s).length;

export const readBytes = (p) => new Uint8Array(readFileSync(p));

export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const sum = (xs) => xs.reduce((s, x) => s + x, 0);
export const mean = (xs) => sum(xs) / xs.length;
