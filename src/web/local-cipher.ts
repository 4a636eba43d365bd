/**
 * Encryption at rest for what the browser keeps (docs/design.md §12): one non-extractable AES-256-GCM
 * key, made in this browser and kept in IndexedDB, encrypts each record with a fresh IV and
 * its purpose as associated data, so one record cannot be passed off as another. Script on the
 * page can use the key but never read it; a copy of the profile's files alone opens nothing
 * without the browser that holds it.
 */
import { concatBytes, randomBytes, utf8 } from '../core/encoding/bytes.ts';
import type { LocalDatabase } from './indexed-db.ts';

export interface SealedRecord {
  readonly iv: Uint8Array;
  readonly data: Uint8Array;
}

const KEY_NAME = 'local-aes-key';
const LABEL = 'valise/v1/browser-at-rest';

export class LocalCipher {
  readonly #key: CryptoKey;

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** The browser's at-rest key, made on first use. */
  static async open(db: LocalDatabase): Promise<LocalCipher> {
    const existing = await db.get<CryptoKey>('keys', KEY_NAME);
    if (existing) return new LocalCipher(existing);
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    await db.put('keys', KEY_NAME, key);
    return new LocalCipher(key);
  }

  async seal(purpose: string, plaintext: Uint8Array): Promise<SealedRecord> {
    const iv = randomBytes(12);
    const data = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: aad(purpose) },
      this.#key,
      new Uint8Array(plaintext),
    );
    return { iv, data: new Uint8Array(data) };
  }

  /** The plaintext, or undefined when the record does not open (corrupt, or another purpose). */
  async open(purpose: string, record: SealedRecord): Promise<Uint8Array | undefined> {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: new Uint8Array(record.iv), additionalData: aad(purpose) },
        this.#key,
        new Uint8Array(record.data),
      );
      return new Uint8Array(plain);
    } catch {
      return undefined;
    }
  }

  async sealJson(purpose: string, value: unknown): Promise<SealedRecord> {
    return this.seal(purpose, utf8(JSON.stringify(value)));
  }

  async openJson<T>(purpose: string, record: SealedRecord | undefined): Promise<T | undefined> {
    if (!record) return undefined;
    const plain = await this.open(purpose, record);
    return plain === undefined ? undefined : (JSON.parse(new TextDecoder().decode(plain)) as T);
  }
}

function aad(purpose: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(concatBytes(utf8(LABEL), Uint8Array.of(0), utf8(purpose)));
}
