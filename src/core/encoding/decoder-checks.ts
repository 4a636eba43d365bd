/**
 * What every decoder builder checks the same way: plain objects, own data properties (never a
 * getter), its own options at build time, and the wording of a wrong-type error.
 */
import { EncodingError, fieldName } from './encoding-error.ts';

export function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Reads an own data property without running getters or following the prototype chain. */
export function readOwn(
  target: object,
  key: string | number,
  field: string,
): { present: boolean; value: unknown } {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined) return { present: false, value: undefined };
  if (!('value' in descriptor)) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected a data value, got an accessor`);
  }
  return { present: true, value: descriptor.value };
}

/** A non-negative integer option of a decoder builder, or a misconfiguration error. */
export function bound(value: unknown, builder: string, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw misconfigured(builder, option, 'must be a non-negative integer');
  }
  return value;
}

export function misconfigured(builder: string, option: string, what: string): EncodingError {
  const f = `${builder}.${option}`;
  return new EncodingError('INVALID_VALUE', f, `${builder}(): ${option} ${what}; fix the decoder definition`);
}

export function wrongType(field: string, expected: string, value: unknown): EncodingError {
  return new EncodingError(
    'WRONG_TYPE',
    field,
    `${fieldName(field)}: expected ${expected}, got ${typeName(value)}`,
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : 'a non-plain object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}
