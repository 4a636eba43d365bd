import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { leafHash, nodeHash } from '../../src/core/log/merkle/index.ts';
import { nodeHasher } from '../../src/server/log/node-hasher.ts';

test("the native hasher gives RFC 9162's leaf and node hashes, as core's does", () => {
  const native = nodeHasher();
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 600 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      (entry, other) => {
        assert.deepEqual(new Uint8Array(native.leaf(entry)), leafHash(entry));
        const left = leafHash(entry);
        assert.deepEqual(new Uint8Array(native.node(left, other)), nodeHash(left, other));
      },
    ),
    { numRuns: 300 },
  );
});
