/**
 * SHA-256, synchronous, from the audited @noble/hashes (WebCrypto's digest is async only).
 * Input that is not bytes, or a stream used after its digest, is a CryptoError.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { CryptoError } from './hpke/crypto-error.ts';
import { checkBytes } from './hpke/input-checks.ts';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(checkBytes(data, 'data'));
}

export function sha256Stream(): { update(data: Uint8Array): void; digest(): Uint8Array } {
  const h = nobleSha256.create();
  let done = false;
  const open = () => {
    if (done) throw new CryptoError('BAD_ARGUMENT', 'this SHA-256 stream is finished; start a new one');
  };
  return {
    update: (data) => {
      open();
      h.update(checkBytes(data, 'data'));
    },
    digest: () => {
      open();
      done = true;
      return h.digest();
    },
  };
}
