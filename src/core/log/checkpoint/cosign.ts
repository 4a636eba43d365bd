/**
 * A witness's cosignature on a checkpoint (C2SP tlog-cosignature, cosignature/v1): Ed25519
 * over `cosignature/v1\ntime <t>\n` + the checkpoint text, written as the signature line
 * `— <name> base64(key ID || u64 timestamp || signature)`. The caller decides that the
 * checkpoint deserves it (see witnessCheck) and passes the time: no clock is read here.
 */
import { concatBytes, utf8 } from '../../encoding/bytes.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { cosignatureMessage, timestampBytes } from './cosignature-message.ts';
import { formatCheckpoint } from './format-checkpoint.ts';
import { ED25519_SIGNATURE_SIZE, keyId, SIGNATURE_TYPES } from './key-id.ts';
import { parseCheckpoint } from './parse-checkpoint.ts';
import { checkSigner, runSigner, signatureLine } from './sign-note.ts';
import type { Signer } from './signer.ts';

/** Returns the cosignature line (newline included) to append to the checkpoint's note. */
export async function cosign(
  checkpointText: string | Uint8Array,
  signer: Signer,
  timestamp: number,
): Promise<string> {
  // A cosignature is applied to a checkpoint: refuse anything else before signing. The
  // parse is strict, so formatting it back gives exactly the text (or bytes) received.
  const text = formatCheckpoint(parseCheckpoint(checkpointText));
  const valid = checkSigner(signer);
  // The key ID for Ed25519 cosignatures MUST be computed with type 0x04.
  const publicKey: unknown = valid.publicKey;
  if (
    !(publicKey instanceof Uint8Array) ||
    valid.keyId !== keyId(valid.name, SIGNATURE_TYPES.cosignatureV1, publicKey)
  ) {
    throw new CheckpointError(
      'INVALID_KEY',
      'cosign needs a cosignatureSigner (key ID of signature type 0x04)',
    );
  }
  // The timestamp MUST NOT exceed 2^63 − 1; Valise keeps it a safe integer.
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new CheckpointError('INVALID_TIMESTAMP', 'the cosignature time must be non-negative POSIX seconds');
  }
  const signature = await runSigner(valid, cosignatureMessage(timestamp, utf8(text)));
  if (signature.length !== ED25519_SIGNATURE_SIZE) {
    throw new CheckpointError(
      'SIGNING_FAILED',
      `cosigner ${valid.name} did not return a 64-byte Ed25519 signature`,
    );
  }
  return signatureLine(valid.name, valid.keyId, concatBytes(timestampBytes(timestamp), signature));
}
