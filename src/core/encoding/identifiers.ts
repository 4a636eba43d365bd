/**
 * The shapes of the names Valise uses, as decoders. Each pattern is closed (anchored,
 * bounded) so an identifier can be embedded in a reference, a label or a path without
 * escaping.
 */
import { randomBytes, toBase64url } from './bytes.ts';
import { bytes, string } from './decode.ts';

/** An organisation: `DE`, `CY`, `EEAS`, `CONSIL`, `COM`. */
export const ORG_ID_PATTERN = /^[A-Z][A-Z0-9]{1,7}$/;
export const decodeOrgId = string({ min: 2, max: 8, pattern: ORG_ID_PATTERN });

/** A working group (need-to-know): `COEST`, `CONUN`, `PSC`, `RELEX-SANCTIONS`. */
export const GROUP_PATTERN = /^[A-Z][A-Z0-9-]{1,23}$/;
export const decodeGroup = string({ min: 2, max: 24, pattern: GROUP_PATTERN });

/** A user handle, unique in the network: `de.anna.schmidt`. */
export const USER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const decodeUserId = string({ min: 1, max: 64, pattern: USER_ID_PATTERN });

/** Device and cable ids are 16 random bytes, base64url: 22 characters. */
export const ID_BYTES = 16;
export const RANDOM_ID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;
export const decodeDeviceId = string({ min: 22, max: 22, pattern: RANDOM_ID_PATTERN });
export const decodeCableId = decodeDeviceId;

/**
 * A fresh random id (16 bytes, base64url) for a device, cable or invitation. Ids that would
 * start with '-' or '_' are drawn again: people type these ids as command-line arguments,
 * where a leading '-' reads as an option. (Rejection keeps the remaining ids uniform.)
 */
export function randomId(): string {
  for (;;) {
    const id = toBase64url(randomBytes(ID_BYTES));
    if (id[0] !== '-' && id[0] !== '_') return id;
  }
}

/** A SHA-256 digest, base64url. */
export const decodeDigest = bytes({ length: 32 });

/** An Ed25519 public key, base64url. */
export const decodeEd25519PublicKey = bytes({ length: 32 });

/** An Ed25519 signature, base64url. */
export const decodeEd25519Signature = bytes({ length: 64 });

/** An X-Wing public key (ML-KEM-768 encapsulation key || X25519 public key), base64url. */
export const XWING_PUBLIC_KEY_BYTES = 1216;
export const decodeXWingPublicKey = bytes({ length: XWING_PUBLIC_KEY_BYTES });

/** Roles of a user within an organisation (docs/design.md §2). */
export const ROLES = ['member', 'registry', 'security-officer', 'network-authority'] as const;
export type Role = (typeof ROLES)[number];
