/**
 * Accepting a sealed cable (docs/design.md §4, §6, §7). The server cannot read a cable, but
 * it can refuse every cable a client could not have sent honestly. The checks run in this
 * order, and nothing is stored unless all pass:
 *
 *  1. the body decodes as a SealedCable (done by the route);
 *  2. the sender named in the header is the device that signed the request;
 *  3. the cable's checklist, the same one every reader runs (`verifySealedCable`): suite,
 *     network cap, sender certified and in force at the header's epoch, its organisation's
 *     accreditation and its clearance, the header signature, the content digests, and the
 *     wrapped set = the header's recipients = what policy entitles at that epoch (docs/design.md
 *     §6: refused on any difference, in either direction; the server holds every wrap);
 *     (a cable already stored under this id is answered here: the same cable again gets
 *     its original receipt, different bytes under the same id are refused)
 *  4. the header's epoch is the directory's current one (else 409 EPOCH_STALE with it);
 *  5. the date-time group is within a few minutes of the server's clock, either way;
 *  6. every listed attachment was uploaded by the sender device, unlinked and unexpired;
 *  7. a reply is not classified lower than the cable it replies to (check-reply.ts);
 *  8. a silence-procedure act keeps the procedure's rules (silence/check-silence-act.ts);
 *  9. the series: the next serial of the organisation's year, chained to its last cable
 *     (checked inside the store transaction, which decides races);
 * then cable, wraps and the `cable.accepted` event commit in one transaction, and only
 * then is the receipt signed and sent.
 */

import type { CableErrorCode } from '../core/cable/cable-error.ts';
import { formatReference } from '../core/cable/reference.ts';
import type { SealedCable } from '../core/cable/sealed-cable.ts';
import type { CableRefusal } from '../core/cable/verify-sealed-cable.ts';
import { verifySealedCable } from '../core/cable/verify-sealed-cable.ts';
import { constantTimeEqual, toBase64url } from '../core/encoding/bytes.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import { actDetailJson } from '../core/procedure/silence-events.ts';
import { actorOf, auditRecord } from './audit-event.ts';
import { checkReply } from './check-reply.ts';
import { unixSeconds } from './clock.ts';
import { type Receipt, signReceipt } from './receipt.ts';
import { headJson } from './series-head.ts';
import type { ServerContext } from './server-context.ts';
import type { ServerErrorCode } from './server-error.ts';
import { ServerError } from './server-error.ts';
import { checkSilenceAct } from './silence/check-silence-act.ts';
import type { AttachmentRefusal, CableRecord } from './store/store.ts';

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

  // 3. The cable's checklist (core/cable/verify-sealed-cable.ts): suite, network cap,
  //    sender certified and in force at the header's epoch, accreditation, clearance,
  //    header signature, content and summary digests, and the wrapped set = recipients = entitled set.
  const directory = ctx.directory.directory;
  const verdict = await verifySealedCable(cable, directory, {
    everyWrap: true,
    entitledSets: ctx.entitledSets,
  });
  if (!verdict.ok) {
    const field = verdict.code === 'UNSUPPORTED_SUITE' ? { field: 'cable.header.suite' } : {};
    throw new ServerError(
      ACCEPT_CODES[verdict.code],
      acceptMessage(verdict, header.epoch, directory.epoch),
      field,
    );
  }
  const { hash, encodedHeader: headerBytes } = verdict;
  // The same cable again is answered with its receipt; other bytes under its id are refused.
  const existing = await ctx.store.cable(header.id);
  if (existing) return resubmitted(ctx, existing, hash);

  // 4. docs/design.md §6: the epoch is the current one at acceptance, so a device revoked (or
  //    enrolled) since the sender synced never gets (or misses) a wrap. The directory was
  //    caught up with the store when the request was authenticated. The sender re-syncs and
  //    re-wraps for the epoch named in the answer, without sealing the content again.
  const current = directory.epoch;
  if (header.epoch < current) {
    throw new ServerError(
      'EPOCH_STALE',
      `the cable is wrapped at directory epoch ${header.epoch}, but the directory is at ${current}; sync the directory and wrap for epoch ${current}`,
      { extra: { epoch: current } },
    );
  }

  // 5. The date-time group is within a few minutes of the server's clock (the only clock no
  //    other checker has), so a cable cannot be dated into the past or the future.
  const now = unixSeconds(ctx.clock);
  if (header.sentAt > now + ctx.limits.maxFutureSeconds) {
    throw new ServerError('DATE_INVALID', 'the date-time group is in the future; check the device clock');
  }
  if (header.sentAt < now - ctx.limits.maxPastSeconds) {
    throw new ServerError(
      'DATE_INVALID',
      `the date-time group is more than ${Math.round(ctx.limits.maxPastSeconds / 60)} minutes in the past; check the device clock and send again`,
    );
  }

  // 6. Every listed attachment was uploaded by this device, is not linked yet, and has not
  //    expired (docs/design.md §7: a blob is linked once, by its uploader; the store checks
  //    it again in the accepting transaction, which decides races).
  const [refused] = await ctx.store.refusedAttachments(
    attachments,
    actor.device.device,
    now - ctx.limits.attachmentGraceSeconds,
  );
  if (refused !== undefined) throw attachmentRefused(refused);

  // 7. A reply keeps the original's classification or goes higher.
  await checkReply(ctx, header);

  // 8. The silence procedure's rules; the act is recorded in the cable's transaction.
  const silence = await checkSilenceAct(ctx, header, now);

  // 9. The series, then one transaction.
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
      ...(cable.summary !== undefined ? { summary: cable.summary } : {}),
      hash,
      classification: header.classification,
      precedence: header.precedence,
      sentAt: header.sentAt,
      acceptedAt: now,
      attachments,
      ...(silence ? { silence } : {}),
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
        ...(silence ? { silence: actDetailJson(silence) } : {}),
      },
    }),
  );
  if (outcome.kind === 'exists') return resubmitted(ctx, outcome.cable, hash);
  if (outcome.kind === 'attachment-refused') throw attachmentRefused(outcome.refusal);
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

