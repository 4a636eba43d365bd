/**
 * A device's signed record of the directory it has verified (docs/design.md §8, §12), so that the
 * next command resumes from it instead of replaying and re-verifying every certificate of
 * the network: the pinned root it was verified against, how many entries, a hash chain over
 * those entries' exact bytes, and the audit-log checkpoint that proved the newest of them,
 * all signed by the device's own key under its own label. `recallVerified` trusts a record
 * only when every check passes:
 * - the signature verifies under this device's public key (docs/design.md §5: the key never leaves
 *   the device, so no one else can vouch for a directory on its behalf);
 * - it names the pinned root (network, key, accreditation);
 * - it covers no more entries than the device holds, and the entries the device holds hash
 *   to its chain (a changed directory file is not the one that was verified).
 * Anything else (missing, malformed, another root, a bad signature, another chain) and the
 * record is ignored: the client verifies every entry again and writes a new one. A record
 * can only save work, never make the client trust an entry a full replay would refuse.
 */
import type { Signer } from '../core/crypto/ed25519.ts';
import { signLabelled, verifyLabelled } from '../core/crypto/ed25519.ts';
import { LABELS } from '../core/crypto/labels.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { concatBytes, constantTimeEqual, utf8 } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { decodeCanonical, enumOf, integer, literal, object } from '../core/encoding/decode.ts';
import {
  decodeDigest,
  decodeEd25519PublicKey,
  decodeEd25519Signature,
} from '../core/encoding/identifiers.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { SignedEntry } from '../core/identity/certificate.ts';
import { decodeNetworkName } from '../core/identity/certificate.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';

/** Where the record is kept: a 0600 file for the CLI (cli/profile.ts). */
export interface DirectoryCache {
  /** The record's bytes, or undefined when there is none. */
  read(): Promise<Uint8Array | undefined>;
  write(data: Uint8Array): Promise<void>;
}

/** What the device verified: the first `epoch` entries, proven in the log at `log`. */
export interface VerifiedDirectory {
  readonly epoch: number;
  /** `chainEntries(EMPTY_CHAIN, entries[0..epoch))`. */
  readonly chain: Uint8Array;
  /** The checkpoint (size, root hash) under which the newest entries were proven. */
  readonly log: { readonly size: number; readonly rootHash: Uint8Array };
}

const MAX = Number.MAX_SAFE_INTEGER;

const decodeBody = object({
  v: literal(1),
  kind: literal('valise-directory-cache'),
  network: decodeNetworkName,
  rootKey: decodeEd25519PublicKey,
  accreditation: enumOf(CLASSIFICATIONS),
  epoch: integer({ min: 0, max: MAX }),
  chain: decodeDigest,
  log: object({ size: integer({ min: 0, max: MAX }), rootHash: decodeDigest }),
});

const decodeRecord = object({
  body: decodeBody,
  signature: decodeEd25519Signature,
});

/** The chain before any entry. */
export const EMPTY_CHAIN: Uint8Array = sha256(utf8(LABELS.directoryChain));

/** `chain` extended by `entries`: each link is SHA-256(previous link || SHA-256(entry's canonical bytes)). */
export function chainEntries(chain: Uint8Array, entries: readonly SignedEntry[]): Uint8Array {
  let link = chain;
  for (const entry of entries) {
    link = sha256(concatBytes(link, sha256(encodeCanonical(toJsonValue(entry)))));
  }
  return link;
}

function bodyOf(root: NetworkRoot, verified: VerifiedDirectory) {
  return {
    v: 1,
    kind: 'valise-directory-cache',
    network: root.network,
    rootKey: root.key,
    accreditation: root.accreditation,
    epoch: verified.epoch,
    chain: verified.chain,
    log: { size: verified.log.size, rootHash: verified.log.rootHash },
  };
}

/** The record of `verified`, signed by this device. */
export async function sealDirectoryCache(
  signer: Signer,
  root: NetworkRoot,
  verified: VerifiedDirectory,
): Promise<Uint8Array> {
  const body = toJsonValue(bodyOf(root, verified));
  const signature = await signLabelled(signer, LABELS.directoryCache, encodeCanonical(body));
  return encodeCanonical(toJsonValue({ body, signature }));
}

/**
 * The verified prefix a record vouches for, given the device's public key, the pinned root
 * and the entries the device holds; undefined when the record is absent or any check fails.
 * Never throws on a bad record.
 */
export async function recallVerified(
  data: Uint8Array | undefined,
  publicKey: Uint8Array,
  root: NetworkRoot,
  entries: readonly SignedEntry[],
): Promise<VerifiedDirectory | undefined> {
  if (data === undefined) return undefined;
  let record: ReturnType<typeof decodeRecord>;
  try {
    record = decodeCanonical(data, decodeRecord, { maxBytes: 64 * 1024 });
  } catch {
    return undefined;
  }
  const { body } = record;
  // docs/design.md §5: only this device's key vouches for what this device verified.
  const signed = encodeCanonical(toJsonValue(body));
  if (!(await verifyLabelled(publicKey, LABELS.directoryCache, signed, record.signature))) return undefined;
  // The pinned root, never another one (docs/design.md §4).
  if (
    body.network !== root.network ||
    !constantTimeEqual(body.rootKey, root.key) ||
    body.accreditation !== root.accreditation
  ) {
    return undefined;
  }
  // The very entries that were verified, byte for byte.
  if (body.epoch > entries.length) return undefined;
  if (!constantTimeEqual(chainEntries(EMPTY_CHAIN, entries.slice(0, body.epoch)), body.chain))
    return undefined;
  return { epoch: body.epoch, chain: body.chain, log: body.log };
}
