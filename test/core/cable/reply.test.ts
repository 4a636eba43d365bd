/** What a reply takes from its original, and the rule that it is never classified lower. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  isReplyDowngrade,
  replyAddressees,
  replyLevels,
  replySubject,
} from '../../../src/core/cable/reply.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import type { Classification } from '../../../src/core/identity/classification.ts';

const original = {
  org: 'DE',
  classification: 'RESTREINT UE' as const,
  distribution: [
    { org: 'CY', role: 'info' as const },
    { org: 'FR', role: 'action' as const },
    { org: 'IT', role: 'action' as const },
  ],
  groups: ['COEST'],
};

describe('replies', () => {
  test('a reply is a downgrade exactly when its level is below the original', () => {
    assert.equal(isReplyDowngrade('CONFIDENTIEL UE', 'RESTREINT UE'), true);
    assert.equal(isReplyDowngrade('RESTREINT UE', 'UNCLASSIFIED'), true);
    assert.equal(isReplyDowngrade('RESTREINT UE', 'RESTREINT UE'), false);
    assert.equal(isReplyDowngrade('RESTREINT UE', 'SECRET UE'), false);
  });

  test('a level that is not a classification fails closed', () => {
    assert.equal(isReplyDowngrade('RESTREINT UE', 'TRES SECRET UE' as Classification), true);
    assert.equal(isReplyDowngrade('NOPE' as Classification, 'SECRET UE'), true);
  });

  test('the levels offered start at the original and stop at the cap', () => {
    assert.deepEqual(replyLevels('RESTREINT UE', 'CONFIDENTIEL UE'), ['RESTREINT UE', 'CONFIDENTIEL UE']);
    assert.deepEqual(replyLevels('CONFIDENTIEL UE', 'RESTREINT UE'), []);
  });

  test('the sender becomes the action addressee, the others info, never the replier', () => {
    assert.deepEqual(replyAddressees(original, 'FR'), [
      { org: 'CY', role: 'info' },
      { org: 'DE', role: 'action' },
      { org: 'IT', role: 'info' },
    ]);
  });

  test("replying to one's own organisation's cable keeps its roles", () => {
    assert.deepEqual(replyAddressees(original, 'DE'), original.distribution);
  });

  test('RE: is added once, whatever the original already had', () => {
    assert.equal(replySubject('Elections'), 'RE: Elections');
    assert.equal(replySubject('RE: Elections'), 'RE: Elections');
    assert.equal(replySubject('Re: re:RE : Elections'), 'RE: Elections');
    assert.equal(replySubject('Reform of the treaty'), 'RE: Reform of the treaty');
    assert.equal(replySubject('x'.repeat(300)).length, 300);
  });

  test('anything in every argument: an answer or an EncodingError, never a bare error', () => {
    const settles = (run: () => unknown) => {
      try {
        return run();
      } catch (error) {
        assert.ok(error instanceof EncodingError, `not an EncodingError: ${String(error)}`);
        return undefined;
      }
    };
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        assert.equal(typeof isReplyDowngrade(a as never, b as never), 'boolean');
        assert.ok(Array.isArray(replyLevels(a as never, b as never)));
        settles(() => replySubject(a as never));
        settles(() => replyAddressees(a as never, b as never));
        settles(() => replyAddressees({ ...original, distribution: [a] } as never, 'FR'));
      }),
    );
  });
});
