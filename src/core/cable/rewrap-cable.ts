/**
 * Re-wraps a sealed cable for a newer directory epoch (docs/design.md §4, §6). The server
 * accepts a cable only at the current epoch; when the directory moved on between sealing and
 * posting (a device enrolled or revoked), the server answers 409 EPOCH_STALE and the sender:
 * 1. checks it may still send at the new epoch (the sender step of the checklist);
 * 2. computes the devices policy entitles at the new epoch;
 * 3. keeps the wraps of devices still entitled whose receiving key is unchanged, drops the
 *    others, and wraps the content key it kept for each device new to the set;
 * 4. signs the header again with the new epoch and recipients.
 * The content is not encrypted again: from format version 2 the epoch is outside the
 * envelope hash that content and wraps are bound to (cable-header.ts `envelopeHash`).
 */

import type { Signer } from '../crypto/ed25519.ts';
import { signLabelled } from '../crypto/ed25519.ts';
import { LABELS } from '../crypto/labels.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { Directory } from '../identity/directory.ts';
import { isDirectory } from '../identity/directory.ts';
import { entitledDevices } from '../policy.ts';
import { CableError, decoded } from './cable-error.ts';
import { decodeCableHeader, encodeHeader, envelopeHash, envelopeOf } from './cable-header.ts';
import type { ContentKeyWrapper } from './seal-cable.ts';
import { inThreadWrapper } from './seal-cable.ts';
import type { KeyWrap, SealedCable } from './sealed-cable.ts';
import { decodeSealedCable, encodeSealedCable } from './sealed-cable.ts';
import { checkSender, refusalError } from './verify-sealed-cable.ts';

export interface RewrapRequest {
  /** The cable as sealed (format version 2 or later), with every wrap. */
  readonly cable: SealedCable;
  /** The content key `sealCableKeepingKey` handed back. */
  readonly contentKey: Uint8Array;
  /** The verified directory at the epoch to wrap for (its latest). */
  readonly directory: Directory;
  readonly signer: Signer;
  readonly wrapper?: ContentKeyWrapper;
}

export async function rewrapCable(request: RewrapRequest): Promise<SealedCable> {
  const { directory, contentKey, signer } = request;
  if (!isDirectory(directory)) throw new CableError('MALFORMED', 'rewrapCable needs an opened directory');
  if (!(contentKey instanceof Uint8Array) || contentKey.length !== 32) {
    throw new CableError('MALFORMED', 'rewrapCable needs the 32-byte content key kept at sealing');
  }
  if (typeof signer?.sign !== 'function') throw new CableError('MALFORMED', 'signer must be a signer');
  const sealed = decoded(() => decodeSealedCable(encodeSealedCable(request.cable), 'cable'));
  const old = sealed.header;
  // Version 1 binds the epoch into the content's associated data: it cannot move.
  if (old.v < 2) {
    throw new CableError('UNSUPPORTED_SUITE', 'a format-1 cable cannot be re-wrapped; seal it again');
  }
  const envelope = { ...envelopeOf(old), epoch: directory.epoch };
  // 1. docs/design.md §6: the sender step, at the new epoch (revoked or lowered since?).
  const cleared = checkSender(envelope, directory);
  if (!cleared.ok) throw refusalError(cleared);
  // 2. The entitled set now.
  const recipients = entitledDevices(envelope, directory);
  // 3. Keep what is still due, wrap for the rest with the same key and associated data.
  const aad = envelopeHash(envelope);
  const kept = new Map<string, KeyWrap>();
  for (const wrap of sealed.wraps) {
    const then = directory.device(wrap.device, old.epoch)?.device.kemKey;
    const now = directory.device(wrap.device, envelope.epoch)?.device.kemKey;
    if (recipients.includes(wrap.device) && then && now && constantTimeEqual(then, now)) {
      kept.set(wrap.device, wrap);
    }
  }
  const requests = recipients
    .filter((device) => !kept.has(device))
    .map((device) => {
      const entry = directory.device(device, envelope.epoch);
      if (!entry) throw new CableError('UNKNOWN_DEVICE', `entitled device ${device} is not in the directory`);
      return { cableId: envelope.id, device, publicKey: entry.device.kemKey, envelopeHash: aad, contentKey };
    });
  const fresh = await (request.wrapper ?? inThreadWrapper).wrap(requests);
  if (fresh.length !== requests.length || fresh.some((w, i) => w.device !== requests[i]?.device)) {
    throw new CableError('WRAP_INVALID', 'the key wrapper did not wrap for exactly the devices asked');
  }
  for (const wrap of fresh) kept.set(wrap.device, wrap);
  const wraps = recipients.map((device) => kept.get(device) as KeyWrap);
  // 4. The header at the new epoch, signed again; content and its digests are unchanged.
  const header = decoded(() =>
    decodeCableHeader(toJsonValue({ ...old, epoch: envelope.epoch, recipients }), 'header'),
  );
  const signature = await signLabelled(signer, LABELS.cableHeader, encodeHeader(header));
  return { ...sealed, header, signature, wraps };
}
