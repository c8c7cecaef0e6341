// TypeScript declarations for recur.js, the JavaScript API of the recur engine (WebAssembly).
// Written by hand: Emscripten 3.1.6 cannot emit them (toolchain notes §2).

/** What a model predicts: the next symbol (`lm`), a label per character (`tagger`) or one label per text (`classifier`). */
export type Task = 'lm' | 'tagger' | 'classifier';

/**
 * The layer kind, with PyTorch's equations and weight layout: a recurrent cell (nn.LSTM, nn.GRU,
 * nn.RNN) or a Transformer encoder (nn.TransformerEncoderLayer).
 */
export type Cell = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu' | 'transformer';

/** A Transformer's own settings (its hiddenSize is d_model, and its embeddingDim equals it). */
export interface TransformerConfig {
  /** Attention heads, a divisor of hiddenSize. Default 4. */
  numHeads: number;
  /** Width of the feed-forward layer. Default 4 x hiddenSize. */
  ffSize: number;
  /** The context window: texts read at once are at most this long. Default 256. */
  maxLen: number;
  /** Pre-norm (LayerNorm before attention and feed-forward). Default false: post-norm. */
  normFirst: boolean;
  /** The feed-forward non-linearity. Default 'relu'. */
  activation: 'relu' | 'gelu';
}

/**
 * An error reported by the engine: bad model bytes, a character that is not in the vocabulary, a
 * text too long... `message` is the engine's own text, which names what was wrong and what was
 * expected. A wrong JavaScript type (a number where a string belongs) or an unknown option name
 * (`{lenght: 10}`: the message suggests `length`) throws a `TypeError` instead; a number an option
 * does not accept (NaN, out of its range, not whole) a `RangeError` that names the option as you
 * wrote it (`topP must be in (0, 1] (1 turns it off), got 2`); using a disposed object a plain `Error`.
 */
export class RecurError extends Error {
  constructor(message: string, code?: RecurErrorCode);
  name: 'RecurError';
  /** What kind of failure, stable across versions (the message may be reworded). */
  code: RecurErrorCode;
}

/**
 * `invalid_argument`: a bad input; `bad_format`: a model file, data or text that is not
 * what it claims; `out_of_range`: too long or too large; `io`: a file or URL that cannot be read;
 * `diverged`: training produced a non-finite loss; `wasm_load`: the engine's .wasm could not be loaded.
 */
export type RecurErrorCode = 'invalid_argument' | 'bad_format' | 'out_of_range' | 'io' | 'diverged' | 'wasm_load';

/**
 * The distinct code points of `text` sorted by value, with `"<unk>"` first when `withUnk`
 * (the default): the same table `recur train` builds.
 */
export function vocabFromText(text: string, withUnk?: boolean): string[];

/**
 * Examples from JSON Lines as `recur train` reads them: one {"text", "labels"} (tagger) or
 * {"text", "label"} (classifier) per line, blank lines skipped. RecurError (code `bad_format`)
 * naming the line of a bad one.
 */
export function parseJsonl(jsonl: string): Array<TaggedExample | ClassifiedExample>;

/** A model's architecture, as stored in its file (a transformer's has its TransformerConfig too). */
export interface ModelConfig extends Partial<TransformerConfig> {
  task: Task;
  cell: Cell;
  vocabSize: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
  /** Number of labels (tagger / classifier); 0 for an lm. */
  numLabels: number;
}

/** The result of {@link Model.predict}: a rows × cols matrix of probabilities, row-major. */
export interface Prediction {
  /** lm and tagger: one row per character (code point) of the text; classifier: 1. */
  rows: number;
  /** lm: the vocabulary size; tagger and classifier: the number of labels. */
  cols: number;
  /** rows * cols probabilities, each row sums to 1. A copy: it stays valid after later calls. */
  probs: Float32Array;
  /** What each column stands for: `model.vocab` for an lm, `model.labels` otherwise. */
  symbols: string[];
  /** Row i as a view into `probs` (no copy). */
  row(i: number): Float32Array;
}

