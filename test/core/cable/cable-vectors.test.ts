import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CABLE_ERROR_CODES } from '../../../src/core/cable/cable-error.ts';
import type { CableVector } from '../fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../fixtures/check-cable-vectors.ts';

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'cables.json'), 'utf8'),
) as {
  vectors: CableVector[];
};

describe('frozen cable vectors (test/vectors/cables.json)', () => {
  test('cover 1, 3 and 30 devices, an attachment, and every CableError code before format 4', () => {
    const names = file.vectors.map((v) => v.name);
    for (const n of ['1 device', '3 devices', '30 devices', 'with an attachment']) {
      assert.ok(
        names.some((x) => x.includes(n)),
        n,
      );
    }
    const codes = new Set(file.vectors.flatMap((v) => ('error' in v.expect ? [v.expect.error] : [])));
    // SUMMARY_MISMATCH came with format 4; its vector is in cables-v4.json (cable-vectors-v4.test.ts).
    const before4 = CABLE_ERROR_CODES.filter((code) => code !== 'SUMMARY_MISMATCH');
    assert.deepEqual([...codes].sort(), [...before4].sort());
  });

  for (const v of file.vectors) {
    test(v.name, async () => {
      const [result] = await checkCableVectors([v]);
      assert.equal(result!.problem, '');
    });
  }
});

const v2 = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'cables-v2.json'), 'utf8'),
) as {
  vectors: CableVector[];
};

describe('frozen cable vectors of format 2 (test/vectors/cables-v2.json)', () => {
  test('cover a sealed cable, a re-wrapped one read through a kept and a new wrap, and a revoked reader', () => {
    const names = v2.vectors.map((v) => v.name);
    for (const n of ['sealed at its epoch', 'a kept wrap', 'enrolled since', 'revoked since', 'relabelled']) {
      assert.ok(
        names.some((x) => x.includes(n)),
        n,
      );
    }
  });

  for (const v of v2.vectors) {
    test(v.name, async () => {
      const [result] = await checkCableVectors([v]);
      assert.equal(result!.problem, '');
    });
  }
});
