/**
 * The format of a CLI profile's `keys.json` (file-key-store.ts), shared with the key agent
 * (agent-protocol.ts), which hands out the same public part: one decoder for the pinned
 * network, so the two can never read it differently.
 */
import type { Infer } from '../core/encoding/decode.ts';
import { bytes, enumOf, integer, literal, object, optional, string } from '../core/encoding/decode.ts';
import {
  decodeDeviceId,
  decodeEd25519PublicKey,
  decodeOrgId,
  decodeUserId,
} from '../core/encoding/identifiers.ts';
import { decodeNetworkName } from '../core/identity/certificate.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import type { PinnedNetwork } from './key-store.ts';

const decodeSeed = bytes({ length: 32 });
export const decodeServerUrl = string({ min: 8, max: 2048, pattern: /^https?:\/\/[^\s]+$/ });

export const decodePinnedNetworkFile = object({
  network: decodeNetworkName,
  rootKey: decodeEd25519PublicKey,
  accreditation: enumOf(CLASSIFICATIONS),
  serverKey: optional(decodeEd25519PublicKey),
  log: optional(
    object({
      origin: string({ min: 1, max: 200 }),
      key: string({ min: 1, max: 400 }),
      quorum: optional(integer({ min: 0, max: 1000 })),
    }),
  ),
});
export type PinnedNetworkFile = Infer<typeof decodePinnedNetworkFile>;

export const decodeProfileFile = object({
  v: literal(1),
  kind: literal('valise-profile'),
  server: optional(decodeServerUrl),
  network: optional(decodePinnedNetworkFile),
  device: optional(
    object({
      device: decodeDeviceId,
      label: string({ min: 1, max: 80 }),
      signingSeed: decodeSeed,
      kemSeed: decodeSeed,
      user: optional(decodeUserId),
      org: optional(decodeOrgId),
    }),
  ),
  archiveKey: optional(decodeSeed),
  /** A declared service device: this file may be in clear. */
  service: optional(literal(true)),
  /** Where this officer's organisation key file is (never the key itself). */
  orgKeyFile: optional(string({ min: 1, max: 4096 })),
});
export type ProfileFile = Infer<typeof decodeProfileFile>;

export function networkFromFile(file: PinnedNetworkFile): PinnedNetwork {
  return {
    root: { network: file.network, key: file.rootKey, accreditation: file.accreditation },
    ...(file.serverKey ? { serverKey: file.serverKey } : {}),
    ...(file.log ? { log: file.log } : {}),
  };
}

export function networkToFile(network: PinnedNetwork): PinnedNetworkFile {
  return {
    network: network.root.network,
    rootKey: network.root.key,
    accreditation: network.root.accreditation,
    ...(network.serverKey ? { serverKey: network.serverKey } : {}),
    ...(network.log ? { log: network.log } : {}),
  };
}
