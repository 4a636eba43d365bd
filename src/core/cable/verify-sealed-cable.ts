/**
 * The one checklist of a sealed cable (docs/design.md §4, §6). Opening, accepting on the
 * server and sealing all hold a cable to these checks, in this order, so a cable is refused
 * for the same reason with the same code wherever it is checked:
 * opening = verify + decrypt (+ series); accepting = the request's signer is the sender +
 * verify + date, series and attachments; sealing runs the sender step on its draft before
 * doing any work.
 *
 * Never throws: it answers the first failing code, or the verified cable with who signed
 * it. The order is cheapest and most basic first, so a forged cable costs one signature
 * check at most and no HPKE work.
 */

import { verifyLabelled } from '../crypto/ed25519.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256 } from '../crypto/sha256.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import type { JsonValue } from '../encoding/canonical-json.ts';
import { EncodingError } from '../encoding/encoding-error.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { Classification } from '../identity/classification.ts';
import { covers } from '../identity/classification.ts';
import type { Directory, DirectoryDevice } from '../identity/directory.ts';
import { isDirectory } from '../identity/directory.ts';
import { entitledDevices } from '../policy.ts';
import type { CableErrorCode } from './cable-error.ts';
import { CableError } from './cable-error.ts';
import type { CableHeader } from './cable-header.ts';
import {
  encodeHeader,
  FORMAT_VERSIONS,
  SUITES,
  SUMMARY_FORMAT_VERSION,
  signedHeaderHash,
} from './cable-header.ts';
import type { EntitledSets } from './entitled-sets.ts';
import type { SealedCable } from './sealed-cable.ts';
import { decodeSealedCable, isDecodedSealedCable } from './sealed-cable.ts';

/** A refusal: the first check that failed, and what to do about it. */
export interface CableRefusal {
  readonly ok: false;
  readonly code: CableErrorCode;
  readonly message: string;
  /** The EncodingError of a MALFORMED cable. */
  readonly cause?: unknown;
}

export interface VerifiedCable {
  readonly ok: true;
  /** The cable as its decoder rebuilt it: only what decodes is ever verified. */
  readonly cable: SealedCable;
  /** Who signed: the device, its person and organisation, as certified at the cable's epoch. */
  readonly signedBy: DirectoryDevice;
  /** This cable's hash: the `prev` the organisation's next cable must name. */
  readonly hash: Uint8Array;
  /** The header's canonical encoding (`encodeHeader`), the bytes the signature verified over. */
  readonly encodedHeader: Uint8Array;
}

export type CableVerdict = VerifiedCable | CableRefusal;

export interface VerifyOptions {
  /**
   * The wraps must cover every recipient (the sender's whole cable, as the server receives
   * it). Without it, the wraps need only be recipients' (a device is served its own wrap).
   */
  readonly everyWrap?: boolean;
  /**
   * Where a checker of many cables remembers entitled sets (entitled-sets.ts); without it
   * the set is computed for this cable alone. The answer is the same either way.
   */
  readonly entitledSets?: EntitledSets;
}

/** What the sender step reads: the envelope fields that say who sends what. */
export interface SenderClaim {
  readonly org: string;
  readonly sender: { readonly user: string; readonly device: string };
  readonly classification: Classification;
  readonly epoch: number;
}

