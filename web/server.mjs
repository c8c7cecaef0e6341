#!/usr/bin/env node
// A small static file server for the demo site, for this computer only (it binds 127.0.0.1).
//
//   node web/server.mjs [root] [port] [--coi] [--csp] [--models DIR] [--quiet]
//
// root     the directory to serve (default: the directory of this file, web/)
// port     default 8080; 0 picks a free port. The URL is printed once the server listens.
// --coi    adds Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy (cross-origin
//          isolation, needed only by a threaded wasm build)
// --models serves URL /models/... from DIR instead of <root>/models (tests use stand-in models)
// --csp    also sends the page's Content-Security-Policy as a header on every response, so that it
//          covers the Web Worker too (a <meta> policy governs only the page). Needs a wasm build
//          linked with -sDYNAMIC_EXECUTION=0: embind's default glue calls new Function().
//
// It sends correct MIME types (.mjs/.js as text/javascript, .wasm as application/wasm), gzip to a
// browser that accepts it (as static hosts do: the page, the wasm and the models download faster),
// refuses paths outside the root (404), answers GET and HEAD only, and never lists directories.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The same policy as the <meta> tag of index.html.
export const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
  + "img-src 'self' blob:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

// Compressed bodies by file, kept while the file's size and time are the same.
const gzipped = new Map();
async function gzipOf(file, st) {
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = gzipped.get(file);
  if (hit?.key === key) return hit.body;
  const body = await promisify(gzip)(await readFile(file));
  gzipped.set(file, { key, body });
  return body;
}

function parseArgs(argv) {
  const opts = { root: path.dirname(fileURLToPath(import.meta.url)), port: 8080, coi: false, csp: false, models: null, quiet: false };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--coi') opts.coi = true;
    else if (a === '--csp') opts.csp = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--models') opts.models = argv[++i];
    else if (a === '-h' || a === '--help') {
      console.log('usage: node web/server.mjs [root] [port] [--coi] [--csp] [--models DIR] [--quiet]');
      process.exit(0);
    } else if (a.startsWith('-')) {
      console.error(`server.mjs: unknown option ${a}`);
      process.exit(2);
    } else positional.push(a);
  }
  if (positional[0] !== undefined) opts.root = positional[0];
  if (positional[1] !== undefined) opts.port = Number(positional[1]);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error(`server.mjs: bad port ${positional[1]}`);
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const root = await realpath(path.resolve(opts.root)).catch(() => {
  console.error(`server.mjs: cannot serve ${opts.root}: no such directory`);
  process.exit(2);
});
const modelsRoot = opts.models ? await realpath(path.resolve(opts.models)).catch(() => {
  console.error(`server.mjs: --models ${opts.models}: no such directory`);
  process.exit(2);
}) : null;

const inside = (dir, file) => file === dir || file.startsWith(dir + path.sep);

// The file for a URL path, or null (outside the root, bad encoding, NUL byte...).
async function resolveFile(urlPath) {
  let p;
  try { p = decodeURIComponent(urlPath); } catch { return null; }
  if (p.includes('\0') || p.includes('\\')) return null;
  let base = root;
  if (modelsRoot && (p === '/models' || p.startsWith('/models/'))) {
    base = modelsRoot;
    p = p.slice('/models'.length) || '/';
  }
  const file = path.resolve(base, '.' + path.posix.normalize('/' + p));
  if (!inside(base, file)) return null;
  let real;
  try { real = await realpath(file); } catch { return null; }
  if (!inside(base, real)) return null;  // a symbolic link pointing out of the root
  return { file: real, dirRequest: p.endsWith('/') };
}

function send(res, status, text, extra = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  let url;
  try { url = new URL(req.url, 'http://127.0.0.1'); } catch { return send(res, 400, 'bad request\n'); }
  const found = await resolveFile(url.pathname);
  if (!found) return send(res, 404, 'not found\n');
  let { file } = found;
  let st = await stat(file).catch(() => null);
  if (st?.isDirectory()) {
    if (!found.dirRequest) return send(res, 301, 'moved\n', { Location: url.pathname + '/' + url.search });
    file = path.join(file, 'index.html');
    st = await stat(file).catch(() => null);
  }
  if (!st?.isFile()) return send(res, 404, 'not found\n');
  const headers = {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
    'Content-Length': st.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  if (opts.csp) headers['Content-Security-Policy'] = CSP;
  if (opts.coi) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  headers.Vary = 'Accept-Encoding';
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && !/^image\/(png|x-icon)/.test(headers['Content-Type'])) {
    const body = await gzipOf(file, st).catch(() => null);
    if (body) {
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      if (!opts.quiet) res.on('finish', () => console.log(`${res.statusCode} ${req.method} ${url.pathname} (gzip)`));
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  if (!opts.quiet) res.on('finish', () => console.log(`${res.statusCode} ${req.method} ${url.pathname}`));
});

server.on('error', (e) => {
  console.error(`server.mjs: ${e.code === 'EADDRINUSE' ? `port ${opts.port} is already in use` : e.message}`);
  process.exit(1);
});
server.listen(opts.port, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`Serving ${root}${modelsRoot ? ` (models from ${modelsRoot})` : ''} on http://127.0.0.1:${port}/${opts.coi ? ' (cross-origin isolated)' : ''}`);
  console.log('Press Ctrl+C to stop.');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { server.close(); process.exit(0); });
