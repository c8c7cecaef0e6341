// The key-recall task of the second memory experiment, shared by the page's worker and Node scripts
// (no DOM, no engine). A text is a key, "A" or "B", then `lag` random lower-case letters, then ".";
// a classifier that reads it left to right must say which key it saw. Nothing but memory helps:
// the letters after the key carry no information about it.
import { rng } from './apple-text.js';

export const RECALL_VOCAB = ['A', 'B', '.', ...'cdefghijklmnopqrstuvwxyz'];
export const RECALL_LABELS = ['A', 'B'];
/** Lags at which the trained networks are tested; training sees lags up to RECALL_TRAIN_MAX only. */
export const RECALL_LAGS = [0, 5, 10, 25, 50, 100, 200, 400];
export const RECALL_TRAIN_MAX = 100;

/** The Transformer's window: it holds every training text (at most RECALL_TRAIN_MAX + 2 letters). */
export const RECALL_WINDOW = 128;
// One layer of 2 heads; causal, so that it reads left to right as the recurrent cells do and answers
// from the last position (the full stop), which must find the key by attention.
const RECALL_TRANSFORMER = { numHeads: 2, ffSize: 48, maxLen: RECALL_WINDOW };

const LETTERS = RECALL_VOCAB.slice(3);

/** One example {text, label} with the given lag, drawn with the generator r. */
export function recallExample(r, lag) {
  const label = r() < 0.5 ? 'A' : 'B';
  let text = label;
  for (let i = 0; i < lag; i++) text += LETTERS[Math.floor(r() * LETTERS.length)];
  return { text: `${text}.`, label };
}

/** n training examples, lags uniform in 0..RECALL_TRAIN_MAX. */
export function recallTrainingBatch(r, n) {
  return Array.from({ length: n }, () => recallExample(r, Math.floor(r() * (RECALL_TRAIN_MAX + 1))));
}

/** The fixed test set: perLag examples at each of RECALL_LAGS (keys drawn at random), from its own seed. */
export function recallTestSet(perLag, seed = 12345) {
  const r = rng(seed);
  return RECALL_LAGS.flatMap((lag) => Array.from({ length: perLag }, () => ({ lag, ...recallExample(r, lag) })));
}

/**
 * The experiment: for each cell and seed, a fresh 1-layer classifier (`hidden` units; an LSTM with
 * forget-gate bias +1; a Transformer as RECALL_TRANSFORMER, reading the last RECALL_WINDOW letters of a
 * longer text) trained with Adam (lr 0.01, clipping at 1) for `steps` steps of 32 examples, and
 * tested at every lag of RECALL_LAGS on the fixed test set after each of `rounds` equal parts of the
 * training. `recur` is a loaded engine; `onProgress({cell, seed, step, curve: [{lag, correct, total}]})`
 * is awaited after each round; the run throws Error('cancelled') soon after `cancelled()` turns true.
 */
export async function runRecall(recur, { cells, seeds, steps, rounds, hidden, perLag }, onProgress, cancelled) {
  const test = recallTestSet(perLag);
  const batchSize = 32;
  for (const cell of cells) {
    for (const seed of seeds) {
      const model = recur.createModel({
        task: 'classifier', cell, vocab: RECALL_VOCAB, labels: RECALL_LABELS, hiddenSize: hidden, seed,
        ...(cell === 'transformer' ? RECALL_TRANSFORMER : { embeddingDim: 8, forgetBias: cell === 'lstm' ? 1 : undefined }),
      });
      // A text longer than the Transformer's window is read as its last RECALL_WINDOW letters.
      const read = (text) => (cell === 'transformer' ? text.slice(-RECALL_WINDOW) : text);
      try {
        const trainer = model.trainer({ lr: 0.01, batchSize, seed, totalSteps: steps, clip: 1 });
        const r = rng(seed);
        for (let k = 1; k <= rounds; k++) {
          const n = Math.round((steps * k) / rounds) - Math.round((steps * (k - 1)) / rounds);
          await trainer.fit(recallTrainingBatch(r, n * batchSize), { steps: n });
          if (cancelled()) throw new Error('cancelled');
          const curve = RECALL_LAGS.map((lag) => ({ lag, correct: 0, total: 0 }));
          test.forEach((ex, i) => {
            const c = curve[RECALL_LAGS.indexOf(ex.lag)];
            c.total++;
            if (model.classify(read(ex.text)).label === ex.label) c.correct++;
            if (i % 200 === 199 && cancelled()) throw new Error('cancelled');
          });
          await onProgress({ cell, seed, step: Math.round((steps * k) / rounds), curve });
        }
      } finally {
        model.dispose();
      }
    }
  }
}
