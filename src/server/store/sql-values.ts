/**
 * How bytes cross the driver boundary, for every aggregate alike: better-sqlite3 binds
 * Buffers only (pg accepts them too), and both drivers hand back Buffers, which are viewed
 * as plain Uint8Arrays so values compare and print the same on either dialect.
 */

/** A Buffer view of `value` for binding (no copy). */
export function blob(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A plain Uint8Array view of a driver's Buffer (no copy). */
export function bytesOf(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** A nullable integer column as `number | undefined`. */
export function optionalNumber(value: number | null): number | undefined {
  return value === null ? undefined : Number(value);
}
