/**
 * Threads in the worker (docs/design.md §2, "Threads"). A thread is built from what this
 * device already holds: the inbox headers it synced (each checked against the verified
 * directory) and the cables it opened. No server route lists "the replies to X": the
 * device's inbox is exactly the replies it may see, and listing it again reads no cable. The
 * acknowledgements shown are those of the thread's cables sent by this device's organisation,
 * which the server tells only the sender (GET /cables/:id/acks). A reply starts here too,
 * pre-filled from the original (core/cable/reply.ts).
 */
import { ClientError } from '../client/client-error.ts';
import { acknowledgedBy, listAcks } from '../client/list-acks.ts';
import { findReplyOriginal } from '../client/reply-original.ts';
import { resolveCableId } from '../client/resolve-cable-id.ts';
import { formatReference, parseReference } from '../core/cable/reference.ts';
import { type ReplyOriginal, replyAddressees, replySubject } from '../core/cable/reply.ts';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import type { DeviceContext } from './device-context.ts';
import type { InboxRow, ReplyStart, ThreadEntry } from './device-protocol.ts';
import { classificationOf, EMPTY_DRAFT } from './draft-fields.ts';
import type { InboxSnapshot } from './local-archive.ts';
import { syncInbox } from './sync-inbox.ts';
import { threadOf } from './thread-of.ts';

/** At most this many of the thread's own cables are asked for their acknowledgements. */
const MAX_ACK_LOOKUPS = 20;

export async function thread(device: DeviceContext, id: string): Promise<readonly ThreadEntry[]> {
  const snapshot = await syncedInbox(device);
  const members = threadOf(snapshot.items, id);
  // A cable alone is no thread.
  if (members.length < 2) return [];
  const entries: ThreadEntry[] = members.map(cableEntry);
  const mine = members.filter((m) => m.role === 'sender').slice(-MAX_ACK_LOOKUPS);
  const session = device.live();
  for (const cable of mine) {
    const acks = (await listAcks(session, cable.id).catch(() => undefined))?.items ?? [];
    for (const a of acks) {
      if (!a.acknowledged || a.at === undefined) continue;
      const by = acknowledgedBy(a);
      entries.push({
        kind: 'ack',
        id: cable.id,
        reference: cable.reference,
        org: a.org,
        ...(by ? { by } : {}),
        at: a.at,
        dtg: formatDateTimeGroup(a.at),
      });
    }
  }
  return entries.sort((a, b) => timeOf(a) - timeOf(b));
}

export async function replyDraft(device: DeviceContext, reference: string): Promise<ReplyStart> {
  const canonical = canonicalReference(reference);
  const empty = { ...EMPTY_DRAFT, replyTo: canonical };
  const { archive } = await device.open();
  const session = await device.fresh();
  const org = session.device.org;
  // The copy this browser kept when it opened the original; else its header from the inbox.
  const row = (await archive.inbox()).items.find((i) => i.reference === canonical && i.verified);
  const kept = row ? await archive.view(row.id) : undefined;
  const original: (ReplyOriginal & { subject?: string }) | undefined = kept
    ? {
        org: kept.from,
        classification: classificationOf(kept.classification),
        distribution: kept.distribution,
        groups: kept.groups,
        subject: kept.subject,
      }
    : await findReplyOriginal(session, archive, canonical);
  // The original's tags carry over to the reply: from the copy opened here, else its listed summary.
  const tags = kept ? kept.tags : (row?.tags ?? []);
  if (!original) return { draft: empty };
  const addressees = replyAddressees(original, org);
  return {
    draft: {
      ...empty,
      classification: original.classification,
      action: addressees.filter((a) => a.role === 'action').map((a) => a.org),
      info: addressees.filter((a) => a.role === 'info').map((a) => a.org),
      groups: [...original.groups],
      subject: original.subject ? replySubject(original.subject) : '',
      tags: tags.join(', '),
    },
    floor: original.classification,
  };
}

export async function resolveReference(device: DeviceContext, reference: string): Promise<string> {
  const canonical = canonicalReference(reference);
  const { archive } = await device.open();
  const row = (await archive.inbox()).items.find((i) => i.reference === canonical);
  if (row) return row.id;
  return resolveCableId(device.live(), archive, canonical);
}

/** The inbox brought up to date, or as this browser kept it when the server is away. */
async function syncedInbox(device: DeviceContext): Promise<InboxSnapshot> {
  const { archive } = await device.open();
  try {
    return await syncInbox(await device.fresh(), archive);
  } catch (error) {
    if (error instanceof ClientError && error.code === 'SERVER_UNREACHABLE') return archive.inbox();
    throw error;
  }
}

function cableEntry(row: InboxRow): ThreadEntry {
  return {
    kind: 'cable',
    id: row.id,
    reference: row.reference,
    from: row.from,
    sentAt: row.sentAt,
    dtg: row.dtg,
    classification: row.classification,
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.replyTo ? { replyTo: row.replyTo } : {}),
    ...(row.silence ? { silence: row.silence } : {}),
  };
}

function timeOf(entry: ThreadEntry): number {
  return entry.kind === 'cable' ? entry.sentAt : entry.at;
}

function canonicalReference(reference: string): string {
  try {
    return formatReference(parseReference(reference, 'reference'));
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(reference)} is not a reference like DE/42/26`,
      {
        cause,
      },
    );
  }
}
