/**
 * Opens a listed cable's summary for one device: the subject and tags an inbox shows
 * before the cable is opened (docs/design.md §4). The same checks as opening, on what a
 * listing carries (no body), and in the same order, so a forged or swapped summary costs no
 * HPKE work and fails with the code opening would give:
 * 1. the listing decodes; the format is 4 or later (older cables have no summary to list);
 * 2–7. the header's format, its sender certified and cleared, the sender's signature;
 * 8. the summary is the one the signed header commits to (`CIPHERTEXT_MISMATCH`);
 * 9. the recipients are what policy entitles, and the wrap is this device's;
 * 10. the wrap opens and the summary decrypts and decodes.
 * Whether the summary agrees with the body is checked when the cable is opened.
 */

import type { HpkeSuite } from '../crypto/hpke/hpke-suite.ts';
import { EncodingError } from '../encoding/encoding-error.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { Directory, DirectoryDevice } from '../identity/directory.ts';
import { isDirectory } from '../identity/directory.ts';
import { CableError } from './cable-error.ts';
import type { CableHeader } from './cable-header.ts';
import { envelopeHash, envelopeOf, SUMMARY_FORMAT_VERSION } from './cable-header.ts';
import type { CableSummary } from './cable-summary.ts';
import { openSummary } from './cable-summary.ts';
import { unwrapWith } from './key-wrap.ts';
import type { ListedCable } from './listed-cable.ts';
import { decodeListedCable } from './listed-cable.ts';
import type { RecipientDevice } from './open-cable.ts';
import { checkWrappedSet, refusalError, summaryMatches, verifySignedHeader } from './verify-sealed-cable.ts';

export interface OpenSummaryRequest {
  readonly directory: Directory;
  readonly recipient: RecipientDevice;
  /** The X-Wing suite on this platform's primitives; the portable one by default. */
  readonly suite?: HpkeSuite;
}

export interface OpenedSummary {
  readonly kind: 'OpenedSummary';
  readonly header: CableHeader;
  readonly summary: CableSummary;
  readonly signedBy: DirectoryDevice;
}

export async function openCableSummary(
  listed: ListedCable,
  request: OpenSummaryRequest,
): Promise<OpenedSummary> {
  const r = request as Partial<OpenSummaryRequest> | null;
  if (typeof r !== 'object' || r === null || !isDirectory(r.directory)) {
    throw new CableError('MALFORMED', 'openCableSummary needs an opened directory');
  }
  if (typeof r.recipient !== 'object' || r.recipient === null || typeof r.recipient.device !== 'string') {
    throw new CableError('MALFORMED', 'openCableSummary needs the recipient device and its private key');
  }
  const { directory, recipient } = request;
  // 1. Structure: a hand-built object is held to the format.
  const cable = decodeListed(listed);
  const { header } = cable;
  if (header.v < SUMMARY_FORMAT_VERSION) {
    throw new CableError(
      'UNSUPPORTED_SUITE',
      'a cable before format 4 has no summary; open it to read its subject',
    );
  }
  // 2–7. Format, sender, signature.
  const signed = await verifySignedHeader(header, cable.signature, directory);
  if (!signed.ok) throw refusalError(signed);
  // 8. The summary the sender signed for, not another cable's.
  if (!summaryMatches(header, cable.summary)) {
    throw new CableError('CIPHERTEXT_MISMATCH', 'the summary is not the one the sender signed');
  }
  // 9. The wrapped set, and this device's place in it.
  const wrapped = checkWrappedSet(header, [cable.wrap.device], directory);
  if (!wrapped.ok) throw refusalError(wrapped);
  if (cable.wrap.device !== recipient.device || !header.recipients.includes(recipient.device)) {
    throw new CableError('NOT_A_RECIPIENT', 'this device holds no key for this cable');
  }
  // 10. Unwrap, then decrypt the summary alone.
  const aad = envelopeHash(envelopeOf(header));
  const contentKey = await unwrapWith(
    recipient.privateKey,
    { cableId: header.id, device: recipient.device, envelopeHash: aad, wrap: cable.wrap },
    request.suite,
  );
  if (!contentKey) throw new CableError('WRAP_INVALID', "this device's key wrap does not open");
  try {
    const summary = await openSummary(contentKey, cable.summary, aad, request.suite?.aead);
    return { kind: 'OpenedSummary', header, summary, signedBy: signed.signedBy };
  } finally {
    contentKey.fill(0);
  }
}

function decodeListed(listed: unknown): ListedCable {
  try {
    const json = toJsonValue({ listed }) as { listed?: unknown };
    const value = json.listed;
    const rest =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'kind'))
        : value;
    return decodeListedCable(rest, 'listed');
  } catch (error) {
    if (error instanceof EncodingError) throw new CableError('MALFORMED', error.message, { cause: error });
    throw error;
  }
}
