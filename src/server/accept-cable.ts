/**
 * Accepting a sealed cable (DESIGN §4, §6, §7). The server cannot read a cable, but it can
 * refuse every cable a client could not have sent honestly. The checks run in this order,
 * cheapest and most basic first, and nothing is stored unless all pass:
 *
 *  1. the body decodes as a SealedCable (done by the route);
 *  2. the sender named in the header is the device that signed the request;
 *  3. the sender's signature over the canonical header verifies;
 *     (a cable already stored under this id is answered here: the same cable again gets
 *     its original receipt, different bytes under the same id are refused)
 *  4. the sender is cleared, and its organisation and the network accredited, for the
 *     classification;
 *  5. the content is the one the signed header commits to (length and SHA-256);
 *  6. the header's directory epoch exists and the sender was in force at it, and the
 *     date-time group is not in the future;
 *  7. the wrapped set, the header's recipients and what policy entitles at that epoch are
 *     the same set (DESIGN §6: refused on any difference, in either direction);
 *  8. the series: the next serial of the organisation's year, chained to its last cable
 *     (checked again inside the store transaction, which decides races);
 * then cable, wraps and the `cable.accepted` event commit in one transaction, and only
 * then is the receipt signed and sent.
 */

import { cableHash, encodeHeader } from '../core/cable/cable-header.ts';
import { formatReference } from '../core/cable/reference.ts';
import type { SealedCable } from '../core/cable/sealed-cable.ts';
import { verifyLabelled } from '../core/crypto/ed25519.ts';
import { LABELS } from '../core/crypto/labels.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { constantTimeEqual, toBase64url } from '../core/encoding/bytes.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import { covers } from '../core/identity/classification.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import { entitledDevices } from '../core/policy.ts';
import { actorOf, auditRecord } from './audit-event.ts';
import { unixSeconds } from './clock.ts';
import { type Receipt, signReceipt } from './receipt.ts';
import { headJson } from './series-head.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';
import type { CableRecord } from './store/store.ts';

export interface Accepted {
  /** True when this call stored the cable; false when it was already stored. */
  readonly created: boolean;
  readonly receipt: Receipt;
}

