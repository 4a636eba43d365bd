/**
 * Signs a certificate body with its issuer's key (root for organisations, the
 * organisation for users, devices and revocations). The body is checked by its own decoder
 * first, so nothing malformed is ever signed.
 */

import type { Signer } from '../crypto/ed25519.ts';
import { signLabelled } from '../crypto/ed25519.ts';
import { LABELS } from '../crypto/labels.ts';
import { encodeCanonical } from '../encoding/canonical-json.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { CertificateBody, SignedEntry } from './certificate.ts';
import { decodeCertificateBody } from './certificate.ts';

export async function issueCertificate<B extends CertificateBody>(
  body: B,
  issuer: Signer,
): Promise<SignedEntry<B>> {
  const signature = await signLabelled(issuer, LABELS.certificate, certificateBytes(body));
  return { body, signature };
}

/** The signed bytes of a certificate body: its canonical form, once it decodes. */
export function certificateBytes(body: CertificateBody): Uint8Array {
  const json = toJsonValue(body);
  decodeCertificateBody(json, 'certificate');
  return encodeCanonical(json);
}
