// Shared fixtures of the browser tests (not a test file): starts web/server.mjs on a free
// 127.0.0.1 port, launches Debian's /usr/bin/chromium through playwright-core (fresh profile, no
// sandbox, no GPU, no background networking), and records every request and console message of the page.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.join(here, '..', '..');
export const webRoot = path.join(repo, 'web');
/** Screenshots and downloads: build/e2e/ (never the source tree). */
export const outDir = path.join(repo, 'build', 'e2e');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null. */
export function missingPrerequisite() {
  if (!existsSync(chromiumPath)) return `${chromiumPath} not found (apt-get install chromium)`;
  if (!existsSync(path.join(here, 'node_modules', 'playwright-core'))) return 'playwright-core is not installed (cd tests/e2e && npm install)';
  if (!existsSync(path.join(webRoot, 'lib', 'recur-core.wasm'))) return 'web/lib/recur-core.wasm is missing (make build)';
  return null;
}

/** Starts web/server.mjs on a free port, serving root (default web/); resolves {url, stop()}. */
export async function startServer({ models = process.env.RECUR_E2E_MODELS, extra = [], root = webRoot } = {}) {
  const args = [path.join(webRoot, 'server.mjs'), root, '0', '--quiet', ...extra];
  if (models) args.push('--models', path.resolve(repo, models));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${err}`)); });
  });
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/**
 * Launches Chromium (fresh profile) and opens one page that records requests, console messages
 * and page errors. Returns {context, page, requests, consoleErrors, close()}.
 */
export async function launch({ viewport = { width: 1200, height: 900 } } = {}) {
  const require = createRequire(path.join(here, 'package.json'));
  const { chromium } = require('playwright-core');
  const profile = mkdtempSync(path.join(tmpdir(), 'recur-e2e-profile-'));
  mkdirSync(outDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, viewport, acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] || await context.newPage();
  const requests = [];
  const consoleErrors = [];
  const consoleAll = [];
  context.on('request', (r) => requests.push(r.url()));  // also the workers' requests
  page.on('console', (m) => {
    consoleAll.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`); }));
  return {
    context, page, requests, consoleErrors, consoleAll,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/** Requests to anything but http://127.0.0.1 (data: and blob: URLs of the page itself are fine). */
export function foreignRequests(requests) {
  return requests.filter((u) => !/^http:\/\/127\.0\.0\.1:\d+\//.test(u) && !/^(blob|data):/.test(u));
}
