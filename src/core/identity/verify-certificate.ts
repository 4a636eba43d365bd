/** Checks one certificate's signature against its issuer's key. Never throws. */

import { verifyLabelled } from '../crypto/ed25519.ts';
import { LABELS } from '../crypto/labels.ts';
import type { SignedEntry } from './certificate.ts';
import { certificateBytes } from './issue-certificate.ts';

export function verifyCertificate(entry: SignedEntry, issuerKey: Uint8Array): Promise<boolean> {
  try {
    return verifyLabelled(issuerKey, LABELS.certificate, certificateBytes(entry.body), entry.signature);
  } catch {
    return Promise.resolve(false);
  }
}
