import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ClientError } from '../../src/client/client-error.ts';
import { formatInvitationCode, parseInvitationCode } from '../../src/client/invitation-code.ts';
import { toBase64url } from '../../src/core/encoding/bytes.ts';

const id = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(toBase64url);
const secret = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('invitation codes', () => {
  test('parse(format(code)) = code', () => {
    fc.assert(
      fc.property(id, secret, (invitation, s) => {
        assert.deepEqual(parseInvitationCode(formatInvitationCode({ invitation, secret: s })), {
          invitation,
          secret: s,
        });
      }),
    );
  });

  test('anything else is INVALID_CODE', () => {
    const good = formatInvitationCode({ invitation: 'AAAAAAAAAAAAAAAAAAAAAA', secret: new Uint8Array(32) });
    for (const bad of [
      '',
      '.',
      good.split('.')[0]!,
      `${good}.x`,
      good.slice(0, -1),
      `x${good}`,
      good.replace('.', ':'),
    ]) {
      assert.throws(
        () => parseInvitationCode(bad),
        (e: unknown) => e instanceof ClientError && e.code === 'INVALID_CODE',
        bad,
      );
    }
  });

  test('surrounding white space from a copy-paste is ignored', () => {
    const good = formatInvitationCode({ invitation: 'AAAAAAAAAAAAAAAAAAAAAA', secret: new Uint8Array(32) });
    assert.equal(parseInvitationCode(`  ${good}\n`).invitation, 'AAAAAAAAAAAAAAAAAAAAAA');
  });
});
