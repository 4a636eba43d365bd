/**
 * Cable format 4 (format 3 plus the sealed summary), frozen in test/vectors/cables-v4.json by
 * scripts/make-vectors-v4.ts: each cable opens to its content and its inbox listing to its
 * subject and tags; a summary altered, swapped or left out, a digest altered, a sender who
 * lists another subject than the body, a version-4 header without its digest, a digest in a
 * version-3 header and an unknown version are each refused with their code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CableVector } from '../fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../fixtures/check-cable-vectors.ts';

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'cables-v4.json'), 'utf8'),
) as { vectors: CableVector[] };

describe('frozen cable vectors, format 4 (test/vectors/cables-v4.json)', () => {
  test('cover listings and every refusal of the summary', () => {
    const names = file.vectors.map((v) => v.name);
    for (const n of [
      'listed and opened',
      'silence open act',
      'flipped bit in the summary',
      "another cable's summary",
      'summary left out',
      'SUMMARY_MISMATCH',
      'without its summary digest',
      'version-3 header',
      'format version 5',
    ]) {
      assert.ok(
        names.some((x) => x.includes(n)),
        n,
      );
    }
  });

  test('every opened cable is format 4 and says what its listing opens to', () => {
    const opened = file.vectors.filter((v) => 'content' in v.expect);
    assert.ok(opened.length >= 3);
    for (const v of opened) {
      assert.equal((v.cable as { header: { v: number } }).header.v, 4, v.name);
      assert.ok('summary' in v.expect && v.expect.summary !== undefined, v.name);
    }
  });

  for (const v of file.vectors) {
    test(v.name, async () => {
      const [result] = await checkCableVectors([v]);
      assert.equal(result!.problem, '');
    });
  }
});
