// The threaded module runs in Node too (its workers are worker_threads there), where Emscripten's
// glue needs require and __dirname. A no-op in browsers; the names are imported so that bundlers
// leave them alone.
var require, __dirname;
if (typeof process == 'object' && process.versions && process.versions.node) {
  const { createRequire } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:module');
  const { fileURLToPath } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:url');
  require = createRequire(import.meta.url);
  __dirname = fileURLToPath(new URL('.', import.meta.url));
}
