/**
 * The CLI's KeyStore: one folder per profile under the config folder, every file 0600 and
 * written atomically (private-file.ts):
 *   <config>/<profile>/keys.json          the profile: server, pinned root, device keys, archive key
 *   <config>/<profile>/root-key.json      the network root key (network authority only)
 *   <config>/<profile>/directory.json     the newest verified directory
 *   <config>/<profile>/log-seen.json      the newest audit-log checkpoint verified
 *   <config>/<profile>/log-cosigned.json  the last checkpoint this witness cosigned
 *   <config>/<profile>/sequence.json      the last request sequence number signed (file-sequence.ts)
 *   <config>/<profile>/log-witnessed.json the newest checkpoint the witness quorum cosigned
 *   <config>/<profile>/agent/             the key agent's socket and log (0700; key-agent.ts)
 * The files with private keys (keys.json, root-key.json) are encrypted under the profile's
 * passphrase (sealed-key-file.ts, docs/design.md §5 "Keys on disk"): a copy of the folder is
 * not the device. Only a profile declared a service device at enrolment (`enrol --service`,
 * a registry desk or a witness that must start unattended) keeps keys.json in clear, and says
 * so in the file and in its device label. While the profile's key agent runs, an encrypted
 * keys.json is not opened here: the agent answers for that very file (its SHA-256) and does
 * the private-key operations; without it, the passphrase. An organisation key is never in a
 * profile: it has its own encrypted file (org-key-file.ts), which the profile only names.
 * Files are canonical JSON read back through strict decoders, so a hand-edited or corrupt
 * file is a clear error, never a half-read key.
 */
import { join } from 'node:path';
import { exportSeed, signerFromSeed } from '../core/crypto/ed25519.ts';
import { XWing } from '../core/crypto/hpke/x-wing.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import type { Decoder } from '../core/encoding/decode.ts';
import { bytes, decodeCanonical, enumOf, literal, object, string } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { SignedEntry } from '../core/identity/certificate.ts';
import { decodeNetworkName, decodeSignedEntries } from '../core/identity/certificate.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import { type AgentClient, agentDeviceKeys } from './agent-client.ts';
import type { AgentProfile } from './agent-protocol.ts';
import { ClientError } from './client-error.ts';
import { takeFileSequence } from './file-sequence.ts';
import { KeyFileLock } from './key-file-lock.ts';
import {
  CHECKPOINT_PURPOSES,
  type CheckpointPurpose,
  type DeviceKeys,
  type ExportableSigner,
  heldKeys,
  type KeyStore,
  type Profile,
  type RootKey,
} from './key-store.ts';
import { readOrgKeyFile } from './org-key-file.ts';
import type { PassphraseSource } from './passphrase-source.ts';
import type { PrivateFileSystem } from './private-file.ts';
import { readPrivateFile, writePrivateFile } from './private-file.ts';
import { decodeProfileFile, networkFromFile, networkToFile } from './profile-file.ts';
import { isSealedKeyFile } from './sealed-key-file.ts';

/** Profile names become folder names: a closed pattern, so no path can escape the config folder. */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const decodeSeed = bytes({ length: 32 });

const decodeRootKeyFile = object({
  v: literal(1),
  kind: literal('valise-root-key'),
  network: decodeNetworkName,
  accreditation: enumOf(CLASSIFICATIONS),
  seed: decodeSeed,
});

const decodeCheckpointFile = object({
  v: literal(1),
  kind: literal('valise-checkpoint'),
  purpose: enumOf(CHECKPOINT_PURPOSES),
  note: string({ min: 1, max: 256 * 1024 }),
});

const decodeDirectoryFile = object({
  v: literal(1),
  kind: literal('valise-directory'),
  entries: decodeSignedEntries,
});

