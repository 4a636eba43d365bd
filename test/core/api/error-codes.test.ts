import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, type ErrorCode, errorStatus, isErrorCode } from '../../../src/core/api/error-codes.ts';
import { ENCODING_ERROR_CODES } from '../../../src/core/encoding/encoding-error.ts';
import { REQUEST_SIGNATURE_ERROR_CODES } from '../../../src/core/wire/request-signature-error.ts';
import { WEB_ERROR_CODES } from '../../../src/server/web/web-error.ts';

const CODES = Object.keys(ERROR_CODES).filter(isErrorCode);

test("only the server's own faults are 5xx; every other code is a 4xx", () => {
  for (const code of CODES) {
    const status = errorStatus(code);
    // INTEGRITY_FAILED: stored data failed its check (tampering), never the request's fault.
    if (code === 'INTERNAL' || code === 'STORE_UNAVAILABLE' || code === 'INTEGRITY_FAILED')
      assert.ok(status >= 500, code);
    else assert.ok(status >= 400 && status < 500, `${code} is ${status}`);
  }
});

test('every decoder, request-signature and web code is in the one list, with a status', () => {
  for (const code of [...ENCODING_ERROR_CODES, ...REQUEST_SIGNATURE_ERROR_CODES, ...WEB_ERROR_CODES]) {
    assert.ok(isErrorCode(code), code);
  }
  for (const code of REQUEST_SIGNATURE_ERROR_CODES) assert.equal(errorStatus(code), 401, code);
  assert.equal(errorStatus('TOO_LARGE'), 413);
});

test('a code outside the list is not a wire code, whatever its shape', () => {
  for (const code of ['NOPE', 'toString', '__proto__', 'constructor', '', 'not_found', 42, null]) {
    assert.equal(isErrorCode(code), false, String(code));
  }
});

test('every code says what it means', () => {
  for (const code of CODES) assert.ok(ERROR_CODES[code].meaning.length >= 10, code);
});

test('the statuses docs/api.md lists', () => {
  const expected: [ErrorCode, number][] = [
    ['MALFORMED', 400],
    ['SIGNATURE_MISSING', 401],
    ['SESSION_REQUIRED', 401],
    ['PASSKEY_WRONG_ORIGIN', 401],
    ['DEVICE_REVOKED', 403],
    ['ORIGIN_MISMATCH', 403],
    ['STEP_UP_REQUIRED', 403],
    ['NOT_FOUND', 404],
    ['SERIES_CONFLICT', 409],
    ['INVITATION_USED', 409],
    ['ALREADY_EXISTS', 409],
    ['INVITATION_EXPIRED', 410],
    ['WRAPPED_SET_MISMATCH', 422],
    ['CERTIFICATE_INVALID', 422],
    ['RATE_LIMITED', 429],
  ];
  for (const [code, status] of expected) assert.equal(errorStatus(code), status, code);
});
