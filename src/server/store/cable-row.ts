/**
 * A stored cable as the cables and inbox aggregates read it: the columns (never the
 * content, which only a fetch reads) and the record they make.
 */
import { MAX_ADDRESSEES } from '../../core/cable/cable-header.ts';
import { ADDRESSEE_ROLES } from '../../core/cable/precedence.ts';
import { array, decodeCanonical, enumOf, object } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { bytesOf } from './sql-values.ts';
import type { CableRecord } from './store.ts';

export const CABLE_COLUMNS = [
  'c.seq',
  'c.id',
  'c.org',
  'c.year',
  'c.serial',
  'c.sender_device',
  'c.sender_user',
  'c.distribution',
  'c.header',
  'c.signature',
  'c.hash',
  'c.classification',
  'c.precedence',
  'c.sent_at',
  'c.accepted_at',
] as const;

const decodeDistribution = array(object({ org: decodeOrgId, role: enumOf(ADDRESSEE_ROLES) }), {
  min: 1,
  max: MAX_ADDRESSEES,
});

export interface CableRow {
  seq: number;
  id: string;
  org: string;
  year: number;
  serial: number;
  sender_device: string;
  sender_user: string;
  distribution: string;
  header: Uint8Array;
  signature: Uint8Array;
  hash: Uint8Array;
  classification: string;
  precedence: string;
  sent_at: number;
  accepted_at: number;
}

export function cableOf(row: CableRow): CableRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    org: row.org,
    year: Number(row.year),
    serial: Number(row.serial),
    senderDevice: row.sender_device,
    senderUser: row.sender_user,
    distribution: decodeCanonical(row.distribution, decodeDistribution),
    header: bytesOf(row.header),
    signature: bytesOf(row.signature),
    hash: bytesOf(row.hash),
    classification: row.classification,
    precedence: row.precedence,
    sentAt: Number(row.sent_at),
    acceptedAt: Number(row.accepted_at),
  };
}