/** One character of {@link Model.tag}: the character and its label distribution. */
export interface TaggedChar {
  char: string;
  probs: Record<string, number>;
}

/** The result of {@link Model.classify}. */
export interface Classification {
  /** The most probable label. */
  label: string;
  probs: Record<string, number>;
}

/** One layer and direction of a {@link Trace}. Each array is steps x hiddenSize, row t after character t. */
export interface TraceLayer {
  layer: number;
  /** 'backward' is the right-to-left half of a bidirectional layer. */
  direction: 'forward' | 'backward';
  /** The hidden state: the layer's output. */
  h: Float32Array;
  /** LSTM only: the cell state. */
  c?: Float32Array;
  /**
   * Activated gates, PyTorch's names and convention. LSTM: i (input), f (forget), g (candidate),
   * o (output); c = f*c_prev + i*g, h = o*tanh(c). GRU: r (reset), z (update), n (candidate);
   * h = (1 - z)*n + z*h_prev (Cho et al. write z and 1 - z the other way round). None for a plain RNN.
   */
  gates: { i?: Float32Array; f?: Float32Array; g?: Float32Array; o?: Float32Array; r?: Float32Array; z?: Float32Array; n?: Float32Array };
  /**
   * Transformer only: per head, the attention weights as a steps x steps matrix; row t is how much
   * position t read each position (zero after t when causal), and sums to 1.
   */
  attention?: Float32Array[];
}

export interface Trace {
  steps: number;
  hiddenSize: number;
  /** The text's characters (code points), one per step. */
  chars: string[];
  /** Layer 0 first; a bidirectional layer gives its forward then its backward direction. */
  layers: TraceLayer[];
}

export interface SaliencyOptions {
  /** The output row read: lm, tagger a character index (default the last); classifier 0. */
  position?: number;
  /** A symbol (lm) or label whose log-probability is differentiated. Default: the most probable there. */
  target?: string;
}

/** What {@link Model.saliency} returns. Arrays have one value per character of the text. */
export interface Saliency {
  position: number;
  target: string;
  /** log p(target) at position. */
  logProb: number;
  chars: string[];
  /** |d log p / d x_t|, x_t the embedding vector of character t: 0 after position for a left-to-right model. */
  gradNorm: Float32Array;
  /** (d log p / d x_t) . x_t: positive where character t pushed towards target. */
  gradTimesInput: Float32Array;
}

