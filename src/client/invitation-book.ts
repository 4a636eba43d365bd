/**
 * The invitations this officer's device issued, each with its binding key (docs/design.md §5):
 * the part of the invitation secret the server never sees, kept so that this device can
 * check, at approval, that a pending enrolment carries the keys the invitee's device made.
 * The redeem secret is not kept, so the book cannot enrol anyone. Entries are dropped 30
 * days after their invitation expires (a late approval can still be checked).
 *
 * One encoding for every platform: the CLI keeps it in a 0600 file of the profile, the
 * browser sealed in IndexedDB.
 */
import { toBase64url } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { array, bytes, decodeJson, integer, object } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { decodeDeviceId, decodeOrgId, decodeUserId } from '../core/encoding/identifiers.ts';
import { ENROLMENT_BINDING_BYTES } from '../core/identity/enrolment-binding.ts';
import { ClientError } from './client-error.ts';

export interface InvitationBinding {
  readonly invitation: string;
  readonly org: string;
  readonly user: string;
  readonly bindingKey: Uint8Array;
  readonly expiresAt: number;
}

export interface InvitationBook {
  keep(binding: InvitationBinding): Promise<void>;
  find(invitation: string): Promise<InvitationBinding | undefined>;
}

/** Where the book's bytes live: a private file, a sealed IndexedDB record. */
export interface InvitationBookFile {
  read(): Promise<Uint8Array | undefined>;
  write(data: Uint8Array): Promise<void>;
}

const KEEP_AFTER_EXPIRY = 30 * 24 * 3600;
const MAX_ENTRIES = 10_000;

const decodeBook = object({
  v: integer({ min: 1, max: 1 }),
  invitations: array(
    object({
      invitation: decodeDeviceId,
      org: decodeOrgId,
      user: decodeUserId,
      bindingKey: bytes({ length: ENROLMENT_BINDING_BYTES }),
      expiresAt: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    }),
    { max: MAX_ENTRIES },
  ),
});

export function invitationBook(file: InvitationBookFile, now: () => number): InvitationBook {
  const load = async (): Promise<InvitationBinding[]> => {
    const data = await file.read();
    if (!data) return [];
    try {
      return [...decodeJson(data, decodeBook, { maxBytes: 4 * 1024 * 1024 }).invitations];
    } catch (cause) {
      if (!(cause instanceof EncodingError)) throw cause;
      throw new ClientError(
        'KEY_FILE_INVALID',
        `the book of issued invitations is corrupt (${cause.message})`,
        {
          cause,
        },
      );
    }
  };
  return {
    async keep(binding) {
      const kept = (await load()).filter(
        (b) => b.invitation !== binding.invitation && b.expiresAt + KEEP_AFTER_EXPIRY > now(),
      );
      kept.push(binding);
      const invitations = kept
        .slice(-MAX_ENTRIES)
        .map((b) => ({ ...b, bindingKey: toBase64url(b.bindingKey) }));
      // Canonical (RFC 8785), as every file of a profile is.
      await file.write(encodeCanonical({ v: 1, invitations }));
    },
    async find(invitation) {
      return (await load()).find((b) => b.invitation === invitation);
    },
  };
}
