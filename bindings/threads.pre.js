// The threaded module's set-up, before the glue's own. Names in quotes: Closure Compiler renames
// what it does not know. Also run by each thread's worker, where loadRecur's options are absent.

// As many threads as loadRecur({ threads }) asks for, at most the CPUs and kernels/parallel.h's
// kMaxThreads: the caller's and a pool of workers started with the module (a thread cannot wait
// for a worker to load).
var recurInNode = typeof process == 'object' && process.versions && process.versions.node;
var recurCpus = typeof navigator == 'object' && navigator['hardwareConcurrency'] ||
  require('os')['availableParallelism']();
var recurWorkers = Math.min(Module['recurThreads'] || 1, 64, recurCpus) - 1;

// loadRecur's locateFile says where recur-core.wasm is: this module's files are in mt/ beside it
// (worker_threads takes its script as a URL object, the glue its .wasm as a string). A wasmBinary
// or instantiateWasm given to loadRecur is recur-core.wasm's; in Node the glue would fetch() a
// path, so the .wasm is read here.
var recurWasm = Module['locateFile'] && Module['locateFile']('recur-core.wasm', '');
if (recurWasm) {
  Module['locateFile'] = function(file) {
    var url = new URL('mt/' + file, recurWasm);
    return /\.js$/.test(file) ? url : url.href;
  };
  delete Module['instantiateWasm'];
  Module['wasmBinary'] = recurInNode ? require('fs')['readFileSync'](new URL('mt/recur-core-mt.wasm', recurWasm))
                                     : undefined;
}

// The threads start once the engine is ready (the pool has a worker for each, so setThreads cannot
// run out); threads() reports how many run. In Node the workers would keep the process alive
// after the program ends: unref() them.
Module['onRuntimeInitialized'] = function() {
  Module['setThreads'](recurWorkers + 1);
  if (recurInNode) PThread.unusedWorkers.concat(PThread.runningWorkers).forEach(function(w) { w['unref'](); });
};
