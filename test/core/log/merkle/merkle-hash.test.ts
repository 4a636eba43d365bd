import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex, utf8 } from '../../../../src/core/encoding/bytes.ts';
import { emptyRoot, HASH_SIZE, isHash, leafHash, nodeHash } from '../../../../src/core/log/merkle/index.ts';
import { hex, vectors } from './fixtures.ts';

describe('RFC 9162 §2.1.1 hashing', () => {
  test('the empty tree hashes to SHA-256 of the empty string', () => {
    assert.equal(toHex(emptyRoot()), vectors.hasher.emptyRoot);
  });

  test('leaf hashes match the transparency-dev vectors', () => {
    for (const v of vectors.hasher.leaf) {
      const entry = 'entryHex' in v ? hex(v.entryHex) : utf8(v.entryUtf8);
      assert.equal(toHex(leafHash(entry)), v.hash);
    }
  });

  test('node hashes match the transparency-dev vectors', () => {
    for (const v of vectors.hasher.node) {
      assert.equal(toHex(nodeHash(utf8(v.leftUtf8), utf8(v.rightUtf8))), v.hash);
    }
  });

  test('an empty leaf does not hash like the empty tree', () => {
    assert.notEqual(toHex(leafHash(new Uint8Array(0))), toHex(emptyRoot()));
  });

  test('a leaf holding two hashes does not hash like the node of those hashes', () => {
    const a = leafHash(utf8('Hello'));
    const b = leafHash(utf8('World'));
    const joined = new Uint8Array([...a, ...b]);
    assert.notEqual(toHex(leafHash(joined)), toHex(nodeHash(a, b)));
  });

  test('node hashes depend on the order of the children', () => {
    const a = leafHash(utf8('Hello'));
    const b = leafHash(utf8('World'));
    assert.notEqual(toHex(nodeHash(a, b)), toHex(nodeHash(b, a)));
  });

  test('isHash accepts exactly 32-byte Uint8Arrays', () => {
    assert.equal(HASH_SIZE, 32);
    assert.equal(isHash(new Uint8Array(32)), true);
    for (const v of [
      new Uint8Array(31),
      new Uint8Array(33),
      new Array(32).fill(0),
      'x'.repeat(32),
      null,
      undefined,
    ]) {
      assert.equal(isHash(v), false);
    }
  });
});