export async function acceptCable(
  ctx: ServerContext,
  actor: DirectoryDevice,
  cable: SealedCable,
  attachments: readonly Uint8Array[] = [],
): Promise<Accepted> {
  const { header } = cable;
  const reference = formatReference({ org: header.org, serial: header.serial, year: yearOf(header.sentAt) });

  // 2. The sender is the signing device, its person and its organisation.
  if (
    header.sender.device !== actor.device.device ||
    header.sender.user !== actor.user.user ||
    header.org !== actor.org.org
  ) {
    throw new ServerError(
      'FORBIDDEN',
      'a cable must be sent by the device, user and organisation named as its sender',
    );
  }

  // 3. The header signature, by the key the directory certifies for that device.
  const headerBytes = encodeHeader(header);
  if (!(await verifyLabelled(actor.device.signingKey, LABELS.cableHeader, headerBytes, cable.signature))) {
    throw new ServerError(
      'HEADER_SIGNATURE_INVALID',
      "the header signature does not verify with the sender device's key; sign the header again",
    );
  }
  const hash = cableHash(header, cable.signature);
  const existing = await ctx.store.cable(header.id);
  if (existing) return resubmitted(ctx, existing, hash);

  // 4. DESIGN §6: nobody sends what they could not read, nor above what the network holds.
  const { root } = ctx.directory;
  if (!covers(root.accreditation, header.classification)) {
    throw new ServerError('CLASSIFICATION_REFUSED', `this network holds at most ${root.accreditation}`);
  }
  if (!covers(actor.org.accreditation, header.classification)) {
    throw new ServerError(
      'CLASSIFICATION_REFUSED',
      `${actor.org.org} is accredited up to ${actor.org.accreditation} only`,
    );
  }
  if (!covers(actor.user.clearance, header.classification)) {
    throw new ServerError(
      'SENDER_NOT_CLEARED',
      `your clearance (${actor.user.clearance}) does not cover ${header.classification}`,
    );
  }

  // 5. The content is what the header commits to.
  if (
    cable.content.length !== header.contentLength ||
    !constantTimeEqual(sha256(cable.content), header.contentHash)
  ) {
    throw new ServerError('CIPHERTEXT_MISMATCH', 'the content is not the one the signed header describes');
  }

  // 6. The epoch and the date.
  const directory = ctx.directory.directory;
  if (header.epoch > directory.epoch) {
    throw new ServerError(
      'EPOCH_INVALID',
      `the cable names directory epoch ${header.epoch}, but the directory is at ${directory.epoch}`,
    );
  }
  if (!directory.device(header.sender.device, header.epoch)) {
    throw new ServerError(
      'EPOCH_INVALID',
      `the sending device was not in force at epoch ${header.epoch}; seal with a current directory`,
    );
  }
  const now = unixSeconds(ctx.clock);
  if (header.sentAt > now + ctx.limits.maxFutureSeconds) {
    throw new ServerError('DATE_INVALID', 'the date-time group is in the future; check the device clock');
  }

  // 7. DESIGN §6: wrapped set = recipients = entitled set, exactly.
  const entitled = entitledDevices(header, directory);
  if (
    !sameList(entitled, header.recipients) ||
    !sameList(
      header.recipients,
      cable.wraps.map((w) => w.device),
    )
  ) {
    throw new ServerError(
      'WRAPPED_SET_MISMATCH',
      'the cable is wrapped for a different set of devices than policy entitles; seal again with a current directory',
    );
  }

  // Every listed attachment was uploaded (blobs are never deleted, so this stays true).
  const missing = await ctx.store.missingAttachments(attachments);
  if (missing.length > 0) {
    throw new ServerError(
      'INVALID_VALUE',
      `attachment ${toBase64url(missing[0]!)} was not uploaded; PUT it to /attachments/:digest first`,
      { field: 'attachments' },
    );
  }

  // 8. The series, then one transaction.
  const year = yearOf(header.sentAt);
  const outcome = await ctx.store.acceptCable(
    {
      id: header.id,
      org: header.org,
      year,
      serial: header.serial,
      prev: header.prev,
      senderDevice: header.sender.device,
      senderUser: header.sender.user,
      distribution: header.distribution,
      header: headerBytes,
      signature: cable.signature,
      content: cable.content,
      hash,
      classification: header.classification,
      precedence: header.precedence,
      sentAt: header.sentAt,
      acceptedAt: now,
      attachments,
    },
    cable.wraps,
    auditRecord({
      at: now,
      type: 'cable.accepted',
      actor: actorOf(actor),
      object: { kind: 'cable', id: header.id, org: header.org },
      detail: {
        reference,
        hash: toBase64url(hash),
        classification: header.classification,
        precedence: header.precedence,
        recipients: header.recipients.length,
      },
    }),
  );
  if (outcome.kind === 'exists') return resubmitted(ctx, outcome.cable, hash);
  if (outcome.kind === 'conflict') {
    throw new ServerError(
      'SERIES_CONFLICT',
      `${reference} is not the next cable of ${header.org}: re-sign the header at serial ${outcome.head.serial + 1} of ${outcome.head.year} with the head's hash as prev`,
      { extra: { head: headJson(outcome.head) } },
    );
  }
  // Committed: only now may the sender hear that the cable is safe.
  const receipt = await signReceipt(ctx.serverSigner, { cable: header.id, reference, hash, acceptedAt: now });
  return { created: true, receipt };
}

async function resubmitted(ctx: ServerContext, existing: CableRecord, hash: Uint8Array): Promise<Accepted> {
  if (!constantTimeEqual(existing.hash, hash)) {
    throw new ServerError(
      'ALREADY_EXISTS',
      `a different cable with id ${existing.id} is stored; seal with a fresh id`,
    );
  }
  const reference = formatReference({ org: existing.org, serial: existing.serial, year: existing.year });
  const receipt = await signReceipt(ctx.serverSigner, {
    cable: existing.id,
    reference,
    hash: existing.hash,
    acceptedAt: existing.acceptedAt,
  });
  return { created: false, receipt };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
