/**
 * The hostile-input table shared by test/core/hostile-*.test.ts, and the harness that feeds
 * it to one function at a time: each hostile value replaces one argument (or one field of an
 * object argument) of an otherwise valid call. Every outcome must be one of:
 * - a sensible return, where the row says the value is a legitimate input;
 * - a ValiseError of one of the row's classes, with a code from that class's closed list;
 * - for a verifier, `false`; for a reader whose answer is "absent", `undefined`;
 * - the hostile value's own exception (a Proxy trap or getter the caller wrote, or the
 *   TypeError a revoked Proxy raises when touched at all), passed through unchanged by a
 *   function that throws (verifiers swallow even that).
 * Never a bare Error, TypeError or RangeError, never a synchronous throw from a function that
 * returns a promise or a stream, never a polluted Object.prototype.
 */
import assert from 'node:assert/strict';
import { CABLE_ERROR_CODES, CableError } from '../../src/core/cable/cable-error.ts';
import { CRYPTO_ERROR_CODES, CryptoError } from '../../src/core/crypto/hpke/crypto-error.ts';
import { ENCODING_ERROR_CODES, EncodingError } from '../../src/core/encoding/encoding-error.ts';
import { ValiseError } from '../../src/core/valise-error.ts';

/** The one exception hostile values throw from their traps and getters. */
export const TRAP = new Error('hostile trap ran');
const trap = (): never => {
  throw TRAP;
};

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

/** Field names the functions under test read: an object with a throwing getter for each. */
const READ_KEYS = [
  'kind',
  'header',
  'body',
  'signature',
  'content',
  'wraps',
  'device',
  'user',
  'org',
  'serial',
  'year',
  'sentAt',
  'prev',
  'id',
  'name',
  'type',
  'size',
  'chunkSize',
  'key',
  'digest',
  'data',
  'draft',
  'sender',
  'directory',
  'series',
  'recipient',
  'privateKey',
  'publicKey',
  'signer',
  'sign',
  'length',
  'then',
  'epoch',
  'root',
  'entries',
  'network',
  'accreditation',
  'classification',
  'distribution',
  'groups',
  'enc',
  'cableId',
  'envelopeHash',
  'contentKey',
  'wrap',
  'hash',
  'maxSize',
  'expectedPrev',
  'subject',
  'tags',
  'attachments',
  'clearance',
  'role',
  'expiresAt',
  'recipients',
  'contentHash',
  'contentLength',
  'precedence',
  'markings',
  'suite',
  'v',
  'devices',
  'deviceProblem',
  'rejected',
  'toJSON',
  'valueOf',
  'toString',
  Symbol.iterator,
  Symbol.asyncIterator,
  Symbol.toPrimitive,
];
const getters: Record<PropertyKey, unknown> = {};
for (const key of READ_KEYS) Object.defineProperty(getters, key, { get: trap, enumerable: true });

const trapAll = new Proxy(
  {},
  {
    get: trap,
    set: trap,
    has: trap,
    ownKeys: trap,
    getOwnPropertyDescriptor: trap,
    getPrototypeOf: trap,
    defineProperty: trap,
    deleteProperty: trap,
  },
);
const revoked = Proxy.revocable({}, {});
revoked.revoke();

/** The exception a hostile value raises itself: its trap's, or a revoked Proxy's TypeError. */
function isOwnException(value: unknown, error: unknown): boolean {
  if (error === TRAP) return true;
  return (
    value === revoked.proxy &&
    error instanceof TypeError &&
    /on a proxy that has been revoked/.test(error.message)
  );
}
const cycle: Record<string, unknown> = { a: 1 };
cycle.self = cycle;
const cyclicArray: unknown[] = [];
cyclicArray.push(cyclicArray);

export const HUGE_STRING = 'A'.repeat(5 * 1024 * 1024);

