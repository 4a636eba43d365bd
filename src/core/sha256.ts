/** SHA-256, synchronous, from the audited @noble/hashes (WebCrypto's digest is async only). */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function sha256Stream(): { update(data: Uint8Array): void; digest(): Uint8Array } {
  const h = nobleSha256.create();
  return {
    update: (data) => {
      h.update(data);
    },
    digest: () => h.digest(),
  };
}
