/**
 * An organisation key in its own encrypted file (docs/design.md §5, "Organisation keys"):
 * made by the organisation's first security officer on their own machine (`valise org
 * request`), never by the network authority, and never copied into a device profile. The
 * file is sealed under its own passphrase (sealed-key-file.ts); a file in clear is refused.
 */
import { exportSeed, generateSigner, signerFromSeed } from '../core/crypto/ed25519.ts';
import { bytes, literal, object } from '../core/encoding/decode.ts';
import { decodeOrgId } from '../core/encoding/identifiers.ts';
import { ClientError } from './client-error.ts';
import { KeyFileLock } from './key-file-lock.ts';
import type { ExportableSigner } from './key-store.ts';
import type { PassphraseSource } from './passphrase-source.ts';
import { type PrivateFileSystem, readPrivateFile } from './private-file.ts';

const decodeOrgKeyFile = object({
  v: literal(1),
  kind: literal('valise-org-key'),
  org: decodeOrgId,
  seed: bytes({ length: 32 }),
});

export interface OrgKeyFileOptions {
  readonly passphrase?: PassphraseSource | undefined;
  /** log2 of scrypt's N for a new file (default 18); lower only in tests. */
  readonly workFactor?: number | undefined;
  readonly uid?: number | undefined;
  readonly fs?: PrivateFileSystem;
}

function lockFor(path: string, options: OrgKeyFileOptions): KeyFileLock {
  return new KeyFileLock({
    passphrase: options.passphrase,
    workFactor: options.workFactor,
    what: `organisation key ${path}`,
  });
}

/** Makes a new organisation key in a new file at `path`; an existing file is never replaced. */
export async function makeOrgKeyFile(
  path: string,
  org: string,
  options: OrgKeyFileOptions,
): Promise<ExportableSigner> {
  decodeOrgId(org, 'org');
  const fileOptions = { uid: options.uid, ...(options.fs ? { fs: options.fs } : {}) };
  if (await readPrivateFile(path, fileOptions)) {
    throw new ClientError(
      'PROFILE_IN_USE',
      `${path} already exists; an organisation key is never replaced: use it, or name another file`,
    );
  }
  const signer = await generateSigner(true);
  const file = { v: 1, kind: 'valise-org-key', org, seed: await exportSeed(signer.privateKey) };
  await lockFor(path, options).write(path, file, decodeOrgKeyFile, fileOptions);
  return signer;
}

/** Opens an organisation key file with its passphrase. */
export async function readOrgKeyFile(
  path: string,
  options: OrgKeyFileOptions,
): Promise<{ org: string; signer: ExportableSigner }> {
  const fileOptions = { uid: options.uid, ...(options.fs ? { fs: options.fs } : {}) };
  const read = await lockFor(path, options).read(path, decodeOrgKeyFile, fileOptions);
  if (!read) throw new ClientError('NOT_FOUND', `no organisation key file at ${path}`);
  if (!read.sealed) {
    throw new ClientError(
      'KEY_FILE_UNENCRYPTED',
      `${path} holds an organisation key in clear; treat it as exposed: make a new one (valise org request) and have it certified`,
    );
  }
  return { org: read.value.org, signer: await signerFromSeed(read.value.seed, true) };
}
