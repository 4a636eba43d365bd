/**
 * Argument checks for every public function of the HPKE layer. They run before any work, name
 * the offending argument, and never throw anything but a CryptoError, whatever they are fed
 * (proxies, getters that throw, objects whose prototype claims to be a Uint8Array).
 *
 * `requireBytes` gives byte arguments back as a fresh copy on their own ArrayBuffer: the caller
 * cannot change them while an asynchronous operation is running, and WebCrypto accepts them as
 * they are (it rejects views on a SharedArrayBuffer). `checkBytes` checks the same and gives the
 * argument itself, for a function that has used the bytes before it returns (no await between
 * the check and the last read): a copy there guards nothing, and the key schedule of one wrap
 * made dozens of them.
 */
import { CRYPTO_ERROR_CODES, CryptoError, type CryptoErrorCode } from './crypto-error.ts';

/** RFC 9180 §7.2.1 allows about 2^61 bytes; this bound keeps a hostile caller's hashing cost small. */
export const MAX_LABELED_INPUT_LENGTH = 65_536;

// The %TypedArray%.prototype getters read internal slots, so they cannot be fooled by a forged
// prototype, an own `length` or `Symbol.toStringTag` property, or a Proxy.
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag)?.get;
const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, 'length')?.get;

export function isBytes(value: unknown): value is Uint8Array {
  if (typedArrayTag === undefined) return value instanceof Uint8Array;
  return typedArrayTag.call(value) === 'Uint8Array';
}

function byteLength(bytes: Uint8Array): number {
  return typedArrayLength === undefined ? bytes.length : (typedArrayLength.call(bytes) as number);
}

/** An argument name fit for a message: our callers pass string literals, anyone else gets a stand-in. */
function nameOf(name: unknown): string {
  return typeof name === 'string' ? name : 'argument';
}

export interface ByteRule {
  readonly length?: number;
  readonly min?: number;
  readonly max?: number;
  /** The code for bytes of the wrong size (BAD_ARGUMENT unless the bytes are a key or an enc). */
  readonly code?: CryptoErrorCode;
}

interface ReadRule {
  exact: number | undefined;
  min: number | undefined;
  max: number | undefined;
  code: CryptoErrorCode;
}

/** No rule: what a byte check reads when its caller gives none (most calls). */
const NO_RULE: ReadRule = { exact: undefined, min: undefined, max: undefined, code: 'BAD_ARGUMENT' };

const sizeOf = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * A rule is one of our own literals, read on every byte check (a dozen times a wrap): plain
 * reads, without the descriptor objects `ownValue` makes (8% of what a wrap allocated).
 * Anything that is not a rule object reads as no rule, whatever its getters or traps do.
 */
function readRule(rule: unknown): ReadRule {
  if (rule === undefined) return NO_RULE;
  try {
    const { length, min, max, code } = rule as ByteRule;
    return {
      exact: sizeOf(length),
      min: sizeOf(min),
      max: sizeOf(max),
      code: CRYPTO_ERROR_CODES.includes(code as CryptoErrorCode) ? (code as CryptoErrorCode) : 'BAD_ARGUMENT',
    };
  } catch {
    return NO_RULE;
  }
}

/** Checks that `value` is a Uint8Array within the rule. */
function checkedBytes(value: unknown, label: string, rule: unknown): Uint8Array {
  if (!isBytes(value)) {
    throw new CryptoError('BAD_ARGUMENT', `${label} must be a Uint8Array, got ${describe(value)}`);
  }
  const length = byteLength(value);
  const { exact, min, max, code } = readRule(rule);
  if (exact !== undefined && length !== exact) {
    throw new CryptoError(code, `${label} must be ${exact} bytes, got ${length}`);
  }
  if (min !== undefined && length < min) {
    throw new CryptoError(code, `${label} must be at least ${min} bytes, got ${length}`);
  }
  if (max !== undefined && length > max) {
    throw new CryptoError(code, `${label} must be at most ${max} bytes, got ${length}`);
  }
  return value;
}

function copyOf(bytes: Uint8Array, label: string): Uint8Array<ArrayBuffer> {
  // Copying reads the internal slots too; a detached buffer is the only way it can still fail.
  try {
    return new Uint8Array(bytes);
  } catch (cause) {
    throw new CryptoError('BAD_ARGUMENT', `${label} could not be read (detached buffer?)`, { cause });
  }
}

/** Checks that `value` is a Uint8Array within the rule and returns a private copy of it. */
export function requireBytes(value: unknown, name: string, rule?: ByteRule): Uint8Array<ArrayBuffer> {
  const label = nameOf(name);
  return copyOf(checkedBytes(value, label, rule), label);
}

/**
 * Checks that `value` is a Uint8Array within the rule and returns it, not a copy: only for a
 * caller that reads it before returning (see the header). A plain Uint8Array comes back as it
 * is; anything odder (a subclass, a changed prototype, an own `length`, a detached buffer,
 * which reads as empty) comes back as a copy or fails as `requireBytes` does, so what the
 * caller reads is what was checked.
 */
export function checkBytes(value: unknown, name: string, rule?: ByteRule): Uint8Array {
  const label = nameOf(name);
  const bytes = checkedBytes(value, label, rule);
  const plain =
    Object.getPrototypeOf(bytes) === Uint8Array.prototype &&
    !Object.hasOwn(bytes, 'length') &&
    byteLength(bytes) > 0;
  return plain ? bytes : copyOf(bytes, label);
}

/** Checks that `value` is a boolean. */
export function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new CryptoError('BAD_ARGUMENT', `${nameOf(name)} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** Checks that `value` is an integer in [min, max]. */
export function requireInteger(value: unknown, name: string, min: number, max: number): number {
  const low = typeof min === 'number' ? min : 0;
  const high = typeof max === 'number' ? max : 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
    throw new CryptoError(
      'BAD_ARGUMENT',
      `${nameOf(name)} must be an integer in [${describe(low)}, ${describe(high)}], got ${describe(value)}`,
    );
  }
  return value;
}

/** Reads an own data property without running getters or consulting the prototype chain. */
export function ownValue(object: unknown, key: string): unknown {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined; // a Proxy whose trap throws has no usable value
  }
}

/** A short, safe description of a value for an error message (never the value of a secret). */
export function describe(value: unknown): string {
  try {
    if (value === null) return 'null';
    if (isBytes(value)) return `Uint8Array(${byteLength(value)})`;
    if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
    if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
    return typeof value;
  } catch {
    return 'an unreadable value'; // Array.isArray throws on a revoked Proxy
  }
}

/** Reads `{ extractable?: boolean }`; anything else is a BAD_ARGUMENT. */
export function requireExtractable(options: unknown): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null) {
    throw new CryptoError(
      'BAD_ARGUMENT',
      `options must be an object like { extractable: true }, got ${describe(options)}`,
    );
  }
  const extractable = ownValue(options, 'extractable');
  if (extractable !== undefined && typeof extractable !== 'boolean') {
    throw new CryptoError(
      'BAD_ARGUMENT',
      `options.extractable must be a boolean, got ${describe(extractable)}`,
    );
  }
  return extractable === true;
}

/** Checks that `value` is an object tagged `kind`, returning it for `ownValue` reads. */
export function requireTagged(value: unknown, kind: string, name: string): object {
  if (typeof value !== 'object' || value === null || ownValue(value, 'kind') !== kind) {
    throw new CryptoError(
      'BAD_KEY',
      `${nameOf(name)} must be a ${nameOf(kind)} (from this KEM's generate, derive or import)`,
    );
  }
  return value;
}
