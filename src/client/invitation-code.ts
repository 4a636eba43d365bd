/**
 * The one-time enrolment code a security officer hands to an invitee:
 * `<invitation id>.<32-byte secret, base64url>`. The device derives two keys from the
 * secret (core/identity/enrolment-binding.ts): one it sends, of which the server keeps only
 * the SHA-256, so its database cannot enrol anyone; and one the server never sees, with
 * which the device binds its public keys for the officer.
 */
import { fromBase64url, toBase64url } from '../core/encoding/bytes.ts';
import { RANDOM_ID_PATTERN } from '../core/encoding/identifiers.ts';
import { INVITATION_SECRET_BYTES } from '../core/identity/enrolment-binding.ts';
import { ClientError } from './client-error.ts';

export { INVITATION_SECRET_BYTES };

export interface InvitationCode {
  readonly invitation: string;
  readonly secret: Uint8Array;
}

export function formatInvitationCode(code: InvitationCode): string {
  return `${code.invitation}.${toBase64url(code.secret)}`;
}

export function parseInvitationCode(text: string): InvitationCode {
  const [invitation, secretText, ...rest] = text.trim().split('.');
  const secret = secretText === undefined ? undefined : fromBase64url(secretText);
  if (
    rest.length > 0 ||
    !invitation ||
    !RANDOM_ID_PATTERN.test(invitation) ||
    secret?.length !== INVITATION_SECRET_BYTES
  ) {
    throw new ClientError(
      'INVALID_CODE',
      'the enrolment code must be <invitation>.<secret> exactly as your security officer gave it',
    );
  }
  return { invitation, secret };
}
