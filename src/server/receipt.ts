/**
 * Delivery receipts (docs/api.md): the server's signed statement that it holds a cable
 * durably. Issued only after the cable's transaction has committed. Ed25519 is
 * deterministic, so signing the same fields again (a resubmitted cable) gives the very same
 * receipt without storing it.
 */

import { type Signer, signLabelled, verifyLabelled } from '../core/crypto/ed25519.ts';
import { LABELS } from '../core/crypto/labels.ts';
import { toBase64url } from '../core/encoding/bytes.ts';
import { encodeCanonical, type JsonValue } from '../core/encoding/canonical-json.ts';

export interface ReceiptFields {
  /** The cable id. */
  readonly cable: string;
  readonly reference: string;
  /** `cableHash(header, signature)`. */
  readonly hash: Uint8Array;
  /** Unix seconds at which the cable was accepted. */
  readonly acceptedAt: number;
}

export interface Receipt extends ReceiptFields {
  readonly signature: Uint8Array;
}

function signedBytes(fields: ReceiptFields): Uint8Array {
  return encodeCanonical({
    cable: fields.cable,
    reference: fields.reference,
    hash: toBase64url(fields.hash),
    acceptedAt: fields.acceptedAt,
  });
}

export async function signReceipt(signer: Signer, fields: ReceiptFields): Promise<Receipt> {
  const signature = await signLabelled(signer, LABELS.receipt, signedBytes(fields));
  return { ...fields, signature };
}

/** True when `receipt` is signed by `serverKey`; never throws. */
export function verifyReceipt(serverKey: Uint8Array, receipt: Receipt): Promise<boolean> {
  try {
    return verifyLabelled(serverKey, LABELS.receipt, signedBytes(receipt), receipt.signature);
  } catch {
    return Promise.resolve(false);
  }
}

export function receiptJson(receipt: Receipt): JsonValue {
  return {
    cable: receipt.cable,
    reference: receipt.reference,
    hash: toBase64url(receipt.hash),
    acceptedAt: receipt.acceptedAt,
    signature: toBase64url(receipt.signature),
  };
}
