// --pre-js: in Node, read recur-core.wasm from beside the module instead of fetch()ing a file
// path, which Node 20's fetch cannot do. Skipped when the caller passes wasmBinary/wasmModule.
if (typeof process == 'object' && process.versions && process.versions.node &&
    !Module['wasmBinary'] && !Module['wasmModule']) {
  Module['wasmBinary'] = require('fs').readFileSync(require('path').join(__dirname, 'recur-core.wasm'));
}
