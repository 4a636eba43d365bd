/** Which browser acts need a fresh passkey touch (src/server/web/step-up-rule.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepUpReason } from '../../../src/server/web/step-up-rule.ts';

const body = (header: Record<string, unknown>) =>
  new TextEncoder().encode(JSON.stringify({ cable: { header } }));

test('a silence-procedure act from a browser needs step-up, whatever its classification', () => {
  for (const silence of ['open', 'extend', 'withdraw', 'object']) {
    assert.match(
      stepUpReason('POST', '/api/v1/cables', body({ classification: 'UNCLASSIFIED', silence })) ?? '',
      new RegExp(`silence procedure act \\(${silence}\\)`),
    );
  }
  assert.equal(stepUpReason('POST', '/api/v1/cables', body({ classification: 'RESTREINT UE' })), undefined);
  assert.match(
    stepUpReason('POST', '/api/v1/cables', body({ classification: 'CONFIDENTIEL UE' })) ?? '',
    /CONFIDENTIEL/,
  );
});
