/**
 * The attachments aggregate: encrypted blobs stored under their digest, and the fetch of a
 * blob through a cable it is linked to and the device holds a wrap for. Links are written
 * with their cable (sql-cables.ts).
 */
import { blob, bytesOf } from './sql-values.ts';
import type { RecordRead } from './store.ts';
import type { StoreContext } from './store-context.ts';

export class SqlAttachments {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  put(digest: Uint8Array, content: Uint8Array, uploadedBy: string, at: number): Promise<boolean> {
    return this.#ctx.write(async (trx) => {
      const inserted = await trx
        .insertInto('attachments')
        .values({ digest: blob(digest), content: blob(content), uploaded_by: uploadedBy, uploaded_at: at })
        .onConflict((oc) => oc.column('digest').doNothing())
        .returning('digest')
        .executeTakeFirst();
      return inserted !== undefined;
    });
  }

  missing(digests: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return this.#ctx.read(async (db) => {
      const missing: Uint8Array[] = [];
      for (const digest of digests) {
        const row = await db
          .selectFrom('attachments')
          .select('digest')
          .where('digest', '=', blob(digest))
          .executeTakeFirst();
        if (!row) missing.push(digest);
      }
      return missing;
    });
  }

  async fetch(
    seq: number,
    device: string,
    digest: Uint8Array,
    record: RecordRead,
  ): Promise<Uint8Array | undefined> {
    // Blobs, links and wraps never change once stored, so they are read outside the write.
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
}