export const HOSTILE: readonly (readonly [string, unknown])[] = [
  ['undefined', undefined],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
  ['2**53', 2 ** 53],
  ['-1', -1],
  ['1.5', 1.5],
  ['true', true],
  ["''", ''],
  ['a 5 MB string', HUGE_STRING],
  ["'__proto__'", '__proto__'],
  ['a lone surrogate', '\ud800'],
  ['a symbol', Symbol('hostile')],
  ['a bigint', 10n],
  ['a function', () => 0],
  ['a Date', new Date(0)],
  ['a Map', new Map([['kind', 'Directory']])],
  ['a Set', new Set([1])],
  ['a Uint16Array', new Uint16Array(32)],
  ['a Float64Array', new Float64Array(4)],
  ['an ArrayBuffer', new ArrayBuffer(32)],
  ['a DataView', new DataView(new ArrayBuffer(32))],
  ['{}', {}],
  ['[]', []],
  ['an array of numbers (where an object is expected)', [1, 2, 3]],
  ['an array-like object (where an array is expected)', { length: 2, 0: 1, 1: 2 }],
  ['[undefined]', [undefined]],
  ['a 10,000-deep array', nested(10_000, (inner) => [inner])],
  ['a 10,000-deep object', nested(10_000, (inner) => ({ a: inner }))],
  ['a __proto__ key', JSON.parse('{"__proto__":{"polluted":1}}')],
  ['a constructor.prototype key', { constructor: { prototype: { polluted: 1 } } }],
  ['an object whose getters throw', getters],
  ['a Proxy whose traps throw', trapAll],
  ['a revoked Proxy', revoked.proxy],
  ['a null-prototype object', Object.create(null)],
  ['a look-alike directory', { kind: 'Directory', epoch: 1, root: { accreditation: 'SECRET UE' } }],
  ['a look-alike signer', { publicKey: new Uint8Array(32), sign: async () => new Uint8Array(3) }],
  ['a cyclic object', cycle],
  ['a cyclic array', cyclicArray],
  // Longer than every bound but the directory's (1,000,000 entries), which a sparse one passes.
  ['a huge array', new Array(100_001).fill(0)],
  ['a huge sparse array', new Array(1_000_000)],
];

/** Values that stand in a `field` (a path the caller names): any string, or nothing. */
export const HOSTILE_FIELDS: readonly (readonly [string, unknown])[] = HOSTILE.filter(
  ([, v]) => typeof v === 'string' || v === undefined,
);

export type ErrorClass = typeof EncodingError | typeof CableError | typeof CryptoError;

const CODES = new Map<ErrorClass, readonly string[]>([
  [EncodingError, ENCODING_ERROR_CODES],
  [CableError, CABLE_ERROR_CODES],
  [CryptoError, CRYPTO_ERROR_CODES],
]);

export interface Row {
  readonly name: string;
  /** A valid call; each argument, and each own field of a plain-object argument, is replaced in turn. */
  readonly args: () => readonly unknown[] | Promise<readonly unknown[]>;
  readonly call: (...args: unknown[]) => unknown;
  /** The classes it may fail with. */
  readonly errors: readonly ErrorClass[];
  /** 'throws' (default): returns or throws; 'false': a verifier; 'undefined': answers undefined. */
  readonly channel?: 'throws' | 'false' | 'undefined';
  /** Returns a promise or an async iterable, so it must never throw synchronously. */
  readonly async?: boolean;
  /** Argument positions whose fields are not mutated one by one (opaque objects, big arrays). */
  readonly opaque?: readonly number[];
  /** Hostile values that are a legitimate input at `path` (`0`, `1.draft`): accepted calls are checked. */
  readonly accepts?: (value: unknown, path: string) => boolean;
  /** Argument positions that are a `field` path: fed HOSTILE_FIELDS only (see the report on decode.ts). */
  readonly fields?: readonly number[];
  /** Checks a value returned for an accepted call, made with `args`. */
  readonly check?: (result: unknown, path: string, args: readonly unknown[]) => void;
}

