/**
 * A KeyStore in memory: for tests and for short-lived tools that must leave nothing on
 * disk. Values are kept as given (keys stay CryptoKeys, never exported).
 */
import type { SignedEntry } from '../core/identity/certificate.ts';
import type { CheckpointPurpose, ExportableSigner, KeyStore, Profile, RootKey } from './key-store.ts';

export class MemoryKeyStore implements KeyStore {
  readonly name: string;
  #profile: Profile = {};
  #root: RootKey | undefined;
  readonly #orgKeys = new Map<string, ExportableSigner>();
  #directory: readonly SignedEntry[] = [];
  readonly #checkpoints = new Map<CheckpointPurpose, string>();
  readonly #sequences = new Map<string, number>();

  constructor(name = 'memory') {
    this.name = name;
  }

  async loadProfile(): Promise<Profile> {
    return this.#profile;
  }

  async saveProfile(profile: Profile): Promise<void> {
    this.#profile = profile;
  }

  async takeSequence(device: string): Promise<number> {
    const next = (this.#sequences.get(device) ?? 0) + 1;
    this.#sequences.set(device, next);
    return next;
  }

  async loadRootKey(): Promise<RootKey | undefined> {
    return this.#root;
  }

  async saveRootKey(key: RootKey): Promise<void> {
    this.#root = key;
  }

  async loadOrgKey(org: string): Promise<ExportableSigner | undefined> {
    return this.#orgKeys.get(org);
  }

  async saveOrgKey(org: string, signer: ExportableSigner): Promise<void> {
    this.#orgKeys.set(org, signer);
  }

  async loadDirectory(): Promise<readonly SignedEntry[]> {
    return this.#directory;
  }

  async saveDirectory(entries: readonly SignedEntry[]): Promise<void> {
    this.#directory = [...entries];
  }

  async loadCheckpoint(purpose: CheckpointPurpose): Promise<string | undefined> {
    return this.#checkpoints.get(purpose);
  }

  async saveCheckpoint(purpose: CheckpointPurpose, note: string): Promise<void> {
    this.#checkpoints.set(purpose, note);
  }
}
