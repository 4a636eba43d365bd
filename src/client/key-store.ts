/**
 * What a client keeps about itself, behind one interface so the CLI (a 0600 file) and the
 * browser (IndexedDB, non-extractable keys) can each store it their way (docs/design.md §5, §12):
 * - the profile: the server it talks to, the pinned network root (the one trust anchor:
 *   every certificate chain is verified to it, never to a root the server sends), the
 *   server's receipt key, and this device's ids and key pairs;
 * - the newest directory seen, so a sync fetches only what is new and a server that
 *   shrinks or rewrites it is caught;
 * - for the people who hold them, the network root key and organisation keys.
 */

import type { ContentKeyUnwrapper } from '../core/cable/key-wrap.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import type { XWingPrivateKey } from '../core/crypto/hpke/x-wing.ts';
import type { SignedEntry } from '../core/identity/certificate.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';

/** A signer whose private key can be written to a key file. */
export type ExportableSigner = Signer & { readonly privateKey: CryptoKey };

/**
 * A device's signer: its own key, or (CLI, `valise agent`) a key agent that signs for it and
 * never hands the key out; then there is no `privateKey` here.
 */
export type DeviceSigner = Signer & { readonly privateKey?: CryptoKey };

/** The audit log a device trusts (docs/design.md §8): pinned at enrolment like the root. */
export interface PinnedLog {
  /** The checkpoint origin, `valise.<network>/log`. */
  readonly origin: string;
  /** The log's verifier key (C2SP signed-note `<name>+<key id>+<key>`). */
  readonly key: string;
  /**
   * The witness quorum k (docs/design.md §8): a directory change is acted on only under a
   * checkpoint that witnesses of k organisations cosigned; 0 runs unwitnessed. Pinned with
   * the key; absent in profiles pinned before quorums, which take the server's at next sync.
   */
  readonly quorum?: number;
}

export interface PinnedNetwork {
  readonly root: NetworkRoot;
  /** The Ed25519 key that signs the server's receipts, pinned at first contact. */
  readonly serverKey?: Uint8Array;
  /** The audit log's key, pinned at enrolment (or at the first sync of an older profile). */
  readonly log?: PinnedLog;
}

/**
 * Which checkpoint of the audit log a client keeps: the newest seen, the last cosigned (a
 * witness), the newest the witness quorum cosigned (what the device acts on).
 */
export const CHECKPOINT_PURPOSES = ['seen', 'cosigned', 'witnessed'] as const;
export type CheckpointPurpose = (typeof CHECKPOINT_PURPOSES)[number];

/** This device: ids and the two key pairs made on it (docs/design.md §2). */
export interface DeviceKeys {
  readonly device: string;
  readonly label: string;
  /** Ed25519: signs requests and cable headers. */
  readonly signer: DeviceSigner;
  /** X-Wing: opens the content-key wraps of cables (the key, or the key agent that holds it). */
  readonly kemPrivateKey: XWingPrivateKey | ContentKeyUnwrapper;
  readonly kemPublicKey: Uint8Array;
  /** Learnt from the device's certificate once the organisation has approved it. */
  readonly user?: string;
  readonly org?: string;
}

export interface Profile {
  readonly server?: string;
  readonly network?: PinnedNetwork;
  readonly device?: DeviceKeys;
  /** Encrypts the local record of opened cables. */
  readonly archiveKey?: Uint8Array;
  /** A declared service device (registry desk, witness): its CLI key file may be in clear. */
  readonly service?: boolean;
  /** CLI: where this officer's organisation key file is; the key itself is never in the profile. */
  readonly orgKeyFile?: string;
}

/** The network authority's key: it certifies organisations. */
export interface RootKey {
  readonly root: NetworkRoot;
  readonly signer: ExportableSigner;
}

export interface KeyStore {
  /** The profile's name, for messages. */
  readonly name: string;
  /** The profile; an empty one when nothing was stored yet. */
  loadProfile(): Promise<Profile>;
  saveProfile(profile: Profile): Promise<void>;
  /**
   * Takes the next request sequence number of `device` (1 first), durably and atomically:
   * no two requests this device signs, from any process or tab, ever carry the same
   * number (docs/design.md §9, clone detection). The number outlives a restart.
   */
  takeSequence(device: string): Promise<number>;
  loadRootKey(): Promise<RootKey | undefined>;
  saveRootKey(key: RootKey): Promise<void>;
  loadOrgKey(org: string): Promise<ExportableSigner | undefined>;
  saveOrgKey(org: string, signer: ExportableSigner): Promise<void>;
  /** The verified entries of the newest directory seen, in order (empty at first). */
  loadDirectory(): Promise<readonly SignedEntry[]>;
  saveDirectory(entries: readonly SignedEntry[]): Promise<void>;
  /**
   * A checkpoint of the audit log as a signed note: the newest this device verified
   * (`seen`, checked for consistency on every sync) or, for a witness, the last it cosigned.
   * Optional: a store without them keeps the log view for one session only.
   */
  loadCheckpoint?(purpose: CheckpointPurpose): Promise<string | undefined>;
  saveCheckpoint?(purpose: CheckpointPurpose, note: string): Promise<void>;
}

/** A device's keys held in this process (not by a key agent): what a key file or IndexedDB stores. */
export interface HeldDeviceKeys {
  readonly signer: ExportableSigner;
  readonly kemPrivateKey: XWingPrivateKey;
}

/** The device's own keys, or undefined when a key agent holds them (`valise agent`). */
export function heldKeys(keys: DeviceKeys): HeldDeviceKeys | undefined {
  const { signer, kemPrivateKey } = keys;
  if (signer.privateKey === undefined || kemPrivateKey.kind !== 'XWingPrivateKey') return undefined;
  return { signer: { ...signer, privateKey: signer.privateKey, sign: signer.sign }, kemPrivateKey };
}
