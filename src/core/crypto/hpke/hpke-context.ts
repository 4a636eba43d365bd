/**
 * HPKE encryption contexts (RFC 9180 §5.2, §5.3): the AEAD key, the base nonce, the sequence
 * number and the exporter secret that one Setup produced. A sender context seals, a recipient
 * context opens, both export.
 *
 * Operations on one context run one after another, in call order, even when the caller does not
 * await them: the sequence number advances only after a successful Seal or Open (RFC 9180 §5.2),
 * and two concurrent calls can never share a nonce.
 */
import { byteAt, i2osp } from '../../encoding/bytes.ts';
import { CryptoError } from './crypto-error.ts';
import { checkSuite, type HpkeSuite } from './hpke-suite.ts';
import { MAX_LABELED_INPUT_LENGTH, ownValue, requireBytes, requireInteger } from './input-checks.ts';
import type { KeyScheduleSecrets } from './key-schedule.ts';
import { labeledExpand } from './labeled-kdf.ts';

// RFC 9180 §5.2 stops at 2^(8*Nn) - 1; JavaScript counts exactly up to 2^53 - 1, which no
// context reaches (one message a microsecond for 285 years).
const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;

interface ContextParts {
  readonly suite: HpkeSuite;
  readonly key: unknown;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
}

/** Checks the suite and the key-schedule output, and imports the AEAD key. */
async function contextParts(suite: HpkeSuite, secrets: KeyScheduleSecrets): Promise<ContextParts> {
  const checked = checkSuite(suite);
  const { kdf, aead } = checked;
  const record: unknown = secrets;
  if (typeof record !== 'object' || record === null) {
    throw new CryptoError('BAD_ARGUMENT', 'secrets must be the output of keySchedule()');
  }
  const key = requireBytes(ownValue(record, 'key'), 'secrets.key', { length: aead.keyLength });
  const baseNonce = requireBytes(ownValue(record, 'baseNonce'), 'secrets.baseNonce', {
    length: aead.nonceLength,
  });
  const exporterSecret = requireBytes(ownValue(record, 'exporterSecret'), 'secrets.exporterSecret', {
    length: kdf.hashLength,
  });
  return { suite: checked, key: await aead.importKey(key), baseNonce, exporterSecret };
}

abstract class HpkeContext {
  readonly #suite: HpkeSuite;
  readonly #key: unknown;
  readonly #baseNonce: Uint8Array;
  readonly #exporterSecret: Uint8Array;
  #sequence = 0;
  #queue: Promise<unknown> = Promise.resolve();

  protected constructor(parts: ContextParts) {
    this.#suite = parts.suite;
    this.#key = parts.key;
    this.#baseNonce = parts.baseNonce;
    this.#exporterSecret = parts.exporterSecret;
  }

  /** RFC 9180 §5.3 Export(exporter_context, L). */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    const context = requireBytes(exporterContext, 'exporterContext', { max: MAX_LABELED_INPUT_LENGTH });
    const { kdf, suiteId } = this.#suite;
    const size = requireInteger(length, 'length', 0, 255 * kdf.hashLength);
    return labeledExpand(kdf, suiteId, this.#exporterSecret, 'sec', context, size);
  }

  /** Runs `step` with the current nonce after every earlier operation; advances seq on success. */
  protected next<T>(
    step: (aead: HpkeSuite['aead'], key: unknown, nonce: Uint8Array) => Promise<T>,
  ): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#sequence >= MAX_SEQUENCE) {
        throw new CryptoError('MESSAGE_LIMIT_REACHED', 'this HPKE context has used all its sequence numbers');
      }
      const result = await step(this.#suite.aead, this.#key, this.#nonce(this.#sequence));
      this.#sequence += 1;
      return result;
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** RFC 9180 §5.2 ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn). */
  #nonce(sequence: number): Uint8Array {
    const nonce = i2osp(sequence, this.#baseNonce.length);
    for (let i = 0; i < nonce.length; i++) nonce[i] = byteAt(nonce, i) ^ byteAt(this.#baseNonce, i);
    return nonce;
  }
}

export class HpkeSenderContext extends HpkeContext {
  static async create(suite: HpkeSuite, secrets: KeyScheduleSecrets): Promise<HpkeSenderContext> {
    return new HpkeSenderContext(await contextParts(suite, secrets));
  }

  /** RFC 9180 §5.2 ContextS.Seal(aad, pt): ciphertext || tag. */
  seal(aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const associated = requireBytes(aad, 'aad');
    const message = requireBytes(plaintext, 'plaintext');
    return this.next((aead, key, nonce) => aead.seal(key, nonce, associated, message));
  }
}

export class HpkeRecipientContext extends HpkeContext {
  static async create(suite: HpkeSuite, secrets: KeyScheduleSecrets): Promise<HpkeRecipientContext> {
    return new HpkeRecipientContext(await contextParts(suite, secrets));
  }

  /** RFC 9180 §5.2 ContextR.Open(aad, ct); CryptoError 'OPEN_FAILED' if it does not verify. */
  open(aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
    const associated = requireBytes(aad, 'aad');
    const sealed = requireBytes(ciphertext, 'ciphertext');
    return this.next((aead, key, nonce) => aead.open(key, nonce, associated, sealed));
  }
}
