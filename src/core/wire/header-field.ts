/**
 * Reads one header field out of a plain `Record<string, string | undefined>`, the shape both
 * Fastify (`request.headers`) and `fetch` callers (`Object.fromEntries(headers)`) can give.
 * Field names are case-insensitive (RFC 9110 §5.1), so two keys that differ only in case
 * are ambiguous and refused rather than one silently winning. Only own keys are read, so a
 * `__proto__` or `constructor` key is just a key.
 */
import { RequestSignatureError, type RequestSignatureErrorCode } from './request-signature-error.ts';

export type HeaderFields = Readonly<Record<string, string | undefined>>;

/**
 * The value of the field named `name` (lowercase), or undefined when it is absent. Throws a
 * RequestSignatureError with `code` when `headers` is not an object, the field is given
 * twice under different casings, or its value is not a string.
 */
export function readHeaderField(
  headers: HeaderFields,
  name: string,
  code: RequestSignatureErrorCode,
): string | undefined {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new RequestSignatureError(code, 'headers must be a plain object of field name to string value');
  }
  let value: unknown;
  let found = false;
  for (const key of Object.keys(headers)) {
    // ASCII case folding only: `toLowerCase` would also fold U+212A KELVIN SIGN into `k`.
    if (key.length !== name.length || key.replace(/[A-Z]/g, (c) => c.toLowerCase()) !== name) continue;
    const candidate: unknown = (headers as Record<string, unknown>)[key];
    if (candidate === undefined) continue;
    if (found) {
      throw new RequestSignatureError(
        code,
        `the ${name} field is given twice under different casings; send it once`,
      );
    }
    found = true;
    value = candidate;
  }
  if (!found) return undefined;
  if (typeof value !== 'string') {
    throw new RequestSignatureError(code, `the ${name} field must be a single string value`);
  }
  return value;
}
