/**
 * Signs a certificate body with its issuer's key (root for organisations, the
 * organisation for users, devices and revocations). The body is checked by its own decoder
 * first, so nothing malformed is ever signed.
 */

import { encodeCanonical } from './canonical-json.ts';
import type { CertificateBody, SignedEntry } from './certificate.ts';
import { decodeCertificateBody } from './certificate.ts';
import type { Signer } from './ed25519.ts';
import { signLabelled } from './ed25519.ts';
import { LABELS } from './labels.ts';
import { toJsonValue } from './to-json.ts';

export async function issueCertificate<B extends CertificateBody>(
  body: B,
  issuer: Signer,
): Promise<SignedEntry<B>> {
  const json = toJsonValue(body);
  decodeCertificateBody(json, 'certificate');
  const signature = await signLabelled(issuer, LABELS.certificate, encodeCanonical(json));
  return { body, signature };
}

export function certificateBytes(body: CertificateBody): Uint8Array {
  return encodeCanonical(toJsonValue(body));
}
