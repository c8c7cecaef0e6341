// The demo page's time to its first generated character on a slow link, in headless Chromium:
// a fresh browser profile (nothing cached), the network throttled through the DevTools protocol,
// Generate pressed as soon as it can be; the time is the page's own 'recur-first-char' mark,
// from navigation; the server gzips what the browser accepts, as static hosts do. Once with the
// page's model files (I8 matrices and F16 vectors, what make demo serves) and once with the F32
// files as shipped, side by side in one run.
//   node bench/first_char.mjs [--mbps 1.6] [--latency 40]   (needs make build and tests/e2e's playwright-core)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, missingPrerequisite, repo, startServer } from '../tests/e2e/harness.mjs';

const why = missingPrerequisite();
if (why) {
  console.error(`first_char: ${why}`);
  process.exit(1);
}
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const mbps = arg('--mbps', 1.6), latency = arg('--latency', 40);

async function firstChar(models) {
  const server = await startServer({ models });
  const browser = await launch();
  try {
    const page = browser.page;
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency, downloadThroughput: (mbps * 1e6) / 8, uploadThroughput: (mbps * 1e6) / 8,
    });
    await page.goto(`${server.url}?lang=en#generate`);
    await page.waitForSelector('#gen-start:not([disabled])', { timeout: 300000 });
    await page.click('#gen-start');
    await page.waitForFunction(() => performance.getEntriesByName('recur-first-char').length > 0, null, { timeout: 300000 });
    return await page.evaluate(() => performance.getEntriesByName('recur-first-char')[0].startTime);
  } finally {
    await browser.close();
    await server.stop();
  }
}

const f32 = mkdtempSync(path.join(tmpdir(), 'recur-f32-'));
try {
  execFileSync(process.execPath, [path.join(repo, 'web', 'prepare-models.mjs'), '--out', path.join(f32, 'models'), '--f32'], { stdio: 'ignore' });
  const rows = [];
  for (const [name, dir] of [['I8 matrices, F16 vectors (make demo)', path.join(repo, 'web', 'models')], ['F32 (as shipped)', path.join(f32, 'models')]]) {
    const ms = await firstChar(dir);
    const size = statSync(path.join(dir, 'en-fortunes-lstm.safetensors')).size;
    rows.push(`| ${name} | ${(size / 1e6).toFixed(2)} MB | ${(ms / 1000).toFixed(1)} s |`);
  }
  console.log(`First generated character, ${mbps} Mbps, ${latency} ms latency, cold cache (en-fortunes-lstm, Generate's default):\n`);
  console.log('| model files | en-fortunes-lstm file | first character after |\n|---|---|---|');
  console.log(rows.join('\n'));
} finally {
  rmSync(f32, { recursive: true, force: true });
}
