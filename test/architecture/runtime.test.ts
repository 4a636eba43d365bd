/**
 * The runtime is the one package.json names (docs/design.md §11: Node 24 LTS, brought by `npm install`
 * where the system Node is older): the suite runs on it, and so do the command and the server,
 * which npm scripts and `npx valise` start with the `node` of node_modules/.bin.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

test('the suite runs on the Node that package.json names, the one npm install brings', () => {
  const engines = /^\^(\d+)\.(\d+)\.\d+$/.exec(pkg.engines.node);
  assert.ok(engines, `engines.node is a caret range: ${pkg.engines.node}`);
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  assert.equal(
    major,
    Number(engines[1]),
    `running on ${process.version}; npm install brings Node ${engines[1]}`,
  );
  assert.ok(minor >= Number(engines[2]), `running on ${process.version}, below ${pkg.engines.node}`);
  assert.match(
    pkg.dependencies.node ?? '',
    new RegExp(`^\\^${engines[1]}\\.`),
    'the node package is pinned to the same major',
  );
});
