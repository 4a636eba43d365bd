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
 * The device's row, locked on PostgreSQL until the transaction ends; made (active) the first
 * time the device is seen. Every signed request and read runs this, so the row is read first
 * and made only when missing: one statement, not two, for a device already watched. On
 * PostgreSQL a reader that finds no row and a concurrent writer that makes it meet at the
 * insert (ON CONFLICT DO NOTHING waits for the other's commit), and the second read locks it.
 */
export async function lockedRow(
  trx: Trx,
  dialect: 'sqlite' | 'postgres',
  device: string,
  org: string,
  at: number,
): Promise<DeviceRow> {
  const read = async () => {
    let query = trx.selectFrom('watch_devices').selectAll().where('device', '=', device);
    if (dialect === 'postgres') query = query.forUpdate();
    return (await query.executeTakeFirst()) as DeviceRow | undefined;
  };
  const found = await read();
  if (found !== undefined) return found;
  await ensureRow(trx, device, org, at);
  const made = await read();
  if (made === undefined)
    throw new StoreError('UNAVAILABLE', `the watch row of device ${device} was not made`);
  return made;
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