export interface PredictAsyncOptions {
  /** After each slice: characters read so far and in all. */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Stops between two slices; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface GenerateOptions {
  /** Text read before sampling; every character must be in the vocabulary unless it has `"<unk>"`. Default: empty (start from the zero state). */
  prompt?: string;
  /** Symbols (code points) to generate, a whole number in 1..10,000,000. Default 200. */
  length?: number;
  /** Finite and >= 0; 0 is greedy (argmax). Default 1. */
  temperature?: number;
  /** Sample among the K most probable symbols, K >= 1. Default: off (leave it out). */
  topK?: number;
  /** Nucleus sampling, 0 < P <= 1; 1 is off. Default 1. */
  topP?: number;
  /** An integer in 0..2^53-1. The same seed gives the same text here and with `recur generate`. Default 0. */
  seed?: number;
  /** Stop as soon as the output ends with this text (it is included in the output). */
  stop?: string;
  /**
   * Never emit `"<unk>"` or U+FFFD (the replacement character, which the bundled models' corpora use
   * for "some rare character"): they are left out before temperature, topK and topP, which share
   * the probability among the other symbols. The prompt may still contain them. Like
   * `recur generate --avoid-unknown`. true or false (else TypeError). Default false.
   */
  avoidUnknown?: boolean;
}

export interface GenerateManyOptions extends GenerateOptions {
  /**
   * Samples drawn side by side, a whole number in 1..32: each step reads the weights from memory
   * once for all of them, and the prompt is read once. Sample i uses `seed + i`: at int8 it is
   * the text one sample with that seed gives; at float32 the products sum in another order, so it
   * can part from that text after a draw within rounding of a tie.
   */
  count: number;
}

export interface StreamOptions extends GenerateOptions {
  /** Stops the stream after the current piece. */
  signal?: AbortSignal;
  /** Symbols per yielded piece, a whole number >= 1 (else TypeError). Default 8. */
  chunk?: number;
}

/** The stepping state of one layer, as returned by {@link Model.hidden}: copies, of hiddenSize each. */
export interface HiddenState {
  h: Float32Array;
  /** LSTM only: the cell state. */
  c?: Float32Array;
}

export interface TrainerOptions {
  optimizer?: 'adam' | 'sgd';
  /** Learning rate, finite and > 0. Default 2e-3. */
  lr?: number;
  /** Gradient-norm clipping, >= 0 (0 = off). Default 5. */
  clip?: number;
  /** Characters per truncated-BPTT window, 1..65536. Default 64 (a transformer lm: its maxLen). */
  seqLen?: number;
  /** Parallel streams (lm) or examples (tagger / classifier) per step, 1..65536. Default 32. */
  batchSize?: number;
  /** An integer in 0..2^53-1. Default 0. */
  seed?: number;
  schedule?: 'constant' | 'cosine' | 'step';
  /**
   * The run length the learning-rate schedule plans for (cosine decays to 0 there). Default 1000.
   * How many steps to run now is fit()'s `steps`.
   */
  totalSteps?: number;
  /** Warm-up steps. Default 0. */
  warmup?: number;
}

/** A tagger example: one label per character (code point) of text. */
export interface TaggedExample {
  text: string;
  labels: string[];
}

/** A classifier example: one label for the whole text. */
export interface ClassifiedExample {
  text: string;
  label: string;
}

/** Training data: a text for an lm, examples for a tagger or a classifier. */
export type TrainingData = string | TaggedExample[] | ClassifiedExample[];

/** What {@link Trainer.fit} reports while it runs (at most every ~30 ms, and after the last step). */
export interface FitProgress {
  /** Steps done so far, 1..steps. */
  step: number;
  steps: number;
  /** Loss of the latest step, nats per symbol. */
  loss: number;
  /** The same loss in bits. */
  bitsPerChar: number;
  charsPerSec: number;
  /** Estimated seconds left (0 after the last step). */
  eta: number;
  /** The loss of every step since the previous report, nats per symbol. */
  losses: number[];
  /** Seconds spent training so far (pauses in onProgress not counted). */
  seconds: number;
}

/** What {@link Model.evaluate} returns: the numbers of `recur eval`. */
export interface Evaluation {
  /** Mean cross-entropy, nats per scored symbol (lm) or label (tagger, classifier). */
  loss: number;
  /** The same loss in bits. */
  bitsPerChar: number;
  /** Share of scored positions whose most probable symbol or label is the right one. */
  accuracy: number;
  /** Symbols (lm: the text's length - 1) or labels scored. */
  count: number;
}

/** What {@link Trainer.fit} reports at the end of each epoch (and after its last step). */
export interface EpochReport {
  /** 1, 2, ...: an epoch is one pass over the training data's size in steps. */
  epoch: number;
  step: number;
  /** Loss of the latest training step, nats per symbol. */
  loss: number;
  /** The model on options.validation, when given. */
  validation?: Evaluation;
}

export interface FitOptions<T extends Task = Task> {
  /** Steps to run, a whole number >= 1. Default: enough for `epochs` passes over the data. */
  steps?: number;
  /** Passes over the data when `steps` is not given. Default 1. */
  epochs?: number;
  /**
   * Called at most every 30 ms, after the last step, and when `signal` stops the run with steps
   * not yet reported; a returned promise is awaited before the next step.
   */
  onProgress?: (progress: FitProgress) => void | Promise<void>;
  /** Stops training before the next step; fit then resolves with `aborted: true`. */
  signal?: AbortSignal;
  /** Held-out data of the same kind, evaluated at the end of each epoch and after the last step. */
  validation?: TrainingDataFor<T>;
  /** Evaluate the validation data every this many steps instead of once per epoch. */
  validationEvery?: number;
  /** Called after each evaluation of the validation data, or without it at the end of each epoch. */
  onEpochEnd?: (report: EpochReport) => void;
  /** Stop after `patience` (default 3) evaluations in a row without a lower validation loss. */
  earlyStopping?: { patience?: number };
  /** At the end, put back the weights of the evaluation with the lowest validation loss. */
  keepBest?: boolean;
}

export interface FitResult {
  /** Steps actually done. */
  steps: number;
  /** Loss of the last step (NaN if none ran). */
  loss: number;
  aborted: boolean;
  /** earlyStopping ended the run. */
  stoppedEarly: boolean;
  /** The epoch with the lowest validation loss (null without validation). */
  best: EpochReport | null;
}

/** Something that holds wasm memory: call dispose() when done with it. */
declare class Owned {
  /** Frees the wasm memory this object holds. Using the object afterwards throws. Safe to call twice. */
  dispose(): void;
  /**
   * The same as dispose(), for `using model = recur.loadModel(bytes)`. Present where the runtime
   * defines Symbol.dispose (Node 20, recent browsers).
   */
  [Symbol.dispose](): void;
}

// Symbol.dispose and Symbol.asyncDispose as lib.esnext.disposable and @types/node declare them, so
// that these declarations also compile with an older "lib" setting.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
    readonly asyncDispose: unique symbol;
  }
}