function attachmentRefused({ digest, reason }: AttachmentRefusal): ServerError {
  const name = toBase64url(digest);
  if (reason === 'not-uploader') {
    return new ServerError(
      'ATTACHMENT_NOT_YOURS',
      `attachment ${name} was uploaded by another device; a cable links only attachments its own device uploaded`,
      { field: 'attachments' },
    );
  }
  if (reason === 'linked') {
    return new ServerError(
      'ATTACHMENT_LINKED',
      `attachment ${name} belongs to another cable already; seal the file again and upload it`,
      { field: 'attachments' },
    );
  }
  return new ServerError(
    'INVALID_VALUE',
    `attachment ${name} was not uploaded, or expired unsent; PUT it to /attachments/:digest first`,
    { field: 'attachments' },
  );
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

/**
 * The server's code for each refusal of the checklist. Most keep the core name; two are
 * renamed on the wire: the header signature (the request's own signature already owns
 * `SIGNATURE_INVALID`, a 401) and the sender at the header's epoch (the request was signed by
 * a device in force now, so the only way it is unknown, revoked or mis-certified at the
 * header's epoch is an epoch it should not have named).
 */
const ACCEPT_CODES: { readonly [C in CableErrorCode]: ServerErrorCode } = {
  MALFORMED: 'MALFORMED',
  UNSUPPORTED_SUITE: 'INVALID_VALUE',
  CLASSIFICATION_REFUSED: 'CLASSIFICATION_REFUSED',
  UNKNOWN_DEVICE: 'EPOCH_INVALID',
  DEVICE_REVOKED: 'EPOCH_INVALID',
  CERTIFICATE_INVALID: 'EPOCH_INVALID',
  SENDER_NOT_CLEARED: 'SENDER_NOT_CLEARED',
  SIGNATURE_INVALID: 'HEADER_SIGNATURE_INVALID',
  CIPHERTEXT_MISMATCH: 'CIPHERTEXT_MISMATCH',
  WRAPPED_SET_MISMATCH: 'WRAPPED_SET_MISMATCH',
  // Not checklist codes (they belong to opening); listed so the table is total.
  NOT_A_RECIPIENT: 'MALFORMED',
  WRAP_INVALID: 'MALFORMED',
  DECRYPT_FAILED: 'MALFORMED',
  SUMMARY_MISMATCH: 'MALFORMED',
  SERIES_GAP: 'SERIES_CONFLICT',
  ATTACHMENT_INVALID: 'MALFORMED',
  TOO_LARGE: 'TOO_LARGE',
};

function acceptMessage(refusal: CableRefusal, epoch: number, current: number): string {
  if (refusal.code === 'SIGNATURE_INVALID') {
    return "the header signature does not verify with the sender device's key; sign the header again";
  }
  if (ACCEPT_CODES[refusal.code] !== 'EPOCH_INVALID') return refusal.message;
  return epoch > current
    ? `the cable names directory epoch ${epoch}, but the directory is at ${current}`
    : `the sending device was not in force at epoch ${epoch}; seal with a current directory`;
}
