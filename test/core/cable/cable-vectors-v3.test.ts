/**
 * Cable format 3 (format 2 plus the silence-procedure act in the header), frozen in
 * test/vectors/cables-v3.json by scripts/make-vectors-v3.ts: each act opens to its content,
 * and a version-1 or version-2 header carrying an act, an act missing what it needs, an
 * unknown version and an act changed after signing are each refused with their code. The
 * vectors of formats 1 and 2 (cable-vectors.test.ts) still open unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CableVector } from '../fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../fixtures/check-cable-vectors.ts';

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'cables-v3.json'), 'utf8'),
) as { vectors: CableVector[] };

describe('frozen cable vectors, format 3 (test/vectors/cables-v3.json)', () => {
  test('cover every act but withdraw as content, and the refusals', () => {
    const names = file.vectors.map((v) => v.name);
    for (const n of [
      'silence open',
      'silence object',
      'silence extend',
      'version-1 header',
      'version-2 header',
      'format version 4',
      'SIGNATURE_INVALID',
    ]) {
      assert.ok(
        names.some((x) => x.includes(n)),
        n,
      );
    }
  });

  test('every act is sealed as format 3', () => {
    const opened = file.vectors.filter((v) => 'content' in v.expect);
    assert.ok(opened.length >= 3);
    for (const v of opened) assert.equal((v.cable as { header: { v: number } }).header.v, 3, v.name);
  });

  for (const v of file.vectors) {
    test(v.name, async () => {
      const [result] = await checkCableVectors([v]);
      assert.equal(result!.problem, '');
    });
  }
});
