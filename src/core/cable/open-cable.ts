/**
 * Opens a sealed cable for one device: the cable's checklist (`verifySealedCable`), then
 * this device's wrap, the decryption and, when the caller tracks it, the series. It fails at
 * the first thing wrong with one CableError code (docs/design.md §4); verifying first means
 * a malformed or forged cable costs no HPKE work.
 */

import { deriveContentCipher } from '../crypto/content-cipher.ts';
import type { HpkeSuite } from '../crypto/hpke/hpke-suite.ts';
import { LABELS } from '../crypto/labels.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import { parseCanonical } from '../encoding/canonical-json.ts';
import type { Directory, DirectoryDevice } from '../identity/directory.ts';
import { isDirectory } from '../identity/directory.ts';
import type { CableContent } from './cable-content.ts';
import { decodeCableContent } from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';
import type { CableHeader } from './cable-header.ts';
import { envelopeHash, envelopeOf } from './cable-header.ts';
import { openSummary, sameSummary, summaryOf } from './cable-summary.ts';
import type { ContentKeyUnwrapper, KemPrivateKey } from './key-wrap.ts';
import { unwrapWith } from './key-wrap.ts';
import type { SealedCable } from './sealed-cable.ts';
import { refusalError, verifySealedCable } from './verify-sealed-cable.ts';

/** The device opening the cable: its id and its X-Wing private key, or what holds it (a key agent). */
export interface RecipientDevice {
  readonly device: string;
  readonly privateKey: KemPrivateKey | ContentKeyUnwrapper;
}

export interface OpenRequest {
  readonly directory: Directory;
  readonly recipient: RecipientDevice;
  /**
   * The hash of the last cable seen from the sender's organisation, when the caller
   * tracks the series: a cable that does not follow it fails with SERIES_GAP.
   */
  readonly expectedPrev?: Uint8Array;
  /** The X-Wing suite on this platform's primitives (`valiseSuites`); the portable one by default. */
  readonly suite?: HpkeSuite;
}

export interface OpenedCable {
  readonly kind: 'OpenedCable';
  readonly header: CableHeader;
  readonly content: CableContent;
  /** Who signed: the device, its person and organisation, as certified. */
  readonly signedBy: DirectoryDevice;
  /** This cable's hash: the `prev` the organisation's next cable must name. */
  readonly hash: Uint8Array;
}

export async function openCable(sealed: SealedCable, request: OpenRequest): Promise<OpenedCable> {
  const { directory, recipient } = checkRequest(request);
  // 1–9. The cable's checklist: structure, suite, sender, signature, content, wrapped set.
  const verdict = await verifySealedCable(sealed, directory);
  if (!verdict.ok) throw refusalError(verdict);
  const { cable, signedBy, hash } = verdict;
  const { header } = cable;
  // 10. This device must be a recipient and hold its wrap.
  const wrap = cable.wraps.find((w) => w.device === recipient.device);
  if (!header.recipients.includes(recipient.device) || !wrap) {
    throw new CableError('NOT_A_RECIPIENT', 'this device holds no key for this cable');
  }
  // 11. Unwrap, then decrypt.
  const aad = envelopeHash(envelopeOf(header));
  const contentKey = await unwrapWith(
    recipient.privateKey,
    { cableId: header.id, device: recipient.device, envelopeHash: aad, wrap },
    request.suite,
  );
  if (!contentKey) throw new CableError('WRAP_INVALID', "this device's key wrap does not open");
  const cipher = await deriveContentCipher(contentKey, LABELS.contentKey, request.suite?.aead);
  try {
    const plaintext = await cipher.decrypt(cipher.nonce, cable.content, aad);
    if (!plaintext) throw new CableError('DECRYPT_FAILED', 'the content does not decrypt under its key');
    const content = decoded(() => decodeCableContent(parseCanonical(plaintext), 'content'));
    // 12. Format 4: what the inbox listed is what the body says (the checklist has tied
    //     the summary's bytes to the signed header already).
    if (cable.summary !== undefined) {
      const summary = await openSummary(contentKey, cable.summary, aad, request.suite?.aead);
      if (!sameSummary(summary, summaryOf(content))) {
        throw new CableError(
          'SUMMARY_MISMATCH',
          'the subject or tags listed for this cable differ from its content; report it to your security officer',
        );
      }
    }
    return checkSeries({ kind: 'OpenedCable', header, content, signedBy, hash }, request.expectedPrev);
  } finally {
    contentKey.fill(0);
  }
}

function checkSeries(opened: OpenedCable, expectedPrev: Uint8Array | undefined): OpenedCable {
  const { header } = opened;
  // 13. The series: the cable must follow the last one seen from its organisation.
  if (expectedPrev && !(header.prev && constantTimeEqual(header.prev, expectedPrev))) {
    throw new CableError(
      'SERIES_GAP',
      `cable ${header.org}/${header.serial} does not follow the last cable seen from ${header.org}`,
    );
  }
  return opened;
}

function checkRequest(request: OpenRequest): OpenRequest {
  const r = request as Partial<OpenRequest> | null;
  if (typeof r !== 'object' || r === null || !isDirectory(r.directory)) {
    throw new CableError('MALFORMED', 'openCable needs an opened directory');
  }
  if (typeof r.recipient !== 'object' || r.recipient === null || typeof r.recipient.device !== 'string') {
    throw new CableError('MALFORMED', 'openCable needs the recipient device and its private key');
  }
  if (r.expectedPrev !== undefined && !(r.expectedPrev instanceof Uint8Array)) {
    throw new CableError('MALFORMED', 'expectedPrev must be bytes');
  }
  return request;
}
