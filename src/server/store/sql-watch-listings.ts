/**
 * The watch's count of listed subjects (docs/design.md §9), in the transaction that puts
 * a listing on record: each cable whose subject a device is served for the first time is
 * remembered (watch_listed) and counted in the device's minute bucket (watch_listings);
 * a subject listed again adds nothing, since the device knows it already. Answers the
 * device's totals over the read windows, for assessment against the listing thresholds.
 */
import { bucketStart, type WindowTotals, windowTotals } from '../../core/watch/read-windows.ts';
import type { Trx } from './store-context.ts';

/** The buckets a listing's assessment looks at: the longest window and one bucket more. */
const LOOKBACK_SECONDS = 86_400 + 60;

export async function countListed(
  trx: Trx,
  device: string,
  era: number,
  at: number,
  cables: readonly number[],
): Promise<WindowTotals> {
  // One statement; both dialects count only the rows it inserted, not those already there.
  const inserted =
    cables.length === 0
      ? undefined
      : await trx
          .insertInto('watch_listed')
          .values(cables.map((seq) => ({ device, cable_seq: seq })))
          .onConflict((oc) => oc.columns(['device', 'cable_seq']).doNothing())
          .executeTakeFirst();
  const fresh = Number(inserted?.numInsertedOrUpdatedRows ?? 0n);
  if (fresh > 0) {
    await trx
      .insertInto('watch_listings')
      .values({ device, era, bucket: bucketStart(at), listed: fresh })
      .onConflict((oc) =>
        oc
          .columns(['device', 'era', 'bucket'])
          .doUpdateSet((eb) => ({ listed: eb('watch_listings.listed', '+', fresh) })),
      )
      .execute();
  }
  const rows = await trx
    .selectFrom('watch_listings')
    .select(['bucket', 'listed'])
    .where('device', '=', device)
    .where('era', '=', era)
    .where('bucket', '>', at - LOOKBACK_SECONDS)
    .execute();
  return windowTotals(
    rows.map((r) => ({ start: Number(r.bucket), reads: Number(r.listed) })),
    at,
  );
}
