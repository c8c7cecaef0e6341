// Prepended outside the optimiser (--extern-pre-js): gives Emscripten's Node code path the
// `require` and `__dirname` an ES module lacks. A no-op in browsers and workers.
var require, __dirname;
if (typeof process === 'object' && process.versions && process.versions.node) {
  const { createRequire } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  require = createRequire(import.meta.url);
  __dirname = fileURLToPath(new URL('.', import.meta.url));
}