export function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message.slice(0, 200)}`;
  try {
    return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value).slice(0, 80);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** The valid call with `value` at `path`: `[position]` or `[position, key]`. */
function mutate(args: readonly unknown[], path: readonly [number, string?], value: unknown): unknown[] {
  const out = args.slice();
  const [position, key] = path;
  if (key === undefined) out[position] = value;
  else out[position] = { ...(args[position] as object), [key]: value };
  return out;
}

function pathsOf(row: Row, args: readonly unknown[]): (readonly [number, string?])[] {
  const out: (readonly [number, string?])[] = [];
  args.forEach((arg, position) => {
    out.push([position]);
    if (row.opaque?.includes(position) || row.fields?.includes(position) || !isPlain(arg)) return;
    for (const key of Object.keys(arg)) out.push([position, key]);
  });
  return out;
}

async function settle(result: unknown): Promise<unknown> {
  if (typeof result === 'object' && result !== null && Symbol.asyncIterator in result) {
    const items: unknown[] = [];
    for await (const item of result as AsyncIterable<unknown>) items.push(item);
    return items;
  }
  return await result;
}

const prototypeBefore = snapshot();
function snapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype]
    .map((p) => Reflect.ownKeys(p).map(String).sort().join(','))
    .join('|');
}

/** Asserts that no call has written to the shared prototypes. */
export function assertNoPollution(where: string): void {
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, `${where}: Object.prototype polluted`);
  assert.equal(snapshot(), prototypeBefore, `${where}: a shared prototype changed`);
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Calls the row once; fails on a synchronous throw from an async function. */
export async function outcome(row: Row, args: readonly unknown[], where: string): Promise<Outcome> {
  let result: unknown;
  try {
    result = row.call(...args);
  } catch (error) {
    if (row.async) assert.fail(`${where}: threw synchronously (${describeValue(error)})`);
    return { ok: false, error };
  }
  try {
    return { ok: true, value: await settle(result) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    assertNoPollution(where);
  }
}

/** Fails unless `error` is a ValiseError of one of `classes` with a code from its closed list. */
export function assertTyped(error: unknown, classes: readonly ErrorClass[], where: string): void {
  const cls = classes.find((c) => error instanceof c);
  if (!cls || !(error instanceof ValiseError)) assert.fail(`${where}: threw ${describeValue(error)}`);
  assert.ok(CODES.get(cls)!.includes(error.code), `${where}: unknown code ${error.code}`);
}

/** Runs the valid call, then every hostile value at every path of the row. */
export async function runRow(row: Row): Promise<void> {
  const valid = await row.args();
  const first = await outcome(row, valid, `${row.name}(valid)`);
  if (!first.ok) assert.fail(`${row.name} refuses its valid arguments: ${describeValue(first.error)}`);
  if (row.channel === 'false') assert.equal(first.value, true, `${row.name}(valid) does not verify`);
  for (const path of pathsOf(row, valid)) {
    const pathName = path.join('.');
    const table = row.fields?.includes(path[0]) ? HOSTILE_FIELDS : HOSTILE;
    for (const [label, value] of table) {
      const where = `${row.name} with ${label} at argument ${pathName}`;
      const args = mutate(valid, path, value);
      const result = await outcome(row, args, where);
      if (row.channel === 'false') {
        if (!result.ok) assert.fail(`${where}: a verifier threw ${describeValue(result.error)}`);
        if (result.value === true && (row.accepts?.(value, pathName) ?? false)) continue;
        assert.equal(result.value, false, `${where}: verified`);
        continue;
      }
      if (!result.ok) {
        if (!isOwnException(value, result.error)) assertTyped(result.error, row.errors, where);
        continue;
      }
      if (row.channel === 'undefined' && result.value === undefined) continue;
      if (!(row.accepts?.(value, pathName) ?? false)) {
        assert.fail(`${where}: was accepted, returning ${describeValue(result.value)}`);
      }
      row.check?.(result.value, pathName, args);
    }
  }
}