export interface FileKeyStoreOptions {
  /** The profile's folder, e.g. `profileFolder(configDir, 'default')`. */
  readonly dir: string;
  readonly name: string;
  readonly fs?: PrivateFileSystem;
  /** The uid that must own the key files (the current user's). */
  readonly uid?: number | undefined;
  /** Asked for the profile's passphrase when an encrypted file is opened or first written. */
  readonly passphrase?: PassphraseSource | undefined;
  /** log2 of scrypt's N for files written (default 18); lower only in tests. */
  readonly workFactor?: number | undefined;
  /** A declared service device: keys.json is written in clear (`enrol --service`). */
  readonly service?: boolean | undefined;
  /** The organisation key file to use instead of the one the profile names (another officer's copy). */
  readonly orgKeyFile?: string | undefined;
  /**
   * The profile's key agent (`valise agent`), tried before the passphrase when keys.json is
   * encrypted: it answers only for the very file read here, else the passphrase is asked.
   */
  readonly agent?: AgentClient | undefined;
}

/** The folder of profile `name` under `configDir`. */
export function profileFolder(configDir: string, name: string): string {
  if (!PROFILE_NAME_PATTERN.test(name)) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `profile name ${JSON.stringify(name)} must be letters, digits, . _ - (at most 64)`,
    );
  }
  return join(configDir, name);
}

export class FileKeyStore implements KeyStore {
  readonly name: string;
  readonly dir: string;
  readonly #fileOptions: { fs?: PrivateFileSystem; uid?: number | undefined };
  readonly #lock: KeyFileLock;
  readonly #keyFiles: Pick<FileKeyStoreOptions, 'passphrase' | 'workFactor' | 'uid'>;
  readonly #service: boolean;
  readonly #orgKeyFile: string | undefined;
  readonly #agent: AgentClient | undefined;