/**
 * Rules a string out where an options object belongs: `generate('The ')` is a type error (it
 * means `generate({prompt: 'The '})`), as a string would otherwise pass for options with a length.
 */
export interface NotAString {
  charAt?: never;
}

/** The training data a model of task T takes: a text for an lm, labelled examples otherwise. */
export type TrainingDataFor<T extends Task> = T extends 'lm' ? string : T extends 'tagger' ? TaggedExample[]
  : T extends 'classifier' ? ClassifiedExample[] : never;

/**
 * A loaded or created model, plus the batch-1 stepping state used by {@link Model.feed}. T is its
 * task when TypeScript knows it: `createModel({task: 'tagger', ...})` gives a `Model<'tagger'>`,
 * `loadModel()` a `Model` of any task, which `model.is('lm')` narrows. Task-specific methods
 * (`generate`, `stream`, `tag`, `classify`) only type-check on a model of that task.
 */
export class Model<T extends Task = Task> extends Owned {
  private constructor();
  readonly config: ModelConfig & { task: T };
  /** True when the model's task is `task`; narrows the type for TypeScript. */
  is<K extends Task>(task: K): this is Model<K>;
  /** The symbol of each id (`"<unk>"` stands for every character not listed). */
  readonly vocab: string[];
  /** Label names (tagger / classifier); empty for an lm. */
  readonly labels: string[];
  readonly parameterCount: number;
  /** As chosen in loadModel(); models made by createModel() are 'float32'. */
  readonly precision: Precision;

