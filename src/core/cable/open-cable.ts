/**
 * Opens a sealed cable for one device and verifies everything on the way, failing at the
 * first thing wrong with one CableError code (DESIGN §4). The order is the checklist:
 * cheap structural checks first, so a malformed or forged cable costs no HPKE work.
 */

import { deriveContentCipher } from '../crypto/content-cipher.ts';
import { verifyLabelled } from '../crypto/ed25519.ts';
import type { HpkeSuite } from '../crypto/hpke/hpke-suite.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256 } from '../crypto/sha256.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import { type JsonValue, parseCanonical } from '../encoding/canonical-json.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import { covers } from '../identity/classification.ts';
import type { Directory, DirectoryDevice } from '../identity/directory.ts';
import { isDirectory } from '../identity/directory.ts';
import { entitledDevices } from '../policy.ts';
import type { CableContent } from './cable-content.ts';
import { decodeCableContent } from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';
import type { CableHeader } from './cable-header.ts';
import { cableHash, encodeHeader, envelopeHash, envelopeOf, FORMAT_VERSION, SUITES } from './cable-header.ts';
import type { KemPrivateKey } from './key-wrap.ts';
import { unwrapContentKey } from './key-wrap.ts';
import type { SealedCable } from './sealed-cable.ts';
import { decodeSealedCable } from './sealed-cable.ts';

/** The device opening the cable: its id and its X-Wing private key. */
export interface RecipientDevice {
  readonly device: string;
  readonly privateKey: KemPrivateKey;
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
  // 1. Structure: re-decode what we were given, so a hand-built object is held to the format.
  const cable = decoded(() => decodeSealedCable(stripKind(sealed), 'cable'));
  const { header } = cable;
  if (header.v !== FORMAT_VERSION || !(SUITES as readonly string[]).includes(header.suite)) {
    throw new CableError('UNSUPPORTED_SUITE', `suite ${header.suite} is not supported; update Valise`);
  }
  // 2. Classification: nothing above what this network holds is ever opened.
  if (!covers(directory.root.accreditation, header.classification)) {
    throw new CableError(
      'CLASSIFICATION_REFUSED',
      `this network holds at most ${directory.root.accreditation}`,
    );
  }
  // 3. The sender: a device certified (chain to the pinned root) and valid at the cable's epoch.
  if (header.epoch > directory.epoch) {
    throw new CableError(
      'UNKNOWN_DEVICE',
      `the cable needs directory epoch ${header.epoch}; sync the directory`,
    );
  }
  const problem = directory.deviceProblem(header.sender.device, header.epoch);
  if (problem === 'REJECTED') {
    throw new CableError(
      'CERTIFICATE_INVALID',
      "the sending device's certificate does not chain to the network root",
    );
  }
  if (problem === 'UNKNOWN')
    throw new CableError('UNKNOWN_DEVICE', 'the sending device is not in the directory');
  if (problem === 'REVOKED')
    throw new CableError('DEVICE_REVOKED', 'the sending device was revoked before this cable');
  const signedBy = directory.device(header.sender.device, header.epoch)!;
  if (signedBy.user.user !== header.sender.user || signedBy.org.org !== header.org) {
    throw new CableError(
      'CERTIFICATE_INVALID',
      'the sending device is certified for another person or organisation',
    );
  }
  // DESIGN §6: a sender must itself be cleared for what it sends.
  if (
    !covers(signedBy.user.clearance, header.classification) ||
    !covers(signedBy.org.accreditation, header.classification)
  ) {
    throw new CableError('SENDER_NOT_CLEARED', `the sender is not cleared for ${header.classification}`);
  }
  // 4. The signature over the canonical header.
  const signatureOk = await verifyLabelled(
    signedBy.device.signingKey,
    LABELS.cableHeader,
    encodeHeader(header),
    cable.signature,
  );
  if (!signatureOk)
    throw new CableError(
      'SIGNATURE_INVALID',
      "the sender's signature does not verify; the cable was altered",
    );
  // 5. The content is the one the signed header commits to.
  if (
    cable.content.length !== header.contentLength ||
    !constantTimeEqual(sha256(cable.content), header.contentHash)
  ) {
    throw new CableError('CIPHERTEXT_MISMATCH', 'the content is not the one the sender signed');
  }
  // 6. DESIGN §4: the wrapped set must be exactly what policy entitles (no injected device).
  const entitled = entitledDevices(header, directory);
  if (entitled.length !== header.recipients.length || entitled.some((d, i) => d !== header.recipients[i])) {
    throw new CableError(
      'WRAPPED_SET_MISMATCH',
      'the cable is wrapped for a different set of devices than policy allows',
    );
  }
  // 7. This device must be a recipient and hold its wrap.
  const wrap = cable.wraps.find((w) => w.device === recipient.device);
  if (!header.recipients.includes(recipient.device) || !wrap) {
    throw new CableError('NOT_A_RECIPIENT', 'this device holds no key for this cable');
  }
  // 8. Unwrap, then decrypt.
  const aad = envelopeHash(envelopeOf(header));
  const contentKey = await unwrapContentKey(
    { cableId: header.id, device: recipient.device, envelopeHash: aad, wrap },
    recipient.privateKey,
    request.suite,
  );
  if (!contentKey) throw new CableError('WRAP_INVALID', "this device's key wrap does not open");
  const cipher = await deriveContentCipher(contentKey, LABELS.contentKey);
  contentKey.fill(0);
  const plaintext = await cipher.decrypt(cipher.nonce, cable.content, aad);
  if (!plaintext) throw new CableError('DECRYPT_FAILED', 'the content does not decrypt under its key');
  const content = decoded(() => decodeCableContent(parseCanonical(plaintext), 'content'));
  // 9. The series: the cable must follow the last one seen from its organisation.
  if (request.expectedPrev && !(header.prev && constantTimeEqual(header.prev, request.expectedPrev))) {
    throw new CableError(
      'SERIES_GAP',
      `cable ${header.org}/${header.serial} does not follow the last cable seen from ${header.org}`,
    );
  }
  return { kind: 'OpenedCable', header, content, signedBy, hash: cableHash(header, cable.signature) };
}

// The cable's JSON without its `kind` tag (the type's, never on the wire). Wrapping it in
// `{ cable }` makes an error name its field as `cable.…`.
function stripKind(sealed: SealedCable): JsonValue | undefined {
  const json = (toJsonValue({ cable: sealed }) as { cable?: JsonValue }).cable;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const { kind: _kind, ...rest } = json as { readonly [k: string]: JsonValue };
  return rest;
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
