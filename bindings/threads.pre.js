// The threaded module's threads: as many as loadRecur({ threads }) asks for, at most the CPUs,
// the caller's and a pool of Web Workers started with the module (a thread cannot wait for a
// worker to load). Names in quotes: Closure Compiler renames what it does not know.
var recurInNode = typeof process == 'object' && process.versions && process.versions.node;  // set before the glue's own test
var recurWorkers = Math.min(Module['recurThreads'] || 1,
  typeof navigator == 'object' && navigator['hardwareConcurrency'] || require('os')['availableParallelism']()) - 1;
// Node: the .wasm beside this file (the glue would fetch() a path); a pthread worker is given the
// compiled module instead.
if (recurInNode && !Module['wasmBinary'] && !Module['wasmModule']) {
  Module['wasmBinary'] = require('fs')['readFileSync'](require('path')['join'](__dirname, 'recur-core-mt.wasm'));
}
// The threads start once the engine is ready. If one cannot, the engine keeps one thread, which
// threads() reports. In Node the workers would keep the process alive after the program ends:
// unref() them.
Module['onRuntimeInitialized'] = function() {
  if (!Module['setThreads'](recurWorkers + 1) && recurInNode) {
    PThread.unusedWorkers.concat(PThread.runningWorkers).forEach(function(w) { w['unref'](); });
  }
};
