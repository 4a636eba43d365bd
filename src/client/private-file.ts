/**
 * Files that hold secrets on this machine (key files, the record of opened cables): owner
 * read/write only (0600) in a 0700 folder. Decisions:
 * - A write never leaves a half-written key file: temp file in the same folder (O_EXCL,
 *   0600), fsync, rename over the old one, fsync the folder. A crash at any point leaves
 *   either the old file or the new one.
 * - A read refuses a file that group or others may read, or that another user owns: the
 *   key may already be exposed and the user must know, not have it silently "fixed". The
 *   mode is read from the opened handle (fstat), so the check and the read see one file,
 *   and symbolic links are not followed.
 * The file system is passed in (default node:fs/promises) so tests can make a step fail.
 */
import { constants } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes, toHex } from '../core/encoding/bytes.ts';
import { ClientError } from './client-error.ts';

/** The part of node:fs/promises these functions use. */
export type PrivateFileSystem = Pick<typeof nodeFs, 'open' | 'rename' | 'unlink' | 'mkdir'>;

export interface PrivateFileOptions {
  readonly fs?: PrivateFileSystem;
  /** The uid that must own the file; undefined skips the owner check (platforms without uids). */
  readonly uid?: number | undefined;
}

const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

function ioFailed(action: string, path: string, cause: unknown): ClientError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new ClientError('LOCAL_IO_FAILED', `cannot ${action} ${path}: ${why}`, { cause });
}

function errno(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Writes `data` to `path` atomically with mode 0600, creating the folder (0700) if needed. */
export async function writePrivateFile(
  path: string,
  data: Uint8Array,
  options: PrivateFileOptions = {},
): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${toHex(randomBytes(8))}.tmp`);
  try {
    await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const handle = await fs.open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      PRIVATE_FILE_MODE,
    );
    try {
      // The umask may have taken bits away at creation, never added any; say 0600 explicitly.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (cause) {
    await fs.unlink(temp).catch(() => undefined);
    throw ioFailed('write', path, cause);
  }
  // The rename is durable only once the folder itself is synced.
  await syncFolder(fs, dir);
}

async function syncFolder(fs: PrivateFileSystem, dir: string): Promise<void> {
  let handle: nodeFs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (cause) {
    // Some platforms cannot fsync a folder (EISDIR, EINVAL); anything else is a real fault.
    const code = errno(cause);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM')
      throw ioFailed('sync the folder', dir, cause);
  } finally {
    await handle?.close();
  }
}

/** Reads a private file, or undefined when there is none. Refuses lax permissions. */
export async function readPrivateFile(
  path: string,
  options: PrivateFileOptions = {},
): Promise<Uint8Array | undefined> {
  const fs = options.fs ?? nodeFs;
  let handle: nodeFs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (cause) {
    if (errno(cause) === 'ENOENT') return undefined;
    if (errno(cause) === 'ELOOP') {
      throw new ClientError(
        'KEY_FILE_PERMISSIONS',
        `${path} is a symbolic link; a key file must be a plain file`,
      );
    }
    throw ioFailed('read', path, cause);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ClientError('KEY_FILE_INVALID', `${path} is not a file`);
    checkOwnership(path, stat.mode, stat.uid, options.uid);
    return new Uint8Array(await handle.readFile());
  } catch (cause) {
    if (cause instanceof ClientError) throw cause;
    throw ioFailed('read', path, cause);
  } finally {
    await handle.close();
  }
}

/**
 * Appends `data` to a private file (created 0600 if absent) and syncs it. Used for
 * append-only records, where a torn last line is detected and skipped by the reader.
 */
export async function appendPrivateFile(
  path: string,
  data: Uint8Array,
  options: PrivateFileOptions = {},
): Promise<void> {
  const fs = options.fs ?? nodeFs;
  let handle: nodeFs.FileHandle;
  try {
    await fs.mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    handle = await fs.open(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      PRIVATE_FILE_MODE,
    );
  } catch (cause) {
    throw ioFailed('open', path, cause);
  }
  try {
    const stat = await handle.stat();
    checkOwnership(path, stat.mode, stat.uid, options.uid);
    await handle.writeFile(data);
    await handle.sync();
  } catch (cause) {
    if (cause instanceof ClientError) throw cause;
    throw ioFailed('append to', path, cause);
  } finally {
    await handle.close();
  }
}

function checkOwnership(path: string, mode: number, owner: number, uid: number | undefined): void {
  // Group or others may read (or write) it: the secret may already be out.
  if ((mode & 0o077) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(4, '0');
    throw new ClientError(
      'KEY_FILE_PERMISSIONS',
      `${path} has mode ${shown}, readable by others; treat its keys as exposed, then chmod 600 ${path} (or ask your security officer to revoke the device)`,
    );
  }
  if (uid !== undefined && owner !== uid) {
    throw new ClientError(
      'KEY_FILE_PERMISSIONS',
      `${path} belongs to uid ${owner}, not to you (uid ${uid}); refusing to use it`,
    );
  }
}
