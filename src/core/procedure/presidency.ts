/**
 * The Presidency in the network configuration (docs/design.md §2, "Silence procedure"): the
 * organisation that alone may open a silence procedure, with its term. The network
 * authority names it with an act signed by the network root key, so a client checks it
 * against the root it pinned, never the server's word; the server logs each act it takes
 * (`network.presidency`). A later act (greater `issuedAt`) replaces an earlier one.
 */

import type { Signer } from '../crypto/ed25519.ts';
import { signLabelled, verifyLabelled } from '../crypto/ed25519.ts';
import { LABELS } from '../crypto/labels.ts';
import { encodeCanonical } from '../encoding/canonical-json.ts';
import { MAX_TIME, MIN_TIME } from '../encoding/date-time-group.ts';
import type { Decoder } from '../encoding/decode.ts';
import { integer, literal, object } from '../encoding/decode.ts';
import { childField, EncodingError } from '../encoding/encoding-error.ts';
import { decodeEd25519Signature, decodeOrgId } from '../encoding/identifiers.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import { decodeNetworkName } from '../identity/certificate.ts';

export interface Presidency {
  readonly v: 1;
  readonly kind: 'presidency';
  readonly network: string;
  readonly org: string;
  /** The term, Unix seconds: from `from` (inclusive) to `until` (exclusive). */
  readonly from: number;
  readonly until: number;
  readonly issuedAt: number;
}

export interface SignedPresidency {
  readonly body: Presidency;
  /** The network root's signature over the canonical body. */
  readonly signature: Uint8Array;
}

const decodeTime = integer({ min: MIN_TIME, max: MAX_TIME });

export const decodePresidency: Decoder<Presidency> = (value, field) => {
  const body = object({
    v: literal(1),
    kind: literal('presidency'),
    network: decodeNetworkName,
    org: decodeOrgId,
    from: decodeTime,
    until: decodeTime,
    issuedAt: decodeTime,
  })(value, field);
  if (body.until <= body.from) {
    const f = childField(field, 'until');
    throw new EncodingError('OUT_OF_RANGE', f, `${f} must be after from: a term has a length`);
  }
  return body;
};

export const decodeSignedPresidency: Decoder<SignedPresidency> = object({
  body: decodePresidency,
  signature: decodeEd25519Signature,
});

/** The signed bytes: the canonical body, once it decodes. */
export function presidencyBytes(body: Presidency): Uint8Array {
  const json = toJsonValue(body);
  decodePresidency(json, 'presidency');
  return encodeCanonical(json);
}

/** Signs the act with the network root key (the network authority's, kept offline). */
export async function signPresidency(body: Presidency, root: Signer): Promise<SignedPresidency> {
  return { body, signature: await signLabelled(root, LABELS.presidency, presidencyBytes(body)) };
}

/** True when `act` is signed by `rootKey` for `network`. Never throws. */
export async function verifyPresidency(
  act: SignedPresidency,
  rootKey: Uint8Array,
  network: string,
): Promise<boolean> {
  try {
    if (act.body.network !== network) return false;
    return await verifyLabelled(rootKey, LABELS.presidency, presidencyBytes(act.body), act.signature);
  } catch {
    return false;
  }
}

/** True when `org` holds the Presidency at `at` (Unix seconds). */
export function holdsPresidency(
  act: Pick<Presidency, 'org' | 'from' | 'until'> | undefined,
  org: string,
  at: number,
): boolean {
  return act !== undefined && act.org === org && act.from <= at && at < act.until;
}
