// A thread's worker that fails before it has loaded (its script missing or not a script, the
// module's import failing) would leave the module waiting for it forever: reject instead.
var recurLoadWorker = PThread.loadWasmModuleToWorker;
PThread.loadWasmModuleToWorker = function(worker, onFinishedLoading) {
  recurLoadWorker(worker, onFinishedLoading);
  var onerror = worker.onerror;
  worker.onerror = function(e) {
    if (worker.loaded) return onerror(e);
    readyPromiseReject(new Error("a thread's worker could not start: " + (e && e.message || 'its script did not load')));
  };
};
