/** Shared fixtures of the Merkle tests: frozen vectors, a 2000-leaf log, and an RFC oracle. */
import { fromBase64url, fromHex, toHex, utf8 } from '../../../../src/core/encoding/bytes.ts';
import { leafHash, MemoryHashStore, nodeHash } from '../../../../src/core/log/merkle/index.ts';
import vectors from '../../../vectors/merkle-rfc9162.json' with { type: 'json' };

export { vectors };

export function hex(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (bytes === undefined) throw new Error(`bad hex in vectors: ${text}`);
  return bytes;
}

export function b64(text: string): Uint8Array {
  const bytes = fromBase64url(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  if (bytes === undefined) throw new Error(`bad base64 in vectors: ${text}`);
  return bytes;
}

export const hexes = (hashes: readonly Uint8Array[]): string[] => hashes.map(toHex);

/** The RFC 9162 §2.1.1 MTH definition, recursively, as an oracle independent of compact ranges. */
export function naiveRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 1) return leafHashes[0]!;
  let k = 1;
  while (k * 2 < leafHashes.length) k *= 2;
  return nodeHash(naiveRoot(leafHashes.slice(0, k)), naiveRoot(leafHashes.slice(k)));
}

export const MAX_LEAVES = 2000;

/** Leaf hashes of entries "entry <i>", and a store holding them: every tree size up to 2000 is a prefix. */
export const LEAVES: readonly Uint8Array[] = Array.from({ length: MAX_LEAVES }, (_, i) =>
  leafHash(utf8(`entry ${i}`)),
);
export const STORE = new MemoryHashStore();
STORE.appendAll(LEAVES);

/** Roots of every prefix, from the store (cross-checked against naiveRoot in compact-range tests). */
export const ROOTS: readonly Uint8Array[] = Array.from({ length: MAX_LEAVES + 1 }, (_, n) => STORE.root(n));

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  const i = Math.floor(bit / 8) % copy.length;
  copy[i] = copy[i]! ^ (1 << (bit % 8));
  return copy;
}
