/**
 * What ties an officer's approval to the keys the invitee's device made (docs/design.md §5),
 * so that a server that swaps the keys of a pending enrolment gets a refusal, not a
 * certificate.
 *
 * - The invitation code's 32-byte secret is split by HKDF-SHA-256 (RFC 5869) into two keys
 *   with their own labels: the *redeem* secret, which the device sends and the server keeps
 *   the SHA-256 of, and the *binding* key, which never leaves the code and the officer's
 *   device. HKDF is one-way, so the server cannot derive the binding key from what it sees.
 * - The invitee's device MACs (HMAC-SHA-256, RFC 2104) the invitation id, its device id,
 *   label and both public keys under the binding key; the officer's device checks the MAC
 *   in constant time before it signs anything.
 * - The comparison code is a labelled SHA-256 of the device's two public keys, shown on both
 *   devices for the people to compare: it catches someone who intercepted the code and
 *   enrolled before the invitee (their MAC is valid, their keys are not the invitee's).
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { LABELS } from '../crypto/labels.ts';
import { concatBytes, constantTimeEqual, i2osp, utf8 } from '../encoding/bytes.ts';

export const INVITATION_SECRET_BYTES = 32;
export const ENROLMENT_BINDING_BYTES = 32;

export interface InvitationKeys {
  /** Sent to the server with the enrolment; the server keeps only its SHA-256. */
  readonly redeem: Uint8Array;
  /** Never sent: authenticates the device's public keys for the officer. */
  readonly binding: Uint8Array;
}

export function invitationKeys(secret: Uint8Array): InvitationKeys {
  if (!(secret instanceof Uint8Array) || secret.length !== INVITATION_SECRET_BYTES) {
    throw new RangeError(`secret: an invitation secret is ${INVITATION_SECRET_BYTES} bytes`);
  }
  return {
    redeem: hkdf(sha256, secret, undefined, utf8(LABELS.invitationRedeem), 32),
    binding: hkdf(sha256, secret, undefined, utf8(LABELS.enrolmentBindingKey), 32),
  };
}

/** What the binding MAC covers: the invitation, and the device with its public keys. */
export interface BoundDevice {
  readonly invitation: string;
  readonly device: string;
  readonly label: string;
  readonly signingKey: Uint8Array;
  readonly kemKey: Uint8Array;
}

export function bindEnrolment(bindingKey: Uint8Array, device: BoundDevice): Uint8Array {
  return hmac(sha256, bindingKey, bindingMessage(device));
}

/** True only when `mac` is the binding of exactly these keys; never throws. */
export function verifyEnrolmentBinding(
  bindingKey: Uint8Array,
  device: BoundDevice,
  mac: Uint8Array,
): boolean {
  try {
    return constantTimeEqual(bindEnrolment(bindingKey, device), mac);
  } catch {
    return false;
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Four groups of four base32 characters (80 bits) of a labelled SHA-256 of the device's
 * public keys, e.g. `K4MQ-7ZTA-B2XR-QJ5D`: short enough to read aloud, long enough that a
 * substitute key pair cannot be searched to match.
 */
export function comparisonCode(signingKey: Uint8Array, kemKey: Uint8Array): string {
  const digest = sha256(concatBytes(utf8(LABELS.comparisonCode), new Uint8Array([0]), signingKey, kemKey));
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of digest.subarray(0, 10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32[(value >> bits) & 31];
    }
  }
  return text.match(/.{4}/g)?.join('-') ?? text;
}

/** The code as a person typed it: upper case, without spaces or dashes. */
export function normaliseComparisonCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

function bindingMessage(d: BoundDevice): Uint8Array {
  const field = (bytes: Uint8Array) => concatBytes(i2osp(bytes.length, 4), bytes);
  return concatBytes(
    utf8(LABELS.enrolmentBinding),
    new Uint8Array([0]),
    field(utf8(d.invitation)),
    field(utf8(d.device)),
    field(utf8(d.label)),
    field(d.signingKey),
    field(d.kemKey),
  );
}
