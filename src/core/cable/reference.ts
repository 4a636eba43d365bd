/**
 * Cable references `<ORG>/<serial>/<yy>` (e.g. `DE/42/26`): the serial is gapless per
 * organisation and year, starting at 1. The header carries org, serial and the full year;
 * the reference is their rendering, and `parseReference` is its strict inverse.
 */
import { EncodingError } from '../encoding/encoding-error.ts';
import { ORG_ID_PATTERN } from '../encoding/identifiers.ts';

export const MAX_SERIAL = 999_999;
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2099;

export interface Reference {
  readonly org: string;
  readonly serial: number;
  readonly year: number;
}

const REFERENCE_PATTERN = /^([A-Z][A-Z0-9]{1,7})\/([1-9][0-9]{0,5})\/([0-9]{2})$/;

/** Renders a reference; an org, serial or year out of its range is an EncodingError naming it. */
export function formatReference(ref: Reference): string {
  if (typeof ref !== 'object' || ref === null) {
    throw new EncodingError('WRONG_TYPE', 'reference', 'reference: expected { org, serial, year }');
  }
  const { org, serial, year } = ref;
  if (typeof org !== 'string' || !ORG_ID_PATTERN.test(org)) {
    throw new EncodingError('INVALID_VALUE', 'reference.org', 'reference.org: expected an org id such as DE');
  }
  if (!isIntegerIn(serial, 1, MAX_SERIAL)) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'reference.serial',
      `reference.serial: expected an integer from 1 to ${MAX_SERIAL}`,
    );
  }
  if (!isIntegerIn(year, MIN_YEAR, MAX_YEAR)) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'reference.year',
      `reference.year: expected a year from ${MIN_YEAR} to ${MAX_YEAR}`,
    );
  }
  return `${org}/${serial}/${String(year % 100).padStart(2, '0')}`;
}

/** Parses a reference; `field` names it in the error. Years are read in 2000–2099. */
export function parseReference(text: unknown, field = 'reference'): Reference {
  if (typeof field !== 'string') {
    throw new EncodingError('WRONG_TYPE', '', 'field: expected the path that names the reference');
  }
  if (typeof text !== 'string') {
    throw new EncodingError('WRONG_TYPE', field, `${field} must be a string like DE/42/26`);
  }
  const match = text.length <= 20 ? REFERENCE_PATTERN.exec(text) : null;
  const [, org, serial, yy] = match ?? [];
  if (org === undefined || !ORG_ID_PATTERN.test(org)) {
    throw new EncodingError('INVALID_VALUE', field, `${field} must look like DE/42/26 (org/serial/yy)`);
  }
  return { org, serial: Number(serial), year: 2000 + Number(yy) };
}

/** A decoder for the `replyTo` field: keeps the canonical string form. */
export function decodeReference(value: unknown, field: string): string {
  const ref = parseReference(value, field);
  return formatReference(ref);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}
