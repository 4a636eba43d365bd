import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EncodingError } from '../../src/core/encoding/encoding-error.ts';
import { decodeCursor, encodeCursor } from '../../src/server/inbox-cursor.ts';

test('a cursor decodes to the sequence number it was made from', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (seq) => {
      assert.equal(decodeCursor(encodeCursor(seq), 'before'), seq);
    }),
  );
});

test('anything that is not a cursor this server made is INVALID_VALUE', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (text) => {
      try {
        const seq = decodeCursor(text, 'before');
        assert.equal(encodeCursor(seq), text);
      } catch (error) {
        assert.ok(error instanceof EncodingError);
        assert.equal(error.code, 'INVALID_VALUE');
      }
    }),
  );
  for (const bad of ['', 'YzEuMA', 'YzEuLTE', 'x', encodeCursor(1).repeat(3), 42, null]) {
    assert.throws(() => decodeCursor(bad, 'before'), EncodingError);
  }
});
