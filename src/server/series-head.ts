/** An organisation's series head as the API shows it (GET /orgs/:org/head, SERIES_CONFLICT). */
import { toBase64url } from '../core/encoding/bytes.ts';
import type { JsonValue } from '../core/encoding/canonical-json.ts';
import type { SeriesHead } from './store/store.ts';

export function headJson(head: SeriesHead): JsonValue {
  return { serial: head.serial, year: head.year, hash: head.hash === null ? null : toBase64url(head.hash) };
}
