/**
 * Cable format 2 (the silence-procedure act in the header), frozen in
 * test/vectors/cables-v2.json by scripts/make-vectors-v2.ts: each act opens to its content,
 * and a version-1 header carrying an act, an act missing what it needs, an unknown version
 * and an act changed after signing are each refused with their code. The format-1 vectors
 * (cable-vectors.test.ts) still open unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CableVector } from '../fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../fixtures/check-cable-vectors.ts';

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'cables-v2.json'), 'utf8'),
) as { vectors: CableVector[] };

describe('frozen cable vectors, format 2 (test/vectors/cables-v2.json)', () => {
  test('cover every act but withdraw as content, and the refusals', () => {
    const names = file.vectors.map((v) => v.name);
    for (const n of [
      'silence open',
      'silence object',
      'silence extend',
      'version-1 header',
      'SIGNATURE_INVALID',
    ]) {
      assert.ok(
        names.some((x) => x.includes(n)),
        n,
      );
    }
  });

  for (const v of file.vectors) {
    test(v.name, async () => {
      const [result] = await checkCableVectors([v]);
      assert.equal(result!.problem, '');
    });
  }
});