export async function verifySealedCable(
  sealed: SealedCable,
  directory: Directory,
  options: VerifyOptions = {},
): Promise<CableVerdict> {
  if (!isDirectory(directory)) return refuse('MALFORMED', 'verifying a cable needs an opened directory');
  // 1. Structure: re-decode what we were given, so a hand-built object is held to the format.
  const decoded = decodeCable(sealed);
  if (!decoded.ok) return decoded;
  const { cable } = decoded;
  const { header } = cable;
  // 2–7. Format, sender and signature: the header's own checks.
  const signed = await verifySignedHeader(header, cable.signature, directory);
  if (!signed.ok) return signed;
  const { signedBy, encodedHeader } = signed;
  // 8. The content is the one the signed header commits to (length, then SHA-256), and so
  //    is the sealed summary of format 4.
  if (
    cable.content.length !== header.contentLength ||
    !constantTimeEqual(sha256(cable.content), header.contentHash)
  ) {
    return refuse('CIPHERTEXT_MISMATCH', 'the content is not the one the sender signed');
  }
  if (!summaryMatches(header, cable.summary)) {
    return refuse('CIPHERTEXT_MISMATCH', 'the summary is not the one the sender signed');
  }
  // 9. docs/design.md §6: the recipients are exactly what policy entitles.
  const wrapped = checkWrappedSet(
    header,
    cable.wraps.map((w) => w.device),
    directory,
    options,
  );
  if (!wrapped.ok) return wrapped;
  return { ok: true, cable, signedBy, hash: signedHeaderHash(encodedHeader, cable.signature), encodedHeader };
}

/**
 * Steps 2–7 of the checklist, on the header alone: its format, its sender and the sender's
 * signature. A listed cable (its header, signature and summary, without the body) is held
 * to these as a whole cable is (open-cable-summary.ts).
 */
export async function verifySignedHeader(
  header: CableHeader,
  signature: Uint8Array,
  directory: Directory,
): Promise<
  { readonly ok: true; readonly signedBy: DirectoryDevice; readonly encodedHeader: Uint8Array } | CableRefusal
> {
  // 2. Format: a version or suite this build does not know is refused, never guessed at. A
  //    version-4 header without its summary digest is no format this build knows either.
  if (
    !(FORMAT_VERSIONS as readonly number[]).includes(header.v) ||
    !(SUITES as readonly string[]).includes(header.suite) ||
    (header.v >= SUMMARY_FORMAT_VERSION && header.summaryHash === undefined)
  ) {
    return refuse('UNSUPPORTED_SUITE', `suite ${header.suite} is not supported; update Valise`);
  }
  // 3–6. The sender: certified, in force at the cable's epoch, cleared for what it sends.
  const sender = checkSender(header, directory);
  if (!sender.ok) return sender;
  // 7. The signature over the canonical header, by the key certified for that device.
  const encodedHeader = encodeHeader(header);
  const signatureOk = await verifyLabelled(
    sender.signedBy.device.signingKey,
    LABELS.cableHeader,
    encodedHeader,
    signature,
  );
  if (!signatureOk) {
    return refuse(
      'SIGNATURE_INVALID',
      "the sender's signature over the header does not verify; the cable was altered",
    );
  }
  return { ok: true, signedBy: sender.signedBy, encodedHeader };
}

/** Step 8 for the summary: present exactly when the header commits to one, and the one it commits to. */
export function summaryMatches(header: CableHeader, summary: Uint8Array | undefined): boolean {
  if (header.summaryHash === undefined) return summary === undefined;
  return summary !== undefined && constantTimeEqual(sha256(summary), header.summaryHash);
}

/**
 * Step 9: docs/design.md §6: the recipients are exactly what policy entitles at the cable's
 * epoch, in either direction (no injected device, none left out), and every wrap is a
 * recipient's (`wrapped` sorted and unique, as the decoders make it).
 */
export function checkWrappedSet(
  header: CableHeader,
  wrapped: readonly string[],
  directory: Directory,
  options: VerifyOptions = {},
): { readonly ok: true } | CableRefusal {
  const entitled =
    options.entitledSets === undefined
      ? entitledDevices(header, directory)
      : options.entitledSets.of(header, directory);
  const recipients = new Set(header.recipients);
  if (
    !sameList(entitled, header.recipients) ||
    !wrapped.every((device) => recipients.has(device)) ||
    (options.everyWrap === true && !sameList(wrapped, header.recipients))
  ) {
    return refuse(
      'WRAPPED_SET_MISMATCH',
      'the cable is wrapped for a different set of devices than policy entitles; seal again with a current directory',
    );
  }
  return { ok: true };
}

