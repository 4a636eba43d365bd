/**
 * Verifier keys, the one-line form in which a log's or witness's public key is pinned in
 * configuration (golang.org/x/mod/sumdb/note, C2SP signed-note): `<name>+<8 hex digits of
 * key ID>+<base64(type byte || public key)>`. Parsing recomputes the key ID, so a pinned key
 * whose ID does not match its name and key is refused.
 */
import { isEd25519PublicKey } from '../../crypto/ed25519.ts';
import { byteAt } from '../../encoding/bytes.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { ED25519_PUBLIC_KEY_SIZE, keyId, SIGNATURE_TYPES, type SignatureType } from './key-id.ts';
import { isKeyName } from './note-text.ts';
import { cosignatureVerifier, ed25519Verifier, type NoteVerifier } from './note-verifier.ts';

export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
}

function isSignatureType(value: number): value is SignatureType {
  return value === SIGNATURE_TYPES.ed25519 || value === SIGNATURE_TYPES.cosignatureV1;
}

export function parseVerifierKey(vkey: string): VerifierKey {
  const malformed = (why: string) => new CheckpointError('MALFORMED_VERIFIER_KEY', `verifier key: ${why}`);
  if (typeof vkey !== 'string' || vkey.length > 1024) throw malformed('must be a short string');
  // The key is standard base64, which may itself hold '+': cut at the first two only, as
  // Go's sumdb/note does (strings.Cut twice). Key names hold no '+'.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw malformed('expected <name>+<key ID>+<key>');
  const [name, hexId, encoded] = [
    vkey.slice(0, first),
    vkey.slice(first + 1, second),
    vkey.slice(second + 1),
  ];
  if (!isKeyName(name)) throw malformed('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw malformed('the key ID must be 8 lowercase hex digits');
  const bytes = fromBase64(encoded);
  if (bytes === undefined || bytes.length !== 1 + ED25519_PUBLIC_KEY_SIZE) {
    throw malformed('the key must be base64 of a type byte and a 32-byte Ed25519 key');
  }
  const type = byteAt(bytes, 0);
  if (!isSignatureType(type))
    throw malformed(`unsupported signature type 0x${type.toString(16).padStart(2, '0')}`);
  const publicKey = bytes.slice(1);
  const id = keyId(name, type, publicKey);
  if (id !== Number.parseInt(hexId, 16)) throw malformed('the key ID does not match the name and key');
  return Object.freeze({ name, keyId: id, type, publicKey });
}

export function formatVerifierKey(name: string, type: SignatureType, publicKey: Uint8Array): string {
  if (!isKeyName(name)) throw new CheckpointError('INVALID_KEY_NAME', 'invalid key name');
  if (!isSignatureType(type)) throw new CheckpointError('INVALID_KEY', 'unsupported signature type');
  if (!isEd25519PublicKey(publicKey)) {
    throw new CheckpointError('INVALID_KEY', 'an Ed25519 public key is 32 bytes');
  }
  const id = keyId(name, type, publicKey).toString(16).padStart(8, '0');
  const bytes = new Uint8Array(1 + ED25519_PUBLIC_KEY_SIZE);
  bytes[0] = type;
  bytes.set(publicKey, 1);
  return `${name}+${id}+${toBase64(bytes)}`;
}

/** The NoteVerifier a verifier key describes: a note key (0x01) or a cosigner key (0x04). */
export function verifierFromKey(vkey: string): NoteVerifier {
  const key = parseVerifierKey(vkey);
  return key.type === SIGNATURE_TYPES.ed25519
    ? ed25519Verifier(key.name, key.publicKey)
    : cosignatureVerifier(key.name, key.publicKey);
}
