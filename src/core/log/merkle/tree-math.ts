/**
 * Integer helpers for tree sizes and indices. Sizes may exceed 2^32, where JavaScript's
 * bitwise operators wrap, so everything here is plain arithmetic on safe integers.
 */

/** The longest proof any tree of safe-integer size can need (2 × 53 levels, rounded up). */
export const MAX_PROOF_LENGTH = 128;

/** A tree size or leaf index: a non-negative safe integer. */
export function isTreeSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** LSB(x) of RFC 9162 §2.1.3.2: whether the least significant bit is set. */
export function lsb(value: number): boolean {
  return value % 2 === 1;
}

/** x >> 1 without the 32-bit wrap. */
export function half(value: number): number {
  return Math.floor(value / 2);
}

/** The index of a node's sibling at the same level. */
export function sibling(index: number): number {
  return lsb(index) ? index - 1 : index + 1;
}

/** Whether bit `bit` of `value` is set. */
export function bitSet(value: number, bit: number): boolean {
  return lsb(Math.floor(value / 2 ** bit));
}

export function isPowerOfTwo(value: number): boolean {
  if (value < 1) return false;
  let v = value;
  while (v % 2 === 0) v /= 2;
  return v === 1;
}

/** The number of trailing zero bits of a positive integer. */
export function trailingZeros(value: number): number {
  let v = value;
  let n = 0;
  while (v % 2 === 0) {
    v /= 2;
    n++;
  }
  return n;
}

/** The number of bits needed to write `value` (0 for 0). */
export function bitLength(value: number): number {
  let v = value;
  let n = 0;
  while (v > 0) {
    v = half(v);
    n++;
  }
  return n;
}

/** A value for an error message; never throws, whatever the value (null-prototype objects too). */
export function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (value === null || value === undefined) return String(value);
  return typeof value;
}
