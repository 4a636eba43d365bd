/**
 * An organisation's signing request (docs/design.md §5, "Organisation keys"): the first
 * security officer makes the organisation key on their own machine and hands the network
 * authority only this: the organisation id and the public key, signed by that key (proof of
 * possession, as a PKCS #10 request is). The authority checks it, compares the fingerprint
 * with the officer out of band, and signs the `org` certificate; it never holds the private
 * key. One line of text, `valise-org-request:<base64url of the canonical request>`, so it
 * can be mailed, pasted or read aloud by fingerprint.
 */
import type { Signer } from '../crypto/ed25519.ts';
import { signLabelled, verifyLabelled } from '../crypto/ed25519.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256 } from '../crypto/sha256.ts';
import { fromBase64url, toBase64url, toHex } from '../encoding/bytes.ts';
import { encodeCanonical } from '../encoding/canonical-json.ts';
import { decodeCanonical, type Infer, literal, object } from '../encoding/decode.ts';
import { EncodingError } from '../encoding/encoding-error.ts';
import { decodeEd25519PublicKey, decodeEd25519Signature, decodeOrgId } from '../encoding/identifiers.ts';
import { toJsonValue } from '../encoding/to-json.ts';

export const ORG_KEY_REQUEST_PREFIX = 'valise-org-request:';

const decodeRequestBody = object({
  v: literal(1),
  kind: literal('org-key-request'),
  org: decodeOrgId,
  key: decodeEd25519PublicKey,
});

export const decodeOrgKeyRequest = object({
  body: decodeRequestBody,
  signature: decodeEd25519Signature,
});
export type OrgKeyRequest = Infer<typeof decodeOrgKeyRequest>;

function bodyBytes(body: OrgKeyRequest['body']): Uint8Array {
  return encodeCanonical(toJsonValue(body));
}

export async function signOrgKeyRequest(org: string, orgKey: Signer): Promise<OrgKeyRequest> {
  const body = decodeRequestBody(
    toJsonValue({ v: 1, kind: 'org-key-request', org, key: orgKey.publicKey }),
    'request',
  );
  return { body, signature: await signLabelled(orgKey, LABELS.orgKeyRequest, bodyBytes(body)) };
}

/** Whether the request is signed by the key it names. Never throws. */
export function verifyOrgKeyRequest(request: OrgKeyRequest): Promise<boolean> {
  return verifyLabelled(request.body.key, LABELS.orgKeyRequest, bodyBytes(request.body), request.signature);
}

export function formatOrgKeyRequest(request: OrgKeyRequest): string {
  return `${ORG_KEY_REQUEST_PREFIX}${toBase64url(encodeCanonical(toJsonValue(request)))}`;
}

/** The request in a line of text; EncodingError when it is not one. */
export function parseOrgKeyRequest(text: string): OrgKeyRequest {
  const line = text.trim();
  const bytes = line.startsWith(ORG_KEY_REQUEST_PREFIX)
    ? fromBase64url(line.slice(ORG_KEY_REQUEST_PREFIX.length))
    : undefined;
  if (!bytes) {
    throw new EncodingError('INVALID_VALUE', 'request', `expected ${ORG_KEY_REQUEST_PREFIX}<base64url>`);
  }
  return decodeCanonical(bytes, decodeOrgKeyRequest, { maxBytes: 4096 });
}

/** A key's fingerprint to compare by voice: the first 10 bytes of its SHA-256, hex, in fours. */
export function keyFingerprint(key: Uint8Array): string {
  return (toHex(sha256(key).subarray(0, 10)).match(/.{4}/g) ?? []).join(' ');
}
