/**
 * The challenge checks every passkey ceremony shares, in order: the response was made on
 * this node's origin (a look-alike site's is refused first, with its own code), then its
 * challenge is one this node issued, for this purpose and subject, not yet used (it is
 * used up now, whatever follows) and not expired.
 */

import type { ChallengePurpose } from '../store/web-store.ts';
import type { ClientData } from './passkey-response.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';

export async function takeChallenge(
  web: WebContext,
  clientData: ClientData,
  purpose: ChallengePurpose,
  subject: string,
  now: number,
): Promise<string> {
  // WebAuthn §7.1 step 9 / §7.2 step 13: the origin the browser saw must be ours.
  if (clientData.origin !== web.options.origin) {
    throw new WebError(
      'PASSKEY_WRONG_ORIGIN',
      `this passkey response was made on ${clientData.origin}, not on ${web.options.origin}: a look-alike site tried to use it; nothing was signed in`,
    );
  }
  const expectedType = purpose === 'enrol' ? 'webauthn.create' : 'webauthn.get';
  if (clientData.type !== expectedType) {
    throw new WebError('PASSKEY_INVALID', `expected a ${expectedType} response`);
  }
  const challenge = await web.store.takeChallenge(clientData.challenge);
  if (!challenge || challenge.purpose !== purpose || challenge.subject !== subject) {
    throw new WebError(
      'CHALLENGE_INVALID',
      'this passkey response answers no challenge of this node; start again',
    );
  }
  if (now >= challenge.expiresAt) {
    throw new WebError('CHALLENGE_INVALID', 'the passkey prompt timed out; start again');
  }
  return challenge.challenge;
}
