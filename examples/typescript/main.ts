// recur-rnn from TypeScript (strict). The types know each model's task: generate() needs an lm,
// tag() a tagger, and training data must suit the task. The @ts-expect-error lines are mistakes
// the types must catch (tsc fails if one of them compiles). Check: npx tsc
import { loadRecur, RecurError, type Model, type RecurErrorCode } from 'recur-rnn';
import { loadRecurWorker } from 'recur-rnn/worker';

const recur = await loadRecur();
const text = 'the cat sat on the mat. '.repeat(40);

// An lm: createModel without a task gives Model<'lm'>.
const lm = recur.createModel({ vocab: text, hiddenSize: 32, embeddingDim: 8, seed: 1 });
const fitted = await lm.trainer({ seqLen: 16, batchSize: 8, lr: 0.01 }).fit(text, {
  epochs: 3, validation: 'the mat sat on the cat. ', keepBest: true, onEpochEnd: (e) => console.log(e.epoch, e.validation?.bitsPerChar),
});
console.log(fitted.best?.step, lm.evaluate('the mat.').bitsPerChar);
const long = await lm.predictAsync(text.repeat(20), { onProgress: ({ loaded, total }) => console.log(loaded / total) });
console.log(long.rows, long.row(0).length);
// Inside the network: the forget gate of layer 0 at every character, and what drove the last guess.
const forget: Float32Array | undefined = lm.trace('the cat').layers[0].gates.f;
const why = lm.saliency('the cat', { target: ' ' });
console.log(forget?.length, why.gradNorm.length, why.logProb);
const sample: string = lm.generate({ prompt: 'the ', length: 20, temperature: 0 });
for await (const piece of lm.stream({ prompt: 'the ', length: 20 })) console.log(piece);

// A tagger: one label per character.
const tagger = recur.createModel({ task: 'tagger', vocab: 'abc ', labels: ['A', 'B'], hiddenSize: 8, bidirectional: true });
tagger.trainer({ batchSize: 2 }).step([{ text: 'ab c', labels: ['A', 'B', 'A', 'A'] }]);
const tags = tagger.tag('abc');
console.log(tags[0].char, tags[0].probs.A);

// `using` disposes the model at the end of its block.
{
  using copy = recur.loadModel(lm.save());
  console.log(copy.parameterCount);
}

// int8 weights for faster generation, and several samples side by side.
const fast = recur.loadModel(lm.save(), { precision: 'int8' });
const precision: 'float32' | 'int8' = fast.precision;
const samples: string[] = lm.generate({ prompt: 'the ', length: 20, count: 3 });
console.log(precision, samples.length, recur.precisions);
// @ts-expect-error int4 is not a precision
recur.loadModel(lm.save(), { precision: 'int4' });
// @ts-expect-error with count, generate() gives an array
const one: string = lm.generate({ count: 2 });
console.log(one);
fast.dispose();

// A loaded model's task is known only at run time: is() narrows it.
const loaded: Model = recur.loadModel(lm.save());
if (loaded.is('lm')) console.log(loaded.generate({ length: 5 }));

try {
  recur.loadModel(new Uint8Array(3));
} catch (e) {
  if (e instanceof RecurError) {
    const code: RecurErrorCode = e.code;
    console.log(code, e.message);
  }
}

// @ts-expect-error a string is not options: generate({prompt: 'The '})
lm.generate('The ');
// @ts-expect-error a typo in an option name
lm.generate({ lenght: 10 });
// @ts-expect-error a tagger does not generate text
tagger.generate({ length: 5 });
// @ts-expect-error an lm does not classify
lm.classify('the cat');
// @ts-expect-error a loaded model's task is unknown until is() says
loaded.tag('abc');
// @ts-expect-error an lm trains on text, not examples
lm.trainer().step([{ text: 'ab', label: 'A' }]);
// @ts-expect-error a tagger trains on examples, not text
tagger.trainer().step('abc');
// @ts-expect-error validation data of the wrong kind for an lm
await lm.trainer().fit(text, { validation: [{ text: 'ab', label: 'A' }] });
// @ts-expect-error an unknown option of createModel
recur.createModel({ vocab: 'ab', hidden: 64 });

// The same API in a Worker (for pages; not called here, Node has no Worker): every call a Promise.
async function inAWorker(): Promise<string> {
  const remote = await (await loadRecurWorker()).createModel({ vocab: text, hiddenSize: 8 });
  // @ts-expect-error a remote call gives a Promise, not the text
  const wrong: string = remote.generate({ length: 5 });
  console.log(wrong);
  return remote.generate({ length: 5 });
}
console.log(typeof inAWorker);

console.log(sample);
for (const m of [lm, tagger, loaded]) m.dispose();
