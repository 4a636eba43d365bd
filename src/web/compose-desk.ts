/**
 * Writing cables in the worker: who a draft would reach (computed from the verified
 * directory by the same policy the server applies, docs/design.md §6), sending it with its
 * attachments (sealed here), and the draft kept encrypted while it is typed.
 */

import { ClientError } from '../client/client-error.ts';
import { checkReplyLevel } from '../client/reply-original.ts';
import { directoryAtLeast, sendCable } from '../client/send-cable.ts';
import { entitledDevices } from '../core/policy.ts';
import type { DeviceContext } from './device-context.ts';
import type { Draft, FileInput, RecipientView } from './device-protocol.ts';
import { classificationOf, distributionOf, markingsOf, precedenceOf, tagsOf } from './draft-fields.ts';
import { FAN_OUT_MIN_DEVICES } from './fan-out-wrapper.ts';
import type { SealedRecord } from './local-cipher.ts';

export async function recipients(device: DeviceContext, draft: Draft): Promise<readonly RecipientView[]> {
  const session = await device.fresh(0);
  const { directory } = session;
  const distribution = distributionOf(draft);
  if (distribution.length === 0) return [];
  const ids = entitledDevices(
    {
      org: session.device.org,
      sender: { user: session.device.user, device: session.device.device },
      classification: classificationOf(draft.classification),
      distribution,
      groups: [...draft.groups].sort(),
      epoch: directory.epoch,
      sentAt: device.clock.nowSeconds(),
    },
    directory,
  );
  // docs/design.md §12: a draft this large is sealed over the fan-out workers; start them now.
  if (ids.length >= FAN_OUT_MIN_DEVICES) device.wrapper.warm();
  return ids.flatMap((id) => {
    const entry = directory.device(id);
    return entry
      ? [
          {
            device: id,
            label: entry.device.label,
            user: entry.user.user,
            name: entry.user.name,
            org: entry.org.org,
          },
        ]
      : [];
  });
}

export async function send(
  device: DeviceContext,
  draft: Draft,
  files: readonly FileInput[],
): Promise<{ readonly id: string; readonly reference: string }> {
  // docs/design.md §6: seal for the entitled set of the newest verified directory.
  const session = await device.fresh(0);
  const subject = draft.subject.trim();
  if (subject.length === 0) throw new ClientError('INVALID_ARGUMENT', 'give the cable a subject');
  const tags = tagsOf(draft.tags ?? '');
  const distribution = distributionOf(draft);
  if (distribution.length === 0)
    throw new ClientError('INVALID_ARGUMENT', 'name at least one action or info addressee');
  const replyTo = draft.replyTo.trim();
  const classification = classificationOf(draft.classification);
  // docs/design.md §2: a reply is never classified lower than its original (the server
  // refuses it too); checked against the original's verified header before any sealing.
  const { archive } = await device.open();
  const original = (await archive.inbox()).items.find((i) => i.reference === replyTo && i.verified);
  if (original)
    checkReplyLevel(
      { reference: replyTo, classification: classificationOf(original.classification) },
      classification,
    );
  const hours = (draft.silenceHours ?? '').trim();
  if (hours !== '' && !/^[1-9][0-9]{0,3}$/.test(hours)) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      'give the silence procedure a whole number of hours, or leave it empty',
    );
  }
  const silence =
    hours === ''
      ? {}
      : { silence: 'open' as const, silenceDeadline: device.clock.nowSeconds() + Number(hours) * 3600 };
  const sent = await sendCable({
    session,
    draft: {
      classification,
      markings: markingsOf(draft.markings),
      precedence: precedenceOf(draft.precedence),
      distribution,
      groups: [...draft.groups].sort(),
      ...(replyTo ? { replyTo } : {}),
      ...silence,
    },
    content: { subject, tags, body: draft.body },
    attachments: files,
    // WebCrypto's ML-KEM where this browser has it, noble's otherwise (docs/design.md §4);
    // a large distribution over the fan-out workers as well (§12).
    wrapper: device.wrapper,
    // docs/design.md §6: a directory that moved on is synced again, and the cable re-wrapped.
    resync: (epoch) =>
      directoryAtLeast(
        async () => (await device.fresh(0)).directory,
        epoch,
        () => new Promise((resolve) => setTimeout(resolve, 500)),
      ),
  });
  const me = session.directory.device(session.device.device);
  if (me) {
    await archive.add({
      id: sent.id,
      reference: sent.reference,
      classification: sent.header.classification,
      precedence: sent.header.precedence,
      sentAt: sent.header.sentAt,
      subject,
      tags,
      body: draft.body,
      signedBy: {
        org: me.org.org,
        user: me.user.user,
        name: me.user.name,
        device: me.device.device,
        label: me.device.label,
      },
      openedAt: device.clock.nowSeconds(),
    });
    // The live inbox may have listed the cable while it was being sent: its sender knows it.
    const snapshot = await archive.inbox();
    if (snapshot.items.some((i) => i.id === sent.id)) {
      archive.setInbox({
        ...snapshot,
        items: snapshot.items.map((i) =>
          i.id === sent.id ? { ...i, read: true, subject, ...(tags.length > 0 ? { tags } : {}) } : i,
        ),
      });
    }
  }
  await clearDraft(device);
  return { id: sent.id, reference: sent.reference };
}

export async function saveDraft(device: DeviceContext, draft: Draft): Promise<void> {
  const { db, cipher } = await device.open();
  await db.put('blobs', 'draft', await cipher.sealJson('draft', draft));
}

export async function loadDraft(device: DeviceContext): Promise<Draft | null> {
  const { db, cipher } = await device.open();
  return (await cipher.openJson<Draft>('draft', await db.get<SealedRecord>('blobs', 'draft'))) ?? null;
}

export async function clearDraft(device: DeviceContext): Promise<void> {
  await (await device.open()).db.delete('blobs', 'draft');
}
