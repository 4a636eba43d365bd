/**
 * The passphrase side of one profile's encrypted key files (sealed-key-file.ts): asks the
 * passphrase source at most once per process, runs scrypt once per salt, and seals every new
 * version of a file under the key already derived (fresh nonce each time), so a command pays
 * for the KDF once. Nothing derived is written anywhere; it lives as long as the command.
 */
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { type Decoder, decodeCanonical } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import { ClientError } from './client-error.ts';
import { NO_PASSPHRASE, type PassphraseSource } from './passphrase-source.ts';
import { type PrivateFileOptions, readPrivateFile, writePrivateFile } from './private-file.ts';
import {
  DEFAULT_KEY_FILE_WORK_FACTOR,
  decodeSealedKeyFile,
  deriveKeyFileKey,
  type KeyFileKey,
  MIN_PASSPHRASE_LENGTH,
  openKeyFile,
  type SealedKeyFile,
  sealKeyFile,
} from './sealed-key-file.ts';

/** What a key file held: its decoded value, and whether it was encrypted. */
export interface KeyFileContent<T> {
  readonly value: T;
  readonly sealed: boolean;
}

export interface KeyFileLockOptions {
  readonly passphrase?: PassphraseSource | undefined;
  /** log2 of scrypt's N for files written; default 18. Lower only in tests. */
  readonly workFactor?: number | undefined;
  /** Names the files for a prompt, e.g. `profile de`. */
  readonly what: string;
}

export class KeyFileLock {
  readonly #source: PassphraseSource;
  readonly #workFactor: number;
  readonly #what: string;
  #passphrase: string | undefined;
  /** The key new files are sealed with: the first one derived or opened. */
  #current: KeyFileKey | undefined;

  constructor(options: KeyFileLockOptions) {
    this.#source = options.passphrase ?? NO_PASSPHRASE;
    this.#workFactor = options.workFactor ?? DEFAULT_KEY_FILE_WORK_FACTOR;
    this.#what = options.what;
  }

  /** Whether a passphrase is already in hand (a file was opened or sealed). */
  get unlocked(): boolean {
    return this.#passphrase !== undefined;
  }

  async open(file: SealedKeyFile, path: string): Promise<Uint8Array> {
    const current = this.#current;
    if (current && current.logN === file.logN && constantTimeEqual(current.salt, file.salt)) {
      return openKeyFile(file, current, path);
    }
    const passphrase = this.#passphrase ?? (await this.#source.unlock(this.#what));
    const key = await deriveKeyFileKey(passphrase, file.logN, file.salt);
    const plaintext = openKeyFile(file, key, path);
    // Only a passphrase that opened a file is kept.
    this.#passphrase = passphrase;
    this.#current ??= key;
    return plaintext;
  }

  async seal(plaintext: Uint8Array): Promise<SealedKeyFile> {
    if (!this.#current) {
      const passphrase = this.#passphrase ?? (await this.#chosen());
      this.#current = await deriveKeyFileKey(passphrase, this.#workFactor);
      this.#passphrase = passphrase;
    }
    return sealKeyFile(plaintext, this.#current);
  }

  /**
   * Reads a key file, encrypted or in clear, through `decoder`; undefined when there is none.
   * Whether clear is acceptable is the caller's decision (it knows what the file holds).
   */
  async read<T>(
    path: string,
    decoder: Decoder<T>,
    options: PrivateFileOptions,
    maxBytes = 1024 * 1024,
  ): Promise<KeyFileContent<T> | undefined> {
    const data = await readPrivateFile(path, options);
    if (!data) return undefined;
    return this.parse(path, data, decoder, maxBytes);
  }

  /** `read` for bytes already read from `path`. */
  async parse<T>(
    path: string,
    data: Uint8Array,
    decoder: Decoder<T>,
    maxBytes = 1024 * 1024,
  ): Promise<KeyFileContent<T>> {
    const outer = invalidAs(path, () => decodeCanonical(data, sealedOr(decoder), { maxBytes }));
    if (outer.sealed === false) return { value: outer.value, sealed: false };
    const plaintext = await this.open(outer.value, path);
    return { value: invalidAs(path, () => decodeCanonical(plaintext, decoder, { maxBytes })), sealed: true };
  }

  /** Writes `value` canonically, encrypted unless `clear`, after checking it reads back through `decoder`. */
  async write(
    path: string,
    value: unknown,
    decoder: Decoder<unknown>,
    options: PrivateFileOptions & { readonly clear?: boolean },
  ): Promise<void> {
    const json = toJsonValue(value);
    decoder(json, '');
    const bytes = encodeCanonical(json);
    const file = options.clear ? bytes : encodeCanonical(toJsonValue(await this.seal(bytes)));
    await writePrivateFile(path, file, options);
  }

  async #chosen(): Promise<string> {
    const passphrase = await this.#source.choose(this.#what);
    if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
      throw new ClientError(
        'INVALID_ARGUMENT',
        `the passphrase for ${this.#what} must have at least ${MIN_PASSPHRASE_LENGTH} characters; a few words are best`,
      );
    }
    return passphrase;
  }
}

/** Decodes an encrypted key file, or else the plain file through `decoder`. */
function sealedOr<T>(
  decoder: Decoder<T>,
): Decoder<{ sealed: true; value: SealedKeyFile } | { sealed: false; value: T }> {
  return (value, field) => {
    const kind = typeof value === 'object' && value !== null && 'kind' in value ? value.kind : undefined;
    return kind === 'valise-sealed-key-file'
      ? { sealed: true, value: decodeSealedKeyFile(value, field) }
      : { sealed: false, value: decoder(value, field) };
  };
}

function invalidAs<T>(path: string, decode: () => T): T {
  try {
    return decode();
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'KEY_FILE_INVALID',
      `${path} is not a valid Valise file (${cause.message}); restore it from a backup`,
      { cause },
    );
  }
}