  /**
   * Output distributions for every position of `text` (lm: the next symbol after each
   * character; tagger: labels per character; classifier: one row). Same numbers as
   * `recur probs --json`. Throws RecurError for an empty text, a character outside a
   * vocabulary without `"<unk>"`, or a text over 4,194,304 characters (code `out_of_range`;
   * fewer when the probabilities would pass 512 MiB: the message says how many fit).
   */
  predict(text: string): Prediction;
  /**
   * predict() read in slices of about 10 ms with the event loop free between them, for long
   * texts (a million characters of a 2 x 256 LSTM take about a minute in wasm). A bidirectional
   * model needs the whole text at once: it reads it in one go (one progress report; the signal
   * counts only before it starts). Rejects like predict(), with
   * `options.signal`'s reason when it is aborted, and with RecurError if the model is trained
   * meanwhile. A predict() on the same model in between is answered and does not disturb it.
   */
  predictAsync(text: string, options?: PredictAsyncOptions): Promise<Prediction>;
  /**
   * What the network holds at every character of `text`, read from the zero state (dropout off):
   * per layer and direction, h, the LSTM's c and the activated gates. At most 10,000 characters.
   */
  trace(text: string): Trace;
  /**
   * How much each character drove one output: the gradient of log p(target) at output row
   * `position` with respect to each character's embedding vector. RangeError for a position or
   * target the model does not have.
   */
  saliency(text: string, options?: SaliencyOptions): Saliency;
  /** The model's loss and accuracy on data (a text for an lm, examples otherwise), as `recur eval`. */
  evaluate(data: TrainingDataFor<T>): Evaluation;
  /** Tagger only (else TypeError): the label distribution of each character; an array for an array of texts. */
  tag(this: Model<'tagger'>, text: string): TaggedChar[];
  tag(this: Model<'tagger'>, texts: string[]): TaggedChar[][];
  /** Classifier only (else TypeError): the most probable label and all probabilities; an array for an array of texts. */
  classify(this: Model<'classifier'>, text: string): Classification;
  classify(this: Model<'classifier'>, texts: string[]): Classification[];
  /** lm only: `count` samples drawn side by side, one string each. */
  generate(this: Model<'lm'>, options: GenerateManyOptions & NotAString): string[];
  /** lm only: generated text after the prompt (the prompt is not repeated). */
  generate(this: Model<'lm'>, options?: GenerateOptions & NotAString): string;
  /**
   * The same text as generate() with the same options, piece by piece, yielding to the event loop
   * now and then so a page stays responsive. Stop with `break` or `options.signal`. Option
   * errors reject the first `next()`. Disposing the model ends the stream.
   */
  stream(this: Model<'lm'>, options?: StreamOptions & NotAString): AsyncGenerator<string, void, undefined>;
  /** Clears the stepping state used by feed() (unidirectional models). */
  reset(): void;
  /**
   * Feeds text into the stepping state and returns the output distribution after its last
   * character (the same as the last row of predict() on everything fed since reset()).
   * Empty text returns the distribution at the current state. Bidirectional models: RecurError.
   */
  feed(text: string): Float32Array;
  /** A copy of the stepping state of `layer` (default 0). RecurError if out of range. */
  hidden(layer?: number): HiddenState;
  /** A trainer that updates this model in place. It is disposed with the model. */
  trainer(options?: TrainerOptions): Trainer<T>;
  /** The model as .safetensors bytes: `recur` (the CLI) and loadModel read them back bit for bit. */
  save(): Uint8Array;
}

/** Trains a model in place (truncated BPTT for an lm, mini-batches of examples otherwise). */
export class Trainer<T extends Task = Task> extends Owned {
  private constructor();
  /**
   * One optimiser step; returns its loss in nats per symbol. `data` is needed the first time; the
   * same data again (or none) continues through it. Throws RecurError for a text shorter than
   * seqLen + 1 or a character outside the vocabulary.
   */
  step(data?: TrainingDataFor<T>): number;
  /** Trains for `options.steps` (or `options.epochs`), yielding to the event loop as it goes. */
  fit(data: TrainingDataFor<T>, options?: FitOptions<T>): Promise<FitResult>;
}

/** Settings for a new model (PyTorch's default initialisation, seeded). */
export interface CreateModelConfig<T extends Task = Task> extends Partial<TransformerConfig> {
  /** Default 'lm'. */
  task?: T;
  /** Default 'lstm'. */
  cell?: Cell;
  /** The symbol table (one code point each, or `"<unk>"`), or a text to build it from with vocabFromText. */
  vocab: string[] | string;
  /** Label names; needed for a tagger or a classifier. */
  labels?: string[];
  /** Default 32 (a transformer: hiddenSize). */
  embeddingDim?: number;
  /** Default 128. */
  hiddenSize?: number;
  /** Default 1. */
  numLayers?: number;
  /** Taggers and classifiers only. Default false. */
  bidirectional?: boolean;
  /** Between layers, while training. Default 0. */
  dropout?: number;
  /** An integer in 0..2^53-1. Default 0. */
  seed?: number;
  /**
   * LSTM: added to the forget gate's initial bias (1 is the usual choice for long memory: the cell
   * starts out keeping its state). Applies to fresh weights, not to those initFrom copies.
   */
  forgetBias?: number;
  /**
   * Start from a trained model of the same cell and embedding width (fine-tuning, or an encoder
   * pre-trained as a character LM): its recurrent tensors of the same shape, the embedding rows of
   * the symbols both vocabularies share, and, from a model of the same task, the head rows of shared
   * outputs (an lm's symbols, a tagger's or classifier's labels). As `recur train --init`.
   */
  initFrom?: Model;
}

