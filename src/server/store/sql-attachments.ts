/**
 * The attachments aggregate: encrypted blobs stored under their digest, the fetch of a blob
 * through a cable it is linked to and the device holds a wrap for, the quotas on what is
 * stored but not yet linked, and the sweep of blobs never linked.
 *
 * docs/design.md §7, attachments:
 * - a blob is linked by the device that uploaded it, and only once, in the accepting
 *   transaction of its cable (`refusedLinkIn` then `linkIn`, called by sql-cables.ts): a
 *   device that learnt a digest from someone else's cable cannot link it to its own cable
 *   and fetch it through that;
 * - every upload is an `attachment.uploaded` event, in the upload's transaction;
 * - unlinked blobs count against their device's and organisation's quotas, and are removed
 *   with an `attachment.expired` event once older than the grace period.
 */
import type { Kysely } from 'kysely';
import { toHex } from '../../core/encoding/bytes.ts';
import type { Database } from './schema.ts';
import { blob, bytesOf } from './sql-values.ts';
import type {
  AttachmentRefusal,
  AuditRecord,
  ExpiredBlob,
  NewAttachment,
  PutOutcome,
  RecordRead,
} from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';

/** Most blobs one sweep removes (each is one event); the next sweep takes the rest. */
const SWEEP_BATCH = 500;

export class SqlAttachments {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  put(upload: NewAttachment, audit: AuditRecord): Promise<PutOutcome> {
    return this.#ctx.write(async (trx) => {
      const existing = await trx
        .selectFrom('attachments')
        .select(['uploaded_by'])
        .where('digest', '=', blob(upload.digest))
        .executeTakeFirst();
      // The same bytes again from their uploader are the same upload (idempotent); from any
      // other device they are refused, so an uploader is never shared.
      if (existing) return existing.uploaded_by === upload.device ? 'exists' : 'taken';
      const { quota } = upload;
      const held = (column: 'uploaded_by' | 'org', value: string) =>
        trx
          .selectFrom('attachments')
          .select((eb) => eb.fn.sum<number | string | null>('size').as('bytes'))
          .where(column, '=', value)
          .where('linked_seq', 'is', null)
          .where('uploaded_at', '>=', quota.since)
          .executeTakeFirstOrThrow()
          .then((row) => Number(row.bytes ?? 0));
      const size = upload.content.length;
      if ((await held('uploaded_by', upload.device)) + size > quota.deviceBytes) return 'device-quota';
      if ((await held('org', upload.org)) + size > quota.orgBytes) return 'org-quota';
      await trx
        .insertInto('attachments')
        .values({
          digest: blob(upload.digest),
          content: blob(upload.content),
          uploaded_by: upload.device,
          uploaded_at: upload.at,
          org: upload.org,
          size,
          linked_seq: null,
        })
        .execute();
      await this.#ctx.audit(trx, audit);
      return 'created';
    });
  }

  /** Why `device` may not link each of `digests` now (empty when it may link them all). */
  refused(digests: readonly Uint8Array[], device: string, since: number): Promise<AttachmentRefusal[]> {
    return this.#ctx.read((db) => refusedIn(db, digests, device, since));
  }

  async fetch(
    seq: number,
    device: string,
    digest: Uint8Array,
    record: RecordRead,
  ): Promise<Uint8Array | undefined> {
    // Linked blobs, links and wraps never change once stored, so they are read outside the write.
    const found = await this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('cable_attachments as l')
        .innerJoin('wraps as w', 'w.cable_seq', 'l.cable_seq')
        .innerJoin('attachments as a', 'a.digest', 'l.digest')
        .select('a.content')
        .where('l.cable_seq', '=', seq)
        .where('l.digest', '=', blob(digest))
        .where('w.device', '=', device)
        .executeTakeFirst();
      return row?.content;
    });
    if (found === undefined) return undefined;
    // docs/design.md §8: the read is on record before a byte of ciphertext leaves.
    await record();
    return bytesOf(found);
  }

  /**
   * Removes blobs never linked and uploaded before `before`, each with its event (made by
   * `expired`); returns how many. A link racing the sweep either locked the row first (it
   * is linked, and kept) or finds it gone (the cable is refused).
   */
  sweep(before: number, expired: (blob: ExpiredBlob) => AuditRecord): Promise<number> {
    return this.#ctx.write(async (trx) => {
      const rows = await trx
        .selectFrom('attachments')
        .select(['digest', 'uploaded_by', 'org', 'size'])
        .where('linked_seq', 'is', null)
        .where('uploaded_at', '<', before)
        .orderBy('uploaded_at')
        .limit(SWEEP_BATCH)
        .$if(this.#ctx.dialect === 'postgres', (q) => q.forUpdate())
        .execute();
      if (rows.length === 0) return 0;
      for (const row of rows) {
        await trx.deleteFrom('attachments').where('digest', '=', row.digest).execute();
      }
      await this.#ctx.auditAll(
        trx,
        rows.map((row) =>
          expired({
            digest: bytesOf(row.digest),
            device: row.uploaded_by,
            org: row.org ?? undefined,
            size: Number(row.size ?? 0),
          }),
        ),
      );
      return rows.length;
    });
  }
}

async function refusedIn(
  db: Kysely<Database>,
  digests: readonly Uint8Array[],
  device: string,
  since: number,
  forUpdate = false,
): Promise<AttachmentRefusal[]> {
  const refused: AttachmentRefusal[] = [];
  for (const digest of unique(digests)) {
    const row = await db
      .selectFrom('attachments')
      .select(['uploaded_by', 'linked_seq', 'uploaded_at'])
      .where('digest', '=', blob(digest))
      .$if(forUpdate, (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row || (row.linked_seq === null && Number(row.uploaded_at) < since)) {
      refused.push({ digest, reason: 'missing' });
    } else if (row.uploaded_by !== device) {
      refused.push({ digest, reason: 'not-uploader' });
    } else if (row.linked_seq !== null) {
      refused.push({ digest, reason: 'linked' });
    }
  }
  return refused;
}

/**
 * In the accepting transaction, before the cable is written: the first digest the sender
 * may not link, if any. On PostgreSQL the rows are locked, so two cables racing for one
 * blob cannot both link it (SQLite runs one writer at a time).
 */
export async function refusedLinkIn(
  trx: Trx,
  dialect: 'sqlite' | 'postgres',
  digests: readonly Uint8Array[],
  device: string,
): Promise<AttachmentRefusal | undefined> {
  if (digests.length === 0) return undefined;
  const [first] = await refusedIn(trx, digests, device, 0, dialect === 'postgres');
  return first;
}

/** Links each blob to cable `seq` (checked by `refusedLinkIn` in the same transaction). */
export async function linkIn(trx: Trx, seq: number, digests: readonly Uint8Array[]): Promise<void> {
  const linked = unique(digests);
  if (linked.length === 0) return;
  await trx
    .insertInto('cable_attachments')
    .values(linked.map((d) => ({ cable_seq: seq, digest: blob(d) })))
    .execute();
  for (const digest of linked) {
    await trx
      .updateTable('attachments')
      .set({ linked_seq: seq })
      .where('digest', '=', blob(digest))
      .where('linked_seq', 'is', null)
      .execute();
  }
}

function unique(digests: readonly Uint8Array[]): Uint8Array[] {
  return [...new Map(digests.map((d) => [toHex(d), d])).values()];
}
