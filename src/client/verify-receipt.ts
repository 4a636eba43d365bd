/**
 * Checks the server's receipt for a cable (docs/api.md): it names this cable, its place in
 * the series and its hash, and carries the server's Ed25519 signature over
 * `LABELS.receipt || 0x00 || canonical({ cable, reference, hash, acceptedAt })` under the
 * pinned server key. A receipt is the server's word that the cable is stored durably.
 * Returns false for anything wrong; never throws.
 */

import type { Receipt } from '../core/api/cable-routes.ts';
import { cableHash } from '../core/cable/cable-header.ts';
import { formatReference } from '../core/cable/reference.ts';
import type { SealedCable } from '../core/cable/sealed-cable.ts';
import { verifyLabelled } from '../core/crypto/ed25519.ts';
import { LABELS } from '../core/crypto/labels.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';

export async function verifyReceipt(
  receipt: Receipt,
  cable: SealedCable,
  serverKey: Uint8Array,
): Promise<boolean> {
  try {
    const { header } = cable;
    const reference = formatReference({
      org: header.org,
      serial: header.serial,
      year: yearOf(header.sentAt),
    });
    if (receipt.cable !== header.id || receipt.reference !== reference) return false;
    if (!constantTimeEqual(receipt.hash, cableHash(header, cable.signature))) return false;
    const signed = encodeCanonical(
      toJsonValue({
        cable: receipt.cable,
        reference: receipt.reference,
        hash: receipt.hash,
        acceptedAt: receipt.acceptedAt,
      }),
    );
    return await verifyLabelled(serverKey, LABELS.receipt, signed, receipt.signature);
  } catch {
    return false;
  }
}