/**
 * Steps 3–6 of the checklist, on their own so that sealing can run them on its envelope
 * before any encryption: the network's cap, the sender's certificate at the epoch, its
 * organisation's accreditation and its clearance.
 */
export function checkSender(
  claim: SenderClaim,
  directory: Directory,
): { readonly ok: true; readonly signedBy: DirectoryDevice } | CableRefusal {
  // 3. docs/design.md §2: nothing above what this network holds is sent or opened.
  if (!covers(directory.root.accreditation, claim.classification)) {
    return refuse('CLASSIFICATION_REFUSED', `this network holds at most ${directory.root.accreditation}`);
  }
  // 4. docs/design.md §5: a device certified to the pinned root, in force at the epoch.
  if (claim.epoch > directory.epoch) {
    return refuse('UNKNOWN_DEVICE', `the cable needs directory epoch ${claim.epoch}; sync the directory`);
  }
  const problem = directory.deviceProblem(claim.sender.device, claim.epoch);
  if (problem === 'REJECTED') {
    return refuse(
      'CERTIFICATE_INVALID',
      "the sending device's certificate does not chain to the network root",
    );
  }
  if (problem === 'REVOKED') {
    return refuse('DEVICE_REVOKED', 'the sending device was revoked before this cable');
  }
  const signedBy = directory.device(claim.sender.device, claim.epoch);
  if (problem === 'UNKNOWN' || !signedBy) {
    return refuse('UNKNOWN_DEVICE', `the sending device is not in the directory at epoch ${claim.epoch}`);
  }
  if (signedBy.user.user !== claim.sender.user || signedBy.org.org !== claim.org) {
    return refuse(
      'CERTIFICATE_INVALID',
      'the sending device is certified for another person or organisation',
    );
  }
  // 5. docs/design.md §6: an organisation sends nothing above its accreditation...
  if (!covers(signedBy.org.accreditation, claim.classification)) {
    return refuse(
      'CLASSIFICATION_REFUSED',
      `${signedBy.org.org} is accredited up to ${signedBy.org.accreditation} only`,
    );
  }
  // 6. ...and nobody sends what they could not read.
  if (!covers(signedBy.user.clearance, claim.classification)) {
    return refuse(
      'SENDER_NOT_CLEARED',
      `the sender's clearance (${signedBy.user.clearance}) does not cover ${claim.classification}`,
    );
  }
  return { ok: true, signedBy };
}

/** The refusal as the CableError that operations throw (their one failure channel). */
export function refusalError(refusal: CableRefusal): CableError {
  return new CableError(refusal.code, refusal.message, { cause: refusal.cause });
}

function refuse(code: CableErrorCode, message: string, cause?: unknown): CableRefusal {
  return cause === undefined ? { ok: false, code, message } : { ok: false, code, message, cause };
}

function decodeCable(sealed: unknown): { readonly ok: true; readonly cable: SealedCable } | CableRefusal {
  // A cable the decoder built (a route's body) is held to the format already.
  if (isDecodedSealedCable(sealed)) return { ok: true, cable: sealed };
  try {
    return { ok: true, cable: decodeSealedCable(withoutKind(sealed), 'cable') };
  } catch (error) {
    // Anything else is not about the cable: a programming error, which must surface.
    if (error instanceof EncodingError) return refuse('MALFORMED', error.message, error);
    throw error;
  }
}

// The cable's JSON without its `kind` tag (the type's, never on the wire). Wrapping it in
// `{ cable }` makes an error name its field as `cable.…`.
function withoutKind(sealed: unknown): JsonValue | undefined {
  const json = (toJsonValue({ cable: sealed }) as { cable?: JsonValue }).cable;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const { kind: _kind, ...rest } = json as { readonly [k: string]: JsonValue };
  return rest;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