/**
 * The arithmetic of feed(), predict() and generate(). 'float32' uses the weights as stored. 'int8' rounds each weight
 * matrix a step multiplies by one vector to int8 (one scale per row) and the vector to int16: faster
 * generation and streaming at a small cost (the bundled English lm: 2.1265 bits/char against 2.1267). Training
 * updates float32 weights either way. A transformer's generation, feed() and stream() round its in_proj,
 * out_proj, feed-forward and head matrices (its attention over earlier positions stays float32). A
 * bidirectional model's predict() and a transformer's predict() run at float32 whatever is asked.
 */
export type Precision = 'float32' | 'int8';

export interface LoadModelOptions {
  /** Default 'float32'. */
  precision?: Precision;
}

export interface FetchModelOptions extends LoadModelOptions {
  /** Called as bytes arrive; `total` is 0 when the server sends no Content-Length or compresses the response. */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  signal?: AbortSignal;
}

/** One instance of the WebAssembly engine. Models from different instances do not mix. */
export class Recur {
  private constructor();
  /** The SIMD instruction set the engine was compiled for ("sse4.1" on wasm SIMD128). */
  readonly simdArch: string;
  /** The threads training and generation use (loadRecur()'s threads option, where it could). */
  readonly threads: number;
  /** The precisions this build offers, 'float32' first. */
  readonly precisions: readonly Precision[];
  /** A model from .safetensors bytes. RecurError says what is wrong with a bad file; TypeError for anything but bytes. */
  loadModel(bytes: Uint8Array | ArrayBuffer, options?: LoadModelOptions): Model;
  /**
   * Fetches and loads a model file; in Node also a file path or a `file:` URL. RecurError (code
   * `io`) for an HTTP error status or an unreadable file.
   */
  fetchModel(url: string | URL, options?: FetchModelOptions): Promise<Model>;
  /** A fresh model. RecurError for a bad setting (unknown cell, size out of range...). */
  createModel<T extends Task = 'lm'>(config: CreateModelConfig<T>): Model<T>;
}

/**
 * Options passed to the Emscripten module factory: `locateFile('recur-core.wasm')` returns where
 * the .wasm is (a URL; in Node also a path), `wasmBinary` gives its bytes.
 */
/** The Emscripten factory options the engine reads; it ignores any other. */
export interface LoadRecurOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  /** Emscripten's hook: instantiate the module yourself (e.g. from a compiled WebAssembly.Module). */
  instantiateWasm?: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => unknown;
  /**
   * Threads for training and generation (default 1; at most the CPUs). More loads the threaded
   * module, mt/recur-core-mt.{mjs,wasm,worker.js} beside recur-core.wasm (where locateFile puts it,
   * then as a URL), where shared memory exists: Node, and pages and workers that are cross-origin
   * isolated; elsewhere 1. Results are the same bits as with one. On a page, run the engine in a
   * Web Worker. wasmBinary and instantiateWasm are recur-core.wasm's, unused by the threaded module.
   */
  threads?: number;
}

/**
 * Instantiates the engine (recur-core.mjs + recur-core.wasm, found next to recur.js). Pages,
 * workers and Node 20 need no options. RecurError with code `wasm_load`, naming the URL or path,
 * when the .wasm cannot be loaded.
 */
export function loadRecur(options?: LoadRecurOptions): Promise<Recur>;
