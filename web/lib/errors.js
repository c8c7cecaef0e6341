// RecurError, in a module of its own so that the worker client (worker.js) can rebuild errors
// without loading the engine on the page's thread.

/**
 * An error reported by the engine (bad model bytes, bad option, unknown character...). code is
 * stable across versions: 'invalid_argument', 'bad_format' (a model file or data that is not what
 * it claims), 'out_of_range' (too long, too large), 'io', 'diverged' (training), 'wasm_load'.
 */
export class RecurError extends Error {
  constructor(message, code = 'invalid_argument') {
    super(message);
    this.name = 'RecurError';
    this.code = code;
  }
}
