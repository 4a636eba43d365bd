import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkHpkeVectors, checkXWingVectors } from '../fixtures/check-primitive-vectors.ts';

const load = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'vectors', name), 'utf8'));

test('the browser-shared HPKE and X-Wing checks pass in Node', async () => {
  const results = [
    ...(await checkHpkeVectors(load('hpke-rfc9180.json').vectors)),
    ...(await checkXWingVectors(load('xwing.json').vectors)),
  ];
  assert.ok(results.length >= 5);
  assert.deepEqual(
    results.filter((r) => r.problem),
    [],
  );
});
