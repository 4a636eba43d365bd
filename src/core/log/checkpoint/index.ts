/**
 * Signed checkpoints of the audit log (docs/design.md §8): C2SP signed-note with Ed25519, the
 * tlog-checkpoint body, tlog-cosignature (cosignature/v1) and the witness's decision.
 */
export { type Checkpoint, type CheckpointFields, checkpoint } from './checkpoint.ts';
export { CHECKPOINT_ERROR_CODES, CheckpointError, type CheckpointErrorCode } from './checkpoint-error.ts';
export { cosign } from './cosign.ts';
export { formatCheckpoint } from './format-checkpoint.ts';
export { isKeyId, keyId, SIGNATURE_TYPES, type SignatureType } from './key-id.ts';
export { MAX_NOTE_BYTES, MAX_SIGNATURES } from './note-text.ts';
export {
  cosignatureTimestamp,
  cosignatureVerifier,
  ed25519Verifier,
  type NoteVerifier,
} from './note-verifier.ts';
export { parseCheckpoint } from './parse-checkpoint.ts';
export { type NoteSignature, parseNote, type SignedNote } from './parse-note.ts';
export { signNote } from './sign-note.ts';
export { cosignatureSigner, ed25519Signer, type Signer } from './signer.ts';
export { formatVerifierKey, parseVerifierKey, type VerifierKey, verifierFromKey } from './verifier-key.ts';
export { type CosignatureCheck, verifyCosignature } from './verify-cosignature.ts';
export { verifyNote } from './verify-note.ts';
export {
  WITNESS_REFUSALS,
  type WitnessCheckInput,
  type WitnessRefusal,
  type WitnessVerdict,
  witnessCheck,
} from './witness-check.ts';
