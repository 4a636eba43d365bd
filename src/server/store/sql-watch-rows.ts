/**
 * Row helpers of the watch aggregate (sql-watch.ts): the device's row, ended sessions, the
 * tuned thresholds, canaries and working hours as stored, each read back through its
 * decoder so a row edited in the database is refused, never used half-read.
 */
import { type Canary, decodeCanaryTargets } from '../../core/api/watch-routes.ts';
import { encodeCanonical } from '../../core/encoding/canonical-json.ts';
import { decodeJson } from '../../core/encoding/decode.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import { decodeReadThresholds, type ReadThresholds } from '../../core/watch/read-thresholds.ts';
import type { WatchCanariesTable } from './schema.ts';
import type { Trx } from './store-context.ts';
import { StoreError } from './store-error.ts';
import { type DeviceWatch, WATCH_STATES } from './watch-store.ts';

export interface DeviceRow {
  device: string;
  org: string;
  state: string;
  since: number;
  reason: string;
  era: number;
  alerted_at: number | null;
}

export type Reader = Pick<Trx, 'selectFrom'>;

export async function ensureRow(trx: Trx, device: string, org: string, at: number): Promise<void> {
  await trx
    .insertInto('watch_devices')
    .values({ device, org, state: 'active', since: at, reason: '', era: 0, alerted_at: null })
    .onConflict((oc) => oc.column('device').doNothing())
    .execute();
}

/**
 * Reads (and on PostgreSQL locks) a device's watch row with `read`; makes the row (active)
 * the first time the device is seen. Every signed request and read runs this, so the row is
 * read first and made only when missing: one statement, not two, for a device already
 * watched. On PostgreSQL a reader that finds no row and a concurrent writer that makes it
 * meet at the insert (ON CONFLICT DO NOTHING waits for the other's commit), and the second
 * read locks it.
 */
async function readOrMake<T>(
  trx: Trx,
  device: string,
  org: string,
  at: number,
  read: () => Promise<T | undefined>,
): Promise<T> {
  const found = await read();
  if (found !== undefined) return found;
  await ensureRow(trx, device, org, at);
  const made = await read();
  if (made === undefined)
    throw new StoreError('UNAVAILABLE', `the watch row of device ${device} was not made`);
  return made;
}

/** The device's row, locked on PostgreSQL until the transaction ends. */
export function lockedRow(
  trx: Trx,
  dialect: 'sqlite' | 'postgres',
  device: string,
  org: string,
  at: number,
): Promise<DeviceRow> {
  return readOrMake(trx, device, org, at, async () => {
    let query = trx.selectFrom('watch_devices').selectAll().where('device', '=', device);
    if (dialect === 'postgres') query = query.forUpdate();
    return (await query.executeTakeFirst()) as DeviceRow | undefined;
  });
}

/** What observing a signed request starts from: the device's row, its sequence window, its origins. */
export interface RequestRows {
  readonly row: DeviceRow;
  /** The sequence window's row; none before the device's first observed request. */
  readonly requests:
    | { readonly seqHigh: number; readonly seqSeen: string; readonly twoOriginsAt: number | null }
    | undefined;
  readonly origins: readonly { readonly prefix: string; readonly lastSeen: number }[];
}

/**
 * `lockedRow` for a signed request, with the device's sequence window and origins in the same
 * statement (outer joins, one line per origin; on PostgreSQL `FOR UPDATE OF` the device's
 * row alone): a request is observed on every call, and these were two more statements.
 */
export function lockedRequestRows(
  trx: Trx,
  dialect: 'sqlite' | 'postgres',
  device: string,
  org: string,
  at: number,
): Promise<RequestRows> {
  return readOrMake(trx, device, org, at, async () => {
    let query = trx
      .selectFrom('watch_devices as d')
      .leftJoin('watch_requests as r', 'r.device', 'd.device')
      .leftJoin('watch_origins as o', 'o.device', 'd.device')
      .select([
        'd.device',
        'd.org',
        'd.state',
        'd.since',
        'd.reason',
        'd.era',
        'd.alerted_at',
        'r.seq_high',
        'r.seq_seen',
        'r.two_origins_at',
        'o.prefix',
        'o.last_seen',
      ])
      .where('d.device', '=', device);
    if (dialect === 'postgres') query = query.forUpdate('d');
    const lines = await query.execute();
    const first = lines[0];
    if (first === undefined) return undefined;
    const { device: id, org: owner, state, since, reason, era, alerted_at } = first;
    return {
      row: { device: id, org: owner, state, since, reason, era, alerted_at },
      requests:
        first.seq_high === null || first.seq_seen === null
          ? undefined
          : { seqHigh: Number(first.seq_high), seqSeen: first.seq_seen, twoOriginsAt: first.two_origins_at },
      origins: lines.flatMap((l) =>
        l.prefix === null || l.last_seen === null
          ? []
          : [{ prefix: l.prefix, lastSeen: Number(l.last_seen) }],
      ),
    };
  });
}

export async function endSessions(trx: Trx, device: string, at: number): Promise<void> {
  await trx
    .updateTable('web_sessions')
    .set({ ended_at: at })
    .where('device', '=', device)
    .where('ended_at', 'is', null)
    .execute();
}

export async function thresholdsIn(db: Reader, org: string, role: Role): Promise<ReadThresholds | undefined> {
  const row = await db
    .selectFrom('watch_thresholds')
    .select('thresholds')
    .where('org', '=', org)
    .where('role', '=', role)
    .executeTakeFirst();
  return row ? decodeJson(row.thresholds, decodeReadThresholds) : undefined;
}

export function watchOf(row: DeviceRow): DeviceWatch {
  const state = WATCH_STATES.find((s) => s === row.state) ?? 'suspended';
  return { device: row.device, org: row.org, state, since: Number(row.since), reason: row.reason };
}

export function canaryOf(row: WatchCanariesTable): Canary {
  const targets = decodeJson(row.targets, decodeCanaryTargets);
  return {
    cable: row.cable,
    org: row.org,
    targets: { users: [...targets.users], groups: [...targets.groups] },
    plantedBy: row.planted_by,
    plantedAt: Number(row.planted_at),
    reason: row.reason,
    ...(row.tripped_device !== null && row.tripped_at !== null
      ? { tripped: { device: row.tripped_device, at: Number(row.tripped_at) } }
      : {}),
  };
}

export function canonicalText(value: Parameters<typeof encodeCanonical>[0]): string {
  return new TextDecoder().decode(encodeCanonical(value));
}
