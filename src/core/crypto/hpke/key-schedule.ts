/**
 * The HPKE key schedule (RFC 9180 §5.1) in base mode: from the KEM shared secret and the
 * application's info to the AEAD key, the base nonce and the exporter secret. PSK and Auth
 * modes are not offered, so psk and psk_id are the empty strings of mode_base.
 */
import { concatBytes } from '../../encoding/bytes.ts';
import { basePskIdHash, checkSuite, type HpkeSuite } from './hpke-suite.ts';
import { checkBytes, MAX_LABELED_INPUT_LENGTH, requireBytes } from './input-checks.ts';
import { labeledExpand, labeledExtract } from './labeled-kdf.ts';

const MODE_BASE = 0x00;
const EMPTY = new Uint8Array(0);

export interface KeyScheduleSecrets {
  readonly keyScheduleContext: Uint8Array;
  readonly secret: Uint8Array;
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
}

/** RFC 9180 §5.1 KeySchedule(mode_base, shared_secret, info, default_psk, default_psk_id). */
export function keySchedule(
  suite: HpkeSuite,
  sharedSecret: Uint8Array,
  info: Uint8Array,
): KeyScheduleSecrets {
  const { kdf, suiteId, keyScheduleContext, secret, key, baseNonce } = scheduleKeys(
    suite,
    sharedSecret,
    info,
  );
  return {
    keyScheduleContext,
    secret,
    key,
    baseNonce,
    exporterSecret: labeledExpand(kdf, suiteId, secret, 'exp', keyScheduleContext, kdf.hashLength),
  };
}

/**
 * The AEAD key and base nonce of the key schedule, without its exporter secret: a single-shot
 * Seal (RFC 9180 §6.1) never exports, and sealing a cable for 600 devices runs this 600 times.
 * The bytes are those `keySchedule` gives; the secret is zeroed here.
 */
export function sealingKeys(
  suite: HpkeSuite,
  sharedSecret: Uint8Array,
  info: Uint8Array,
): { readonly key: Uint8Array; readonly baseNonce: Uint8Array } {
  const { secret, key, baseNonce } = scheduleKeys(suite, sharedSecret, info);
  secret.fill(0);
  return { key, baseNonce };
}

function scheduleKeys(suite: HpkeSuite, sharedSecret: Uint8Array, info: Uint8Array) {
  const checked = checkSuite(suite);
  const { kem, kdf, aead, suiteId } = checked;
  const ss = requireBytes(sharedSecret, 'sharedSecret', { length: kem.sharedSecretLength });
  const applicationInfo = checkBytes(info, 'info', { max: MAX_LABELED_INPUT_LENGTH });
  // LabeledExtract("", "psk_id_hash", default_psk_id): the same for every wrap of a suite.
  const pskIdHash = basePskIdHash(checked);
  const infoHash = labeledExtract(kdf, suiteId, EMPTY, 'info_hash', applicationInfo);
  const keyScheduleContext = concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
  const secret = labeledExtract(kdf, suiteId, ss, 'secret', EMPTY);
  ss.fill(0);
  return {
    kdf,
    suiteId,
    keyScheduleContext,
    secret,
    key: labeledExpand(kdf, suiteId, secret, 'key', keyScheduleContext, aead.keyLength),
    baseNonce: labeledExpand(kdf, suiteId, secret, 'base_nonce', keyScheduleContext, aead.nonceLength),
  };
}
