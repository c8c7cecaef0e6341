// recur-rnn/worker: the API of recur-rnn, run in a module Worker, every call a Promise.
import type {
  Classification, CreateModelConfig, Evaluation, FitOptions, FitResult, GenerateManyOptions, GenerateOptions, HiddenState,
  LoadModelOptions, ModelConfig, NotAString, Precision, Prediction, PredictAsyncOptions, Saliency, SaliencyOptions, StreamOptions, TaggedChar, Task, Trace,
  TrainerOptions, TrainingDataFor,
} from './recur.js';

export { RecurError } from './recur.js';

/** A model that lives in the worker. config, vocab and labels are copies kept on this side. */
export class RemoteModel<T extends Task = Task> {
  private constructor();
  readonly config: ModelConfig & { task: T };
  readonly vocab: string[];
  readonly labels: string[];
  readonly parameterCount: number;
  readonly precision: Precision;
  is<K extends Task>(task: K): this is RemoteModel<K>;
  predict(text: string): Promise<Prediction>;
  /** Progress is reported on this side; `options.signal` stops the worker's run. */
  predictAsync(text: string, options?: PredictAsyncOptions): Promise<Prediction>;
  evaluate(data: TrainingDataFor<T>): Promise<Evaluation>;
  trace(text: string): Promise<Trace>;
  saliency(text: string, options?: SaliencyOptions): Promise<Saliency>;
  tag(this: RemoteModel<'tagger'>, text: string): Promise<TaggedChar[]>;
  tag(this: RemoteModel<'tagger'>, texts: string[]): Promise<TaggedChar[][]>;
  classify(this: RemoteModel<'classifier'>, text: string): Promise<Classification>;
  classify(this: RemoteModel<'classifier'>, texts: string[]): Promise<Classification[]>;
  generate(this: RemoteModel<'lm'>, options: GenerateManyOptions & NotAString): Promise<string[]>;
  generate(this: RemoteModel<'lm'>, options?: GenerateOptions & NotAString): Promise<string>;
  /**
   * The text of stream(), in pieces of what the worker made in about 8 ms (one message each, so
   * `chunk` sets only the worker's own steps); `break` or `options.signal` stops the worker's stream.
   */
  stream(this: RemoteModel<'lm'>, options?: StreamOptions & NotAString): AsyncGenerator<string, void, undefined>;
  feed(text: string): Promise<Float32Array>;
  reset(): Promise<void>;
  hidden(layer?: number): Promise<HiddenState>;
  save(): Promise<Uint8Array>;
  trainer(options?: TrainerOptions): Promise<RemoteTrainer<T>>;
  /** Frees the model (and its trainers) in the worker. */
  dispose(): Promise<void>;
  /** dispose(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

export class RemoteTrainer<T extends Task = Task> {
  private constructor();
  step(data?: TrainingDataFor<T>): Promise<number>;
  /** onProgress and onEpochEnd are called on this side; options.signal stops the worker's training. */
  fit(data: TrainingDataFor<T>, options?: FitOptions<T>): Promise<FitResult>;
  dispose(): Promise<void>;
  /** dispose(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

export class RecurWorker {
  private constructor();
  readonly simdArch: string;
  readonly precisions: readonly Precision[];
  /** The threads the engine in the worker uses. */
  readonly threads: number;
  loadModel(bytes: Uint8Array | ArrayBuffer, options?: LoadModelOptions): Promise<RemoteModel>;
  fetchModel(url: string | URL, options?: LoadModelOptions): Promise<RemoteModel>;
  createModel<T extends Task = 'lm'>(config: CreateModelConfig<T>): Promise<RemoteModel<T>>;
  /** Stops the worker; every object in it is gone. */
  terminate(): void;
  /** terminate(), for `using`. */
  [Symbol.dispose](): void;
}

export interface RecurWorkerOptions {
  /** Where worker-host.js is. Default: next to worker.js. */
  workerUrl?: string | URL;
  /** Where recur-core.wasm is, if not next to recur.js (the threaded module: in mt/ beside it). */
  wasmUrl?: string | URL;
  /** As loadRecur()'s: more than 1 where the page is cross-origin isolated. */
  threads?: number;
}

/**
 * Starts the engine in a module Worker. Calls made before it has loaded wait for it. Rejects with
 * a RecurError (code `wasm_load`) if the engine cannot be loaded.
 */
export function loadRecurWorker(options?: RecurWorkerOptions): Promise<RecurWorker>;
