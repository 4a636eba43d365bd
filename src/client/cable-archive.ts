/**
 * The device's own record of the cables it has opened (docs/design.md §12), so the inbox can show
 * subjects and a later search can run locally without asking the server. What the server
 * never holds in clear must not lie in clear on the laptop either: each record is
 * encrypted with AES-256-GCM under the profile's archive key, bound to the cable id.
 * `CableArchive` is the interface (IndexedDB in the browser later); `FileCableArchive` keeps
 * one JSON line per record in a 0600 file, append-only, the newest record of an id winning.
 */

import { PRECEDENCES } from '../core/cable/precedence.ts';
import { concatBytes, fromUtf8, randomBytes, utf8 } from '../core/encoding/bytes.ts';
import { encodeCanonical, parseCanonical } from '../core/encoding/canonical-json.ts';
import type { Infer } from '../core/encoding/decode.ts';
import {
  array,
  bytes,
  decodeCanonical,
  enumOf,
  integer,
  literal,
  object,
  string,
} from '../core/encoding/decode.ts';
import { decodeCableId, decodeDeviceId, decodeOrgId, decodeUserId } from '../core/encoding/identifiers.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import { ClientError } from './client-error.ts';
import type { PrivateFileSystem } from './private-file.ts';
import { appendPrivateFile, readPrivateFile } from './private-file.ts';

const decodeArchivedCable = object({
  id: decodeCableId,
  reference: string({ min: 1, max: 20 }),
  classification: enumOf(CLASSIFICATIONS),
  precedence: enumOf(PRECEDENCES),
  sentAt: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  subject: string({ min: 1, max: 300 }),
  tags: array(string({ min: 1, max: 40 }), { max: 32 }),
  body: string({ max: 1024 * 1024 }),
  signedBy: object({
    org: decodeOrgId,
    user: decodeUserId,
    name: string({ min: 1, max: 120 }),
    device: decodeDeviceId,
    label: string({ min: 1, max: 80 }),
  }),
  openedAt: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});
export type ArchivedCable = Infer<typeof decodeArchivedCable>;

export interface CableArchive {
  add(record: ArchivedCable): Promise<void>;
  /** Every cable opened on this device, the newest record per id, in the order first opened. */
  list(): Promise<ArchivedCable[]>;
}

const decodeLine = object({
  v: literal(1),
  id: decodeCableId,
  iv: bytes({ length: 12 }),
  data: bytes({ min: 16, max: 4 * 1024 * 1024 }),
});

/** AEAD associated data: the purpose and the cable id, so a line cannot pass as another. */
const AAD_LABEL = 'valise/v1/local-archive';

export interface FileCableArchiveOptions {
  readonly path: string;
  /** 32 random bytes kept in the profile's key file. */
  readonly key: Uint8Array;
  readonly fs?: PrivateFileSystem;
  readonly uid?: number | undefined;
}

export class FileCableArchive implements CableArchive {
  readonly #path: string;
  readonly #key: Promise<CryptoKey>;
  readonly #fileOptions: { fs?: PrivateFileSystem; uid?: number | undefined };

  constructor(options: FileCableArchiveOptions) {
    if (!(options.key instanceof Uint8Array) || options.key.length !== 32) {
      throw new ClientError('INVALID_ARGUMENT', 'the archive key must be 32 bytes');
    }
    this.#path = options.path;
    this.#fileOptions = { ...(options.fs ? { fs: options.fs } : {}), uid: options.uid };
    this.#key = globalThis.crypto.subtle.importKey('raw', new Uint8Array(options.key), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
  }

  async add(record: ArchivedCable): Promise<void> {
    const plaintext = encodeCanonical(toJsonValue(record));
    decodeArchivedCable(parseCanonical(plaintext), 'record');
    const iv = randomBytes(12);
    const data = new Uint8Array(
      await globalThis.crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: aad(record.id) },
        await this.#key,
        new Uint8Array(plaintext),
      ),
    );
    const line = encodeCanonical(toJsonValue({ v: 1, id: record.id, iv, data }));
    await appendPrivateFile(this.#path, concatBytes(line, utf8('\n')), this.#fileOptions);
  }

  async list(): Promise<ArchivedCable[]> {
    const file = await readPrivateFile(this.#path, this.#fileOptions);
    if (!file) return [];
    const text = fromUtf8(file);
    if (text === undefined) throw corrupt(this.#path, 'it is not UTF-8');
    // Every record ends with a newline. What follows the last one is either nothing or the
    // torn line of an append a crash interrupted: skip only that.
    const complete = text.split('\n').slice(0, -1);
    const byId = new Map<string, ArchivedCable>();
    for (const [n, line] of complete.entries()) {
      const record = await this.#open(line, n + 1);
      byId.set(record.id, record);
    }
    return [...byId.values()];
  }

  async #open(line: string, lineNumber: number): Promise<ArchivedCable> {
    let plaintext: Uint8Array;
    try {
      const { id, iv, data } = decodeCanonical(line, decodeLine);
      plaintext = new Uint8Array(
        await globalThis.crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: aad(id) },
          await this.#key,
          new Uint8Array(data),
        ),
      );
      const record = decodeCanonical(plaintext, decodeArchivedCable, { maxBytes: 4 * 1024 * 1024 });
      if (record.id !== id) throw new Error('the record names another cable');
      return record;
    } catch (cause) {
      throw corrupt(this.#path, `line ${lineNumber} does not open`, cause);
    }
  }
}

function aad(id: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(concatBytes(utf8(AAD_LABEL), Uint8Array.of(0), utf8(id)));
}

function corrupt(path: string, why: string, cause?: unknown): ClientError {
  return new ClientError(
    'ARCHIVE_INVALID',
    `${path}: ${why}; it is corrupt or from another profile (move it away: cables are fetched again when read)`,
    cause === undefined ? {} : { cause },
  );
}
