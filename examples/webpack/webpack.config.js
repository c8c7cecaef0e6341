// All the configuration this app needs; none of it is for recur-rnn. webpack finds
// recur-core.wasm through the package's new URL('./recur-core.wasm', import.meta.url) and emits
// it with the bundle.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './main.js',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), filename: 'app.js' },
  // The engine's .wasm (304 KiB, 134 KiB gzipped) is over webpack's 244 KiB size hint.
  performance: { hints: false },
};
