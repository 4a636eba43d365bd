import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENCODING_ERROR_CODES } from '../../src/core/encoding/encoding-error.ts';
import { REQUEST_SIGNATURE_ERROR_CODES } from '../../src/core/wire/request-signature-error.ts';
import { httpStatus } from '../../src/server/http-status.ts';
import { isServerErrorCode, SERVER_ERROR_CODES } from '../../src/server/server-error.ts';

test("only the server's own faults are 5xx; every other code is a 4xx", () => {
  for (const code of SERVER_ERROR_CODES) {
    const status = httpStatus(code);
    if (code === 'INTERNAL' || code === 'INTEGRITY_FAILED' || code === 'STORE_UNAVAILABLE')
      assert.ok(status >= 500, code);
    else assert.ok(status >= 400 && status < 500, `${code} is ${status}`);
  }
});

test('every decoder and request-signature code has a server code and status', () => {
  for (const code of [...ENCODING_ERROR_CODES, ...REQUEST_SIGNATURE_ERROR_CODES]) {
    assert.ok(isServerErrorCode(code), code);
  }
  for (const code of REQUEST_SIGNATURE_ERROR_CODES) assert.equal(httpStatus(code), 401, code);
  assert.equal(httpStatus('TOO_LARGE'), 413);
});

test('the statuses docs/api.md lists', () => {
  const expected: [Parameters<typeof httpStatus>[0], number][] = [
    ['MALFORMED', 400],
    ['SIGNATURE_MISSING', 401],
    ['DEVICE_REVOKED', 403],
    ['NOT_FOUND', 404],
    ['SERIES_CONFLICT', 409],
    ['INVITATION_USED', 409],
    ['ALREADY_EXISTS', 409],
    ['INVITATION_EXPIRED', 410],
    ['WRAPPED_SET_MISMATCH', 422],
    ['CERTIFICATE_INVALID', 422],
    ['RATE_LIMITED', 429],
  ];
  for (const [code, status] of expected) assert.equal(httpStatus(code), status, code);
});