  constructor(options: FileKeyStoreOptions) {
    this.name = options.name;
    this.dir = options.dir;
    this.#fileOptions = { ...(options.fs ? { fs: options.fs } : {}), uid: options.uid };
    this.#lock = new KeyFileLock({
      passphrase: options.passphrase,
      workFactor: options.workFactor,
      what: `profile ${options.name}`,
    });
    this.#keyFiles = { passphrase: options.passphrase, workFactor: options.workFactor, uid: options.uid };
    this.#service = options.service === true;
    this.#orgKeyFile = options.orgKeyFile;
    this.#agent = options.agent;
  }

  get profilePath(): string {
    return join(this.dir, 'keys.json');
  }

  get archivePath(): string {
    return join(this.dir, 'opened.jsonl');
  }

  async loadProfile(): Promise<Profile> {
    const data = await readPrivateFile(this.profilePath, this.#fileOptions);
    if (!data) return {};
    if (this.#agent && isSealedKeyFile(data)) {
      const fromAgent = await this.#profileFromAgent(this.#agent, data);
      if (fromAgent) return fromAgent;
    }
    const read = await this.#lock.parse(this.profilePath, data, decodeProfileFile);
    const file = read.value;
    // docs/design.md §5: private keys in clear only on a device declared a service at enrolment.
    if (!read.sealed && file.service !== true && (file.device || file.archiveKey)) {
      throw new ClientError(
        'KEY_FILE_UNENCRYPTED',
        `${this.profilePath} holds private keys in clear and profile ${this.name} is not a declared service device; treat them as exposed: ask your security officer to revoke this device and enrol again`,
      );
    }
    let device: Profile['device'];
    if (file.device) {
      const d = file.device;
      const signer = await signerFromSeed(d.signingSeed, true);
      const kem = await XWing.importPrivateKey(d.kemSeed, { extractable: true });
      device = {
        device: d.device,
        label: d.label,
        signer,
        kemPrivateKey: kem,
        kemPublicKey: kem.publicKey,
        ...(d.user ? { user: d.user } : {}),
        ...(d.org ? { org: d.org } : {}),
      };
    }
    return {
      ...(file.server ? { server: file.server } : {}),
      ...(file.network ? { network: networkFromFile(file.network) } : {}),
      ...(device ? { device } : {}),
      ...(file.archiveKey ? { archiveKey: file.archiveKey } : {}),
      ...(file.service ? { service: true } : {}),
      ...(file.orgKeyFile ? { orgKeyFile: file.orgKeyFile } : {}),
    };
  }

  /**
   * The profile as the key agent holds it, for exactly the file read (its SHA-256), with
   * device keys that ask the agent; undefined when no agent answers or it refuses, so the
   * passphrase is asked as without one.
   */
  async #profileFromAgent(agent: AgentClient, data: Uint8Array): Promise<Profile | undefined> {
    const keyFile = sha256(data);
    let found: AgentProfile;
    try {
      found = await agent.profile(keyFile);
    } catch (error) {
      if (
        error instanceof ClientError &&
        (error.code === 'AGENT_UNAVAILABLE' || error.code === 'AGENT_REFUSED')
      )
        return undefined;
      if (error instanceof ClientError && error.code === 'KEY_FILE_PERMISSIONS') return undefined;
      throw error;
    }
    return {
      ...(found.server ? { server: found.server } : {}),
      ...(found.network ? { network: networkFromFile(found.network) } : {}),
      device: agentDeviceKeys(agent, keyFile, found.device),
      ...(found.archiveKey ? { archiveKey: found.archiveKey } : {}),
      ...(found.orgKeyFile ? { orgKeyFile: found.orgKeyFile } : {}),
    };
  }

  async saveProfile(profile: Profile): Promise<void> {
    const service = this.#service || profile.service === true;
    const n = profile.network;
    const d = profile.device;
    const seeds = d && (await this.#seedsOf(d));
    const file = {
      v: 1,
      kind: 'valise-profile',
      server: profile.server,
      network: n && networkToFile(n),
      device: d && {
        device: d.device,
        label: d.label,
        ...seeds,
        user: d.user,
        org: d.org,
      },
      archiveKey: profile.archiveKey,
      service: service || undefined,
      orgKeyFile: profile.orgKeyFile,
    };
    if (!service) await this.#unlockFirst();
    await this.#lock.write(this.profilePath, file, decodeProfileFile, {
      ...this.#fileOptions,
      clear: service,
    });
  }

  /**
   * The seeds to write for `keys`: exported when this process holds them; when a key agent
   * does, read back from the file with the passphrase (the agent never hands them out).
   */
  async #seedsOf(keys: DeviceKeys): Promise<{ signingSeed: Uint8Array; kemSeed: Uint8Array }> {
    const held = heldKeys(keys);
    if (held) {
      return {
        signingSeed: await exportSeed(held.signer.privateKey),
        kemSeed: await XWing.exportPrivateKey(held.kemPrivateKey),
      };
    }
    const read = await this.#lock.read(this.profilePath, decodeProfileFile, this.#fileOptions);
    const d = read?.value.device;
    if (!d || d.device !== keys.device) {
      throw new ClientError('KEY_FILE_INVALID', `${this.profilePath} no longer holds device ${keys.device}`);
    }
    return { signingSeed: d.signingSeed, kemSeed: d.kemSeed };
  }

  takeSequence(device: string): Promise<number> {
    return takeFileSequence(this.dir, device, this.#fileOptions);
  }

  async loadRootKey(): Promise<RootKey | undefined> {
    const path = join(this.dir, 'root-key.json');
    const read = await this.#lock.read(path, decodeRootKeyFile, this.#fileOptions);
    if (!read) return undefined;
    if (!read.sealed) {
      throw new ClientError(
        'KEY_FILE_UNENCRYPTED',
        `${path} holds the network root key in clear; treat it as exposed and make a new network root`,
      );
    }
    const file = read.value;
    const signer = await signerFromSeed(file.seed, true);
    return {
      root: { network: file.network, key: signer.publicKey, accreditation: file.accreditation },
      signer,
    };
  }

  async saveRootKey(key: RootKey): Promise<void> {
    const file = {
      v: 1,
      kind: 'valise-root-key',
      network: key.root.network,
      accreditation: key.root.accreditation,
      seed: await exportSeed(key.signer.privateKey),
    };
    await this.#unlockFirst();
    await this.#lock.write(join(this.dir, 'root-key.json'), file, decodeRootKeyFile, this.#fileOptions);
  }

  /**
   * The organisation key of `org`, from the file given to this store or else the one this
   * profile names (recorded at `enrol --org-key`), unlocked with that file's own passphrase;
   * undefined without one.
   */
  async loadOrgKey(org: string): Promise<ExportableSigner | undefined> {
    const path = this.#orgKeyFile ?? (await this.loadProfile()).orgKeyFile;
    if (path === undefined) return undefined;
    const found = await readOrgKeyFile(path, this.#keyFiles);
    if (found.org !== org) {
      throw new ClientError('KEY_FILE_INVALID', `${path} holds the key of ${found.org}, not ${org}`);
    }
    return found.signer;
  }

  /** Refused: an organisation key is kept apart from every device profile (docs/design.md §5). */
  async saveOrgKey(org: string, _signer: ExportableSigner): Promise<void> {
    throw new ClientError(
      'NOT_CONFIGURED',
      `a profile never holds an organisation key; ${org}'s stays in its own encrypted file (valise org request)`,
    );
  }

  async loadDirectory(): Promise<readonly SignedEntry[]> {
    const file = await this.#read(join(this.dir, 'directory.json'), decodeDirectoryFile, 512 * 1024 * 1024);
    return file?.entries ?? [];
  }

  async saveDirectory(entries: readonly SignedEntry[]): Promise<void> {
    await this.#write(
      join(this.dir, 'directory.json'),
      { v: 1, kind: 'valise-directory', entries },
      undefined,
    );
  }

  async loadCheckpoint(purpose: CheckpointPurpose): Promise<string | undefined> {
    const file = await this.#read(join(this.dir, `log-${purpose}.json`), decodeCheckpointFile);
    if (file && file.purpose !== purpose) {
      throw new ClientError('KEY_FILE_INVALID', `log-${purpose}.json holds the ${file.purpose} checkpoint`);
    }
    return file?.note;
  }

  async saveCheckpoint(purpose: CheckpointPurpose, note: string): Promise<void> {
    await this.#write(
      join(this.dir, `log-${purpose}.json`),
      { v: 1, kind: 'valise-checkpoint', purpose, note },
      decodeCheckpointFile,
    );
  }

  #read<T>(path: string, decoder: Decoder<T>, maxBytes?: number): Promise<T | undefined> {
    return readKeyFile(path, decoder, this.#fileOptions, maxBytes);
  }

  /**
   * Before sealing a new file, opens the profile's existing encrypted one, if any: every
   * file of a profile is under the one passphrase it already has, never a second one.
   */
  async #unlockFirst(): Promise<void> {
    if (this.#lock.unlocked) return;
    for (const name of ['keys.json', 'root-key.json']) {
      const read = await this.#lock.read(join(this.dir, name), acceptAny, this.#fileOptions);
      if (read?.sealed) return;
    }
  }

  /** Encodes canonically and, when given a decoder, checks the file reads back before writing it. */
  async #write(path: string, value: unknown, decoder: Decoder<unknown> | undefined): Promise<void> {
    const json = toJsonValue(value);
    if (decoder) decoder(json, '');
    await writePrivateFile(path, encodeCanonical(json), this.#fileOptions);
  }
}

/** Any JSON: for opening a file only to check its passphrase. */
const acceptAny: Decoder<unknown> = (value) => value;

async function readKeyFile<T>(
  path: string,
  decoder: Decoder<T>,
  options: { fs?: PrivateFileSystem; uid?: number | undefined },
  maxBytes = 1024 * 1024,
): Promise<T | undefined> {
  const data = await readPrivateFile(path, options);
  if (!data) return undefined;
  try {
    return decodeCanonical(data, decoder, { maxBytes });
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'KEY_FILE_INVALID',
      `${path} is not a valid Valise file (${cause.message}); restore it from a backup`,
      {
        cause,
      },
    );
  }
}
