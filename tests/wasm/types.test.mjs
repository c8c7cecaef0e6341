// The declarations against the code: every value recur.d.ts and worker.d.ts promise exists at run
// time, with every method they declare, and nothing exported at run time is undeclared. (tsc checks
// the types themselves on examples/typescript, in tests/examples.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as recur from '../../web/lib/recur.js';
import * as worker from '../../web/lib/worker.js';

const lib = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'lib');
const modules = [
  { dts: readFileSync(path.join(lib, 'recur.d.ts'), 'utf8'), api: recur, classes: ['Model', 'Trainer', 'Recur'] },
  { dts: readFileSync(path.join(lib, 'worker.d.ts'), 'utf8'), api: worker, classes: ['RemoteModel', 'RemoteTrainer', 'RecurWorker'] },
];

// The body of `export class Name ... {` up to its closing brace at the start of a line.
function classBody(dts, name) {
  const start = dts.search(new RegExp(`^export class ${name}\\b`, 'm'));
  assert.ok(start >= 0, `declares class ${name}`);
  return dts.slice(start, dts.indexOf('\n}', start));
}

// Names of the methods a class body declares (two-space indent: members, not comment text).
const methods = (body) => [...body.matchAll(/^ {2}(?:async \*|\*)?([a-zA-Z_]\w*)(?:<[^>]*>)?\(/gm)]
  .map((m) => m[1]).filter((n) => n !== 'constructor');

test('every declared value is exported, and every export is declared', () => {
  for (const { dts, api } of modules) {
    const declared = [...dts.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]);
    const reexported = [...dts.matchAll(/^export \{ (\w+) \} from/gm)].map((m) => m[1]);
    assert.deepEqual(Object.keys(api).sort(), [...declared, ...reexported].sort());
    for (const name of Object.keys(api)) assert.equal(typeof api[name], 'function', name);
  }
  assert.equal(worker.RecurError, recur.RecurError, 'one RecurError class for both entry points');
});

test('every declared method exists on the class at run time', () => {
  for (const { dts, api, classes } of modules) {
    let checked = 0;
    for (const name of classes) {
      for (const m of methods(classBody(dts, name))) {
        assert.equal(typeof api[name].prototype[m], 'function', `${name}.${m}`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `only ${checked} methods found: the parser is broken`);
  }
});

test('the parser notices a method that does not exist', () => {
  assert.deepEqual(methods('export class X {\n  real(a: number): void;\n  ghost<T>(): T;\n}'), ['real', 'ghost']);
  assert.equal(typeof recur.Model.prototype.ghost, 'undefined');
});
