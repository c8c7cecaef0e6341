// recur.d.ts against recur.js: every value the declarations promise exists at run time, with every
// method they declare, and nothing exported at run time is undeclared. (tsc checks the types
// themselves on examples/typescript, in tests/examples.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as api from '../../web/lib/recur.js';

const dts = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'lib', 'recur.d.ts'), 'utf8');

// The body of `export class Name ... {` up to its closing brace at the start of a line.
function classBody(name) {
  const start = dts.search(new RegExp(`^export class ${name}\\b`, 'm'));
  assert.ok(start >= 0, `recur.d.ts declares class ${name}`);
  return dts.slice(start, dts.indexOf('\n}', start));
}

// Names of the methods a class body declares (two-space indent: members, not comment text).
const methods = (body) => [...body.matchAll(/^ {2}(?:async \*|\*)?([a-zA-Z_]\w*)(?:<[^>]*>)?\(/gm)]
  .map((m) => m[1]).filter((n) => n !== 'constructor');

test('every declared value is exported, and every export is declared', () => {
  const declared = [...dts.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(Object.keys(api).sort(), declared);
  for (const name of declared) assert.equal(typeof api[name], 'function', name);
});

test('every declared method exists on the class at run time', () => {
  let checked = 0;
  for (const name of ['Model', 'Trainer', 'Recur']) {
    for (const m of methods(classBody(name))) {
      assert.equal(typeof api[name].prototype[m], 'function', `${name}.${m}`);
      checked++;
    }
  }
  assert.ok(checked >= 15, `only ${checked} methods found: the parser is broken`);
  assert.equal(typeof api.Model.prototype.dispose, 'function');
});

test('the parser notices a method that does not exist', () => {
  assert.deepEqual(methods('export class X {\n  real(a: number): void;\n  ghost<T>(): T;\n}'), ['real', 'ghost']);
  assert.equal(typeof api.Model.prototype.ghost, 'undefined');
});
