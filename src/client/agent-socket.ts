/**
 * Where a profile's key agent listens, and the checks on that place (docs/design.md §5, "The
 * key agent"): `<profile>/agent/socket`, in a folder only its owner may enter.
 * Node offers no peer-credential check on a Unix socket (SO_PEERCRED), so who may connect is
 * decided by the file system alone, as for ssh-agent's socket:
 * - the folder is made 0700 and must be a real folder (not a link) owned by this user, with
 *   no group or other permission, before the agent listens in it or a command connects to it;
 * - the socket itself is made 0600 once bound.
 * A copy of the profile folder carries at most a dead socket file: nobody answers on it.
 */
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClientError } from './client-error.ts';

/** sun_path holds 108 bytes on Linux (104 on macOS), with its terminating zero. */
const MAX_SOCKET_PATH_BYTES = 103;

export function agentFolder(profileDir: string): string {
  return join(profileDir, 'agent');
}

export function agentSocketPath(profileDir: string): string {
  return join(agentFolder(profileDir), 'socket');
}

export function agentLogPath(profileDir: string): string {
  return join(agentFolder(profileDir), 'log');
}

/** Makes the agent's folder (0700) if absent, then checks it as `checkAgentFolder` does. */
export async function makeAgentFolder(dir: string, uid: number | undefined): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== 'EEXIST') {
      throw new ClientError('LOCAL_IO_FAILED', `cannot make ${dir}: ${(cause as Error).message}`, { cause });
    }
  }
  await checkAgentFolder(dir, uid);
}

/**
 * The folder of a socket must be a folder (not a link) of this user, 0700: otherwise another
 * user could reach the socket, or put their own in its place.
 */
export async function checkAgentFolder(dir: string, uid: number | undefined): Promise<void> {
  let stat: Awaited<ReturnType<typeof lstat>>;
  try {
    stat = await lstat(dir);
  } catch (cause) {
    throw new ClientError('AGENT_UNAVAILABLE', `no key agent folder ${dir}`, { cause });
  }
  if (!stat.isDirectory()) {
    throw new ClientError('KEY_FILE_PERMISSIONS', `${dir} must be a folder, not a link or a file`);
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new ClientError('KEY_FILE_PERMISSIONS', `${dir} belongs to another user (uid ${stat.uid})`);
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new ClientError(
      'KEY_FILE_PERMISSIONS',
      `${dir} may be entered by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 700 it and start the agent again`,
    );
  }
}

export function checkSocketPathLength(path: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `the agent socket path ${path} is longer than a Unix socket allows (${MAX_SOCKET_PATH_BYTES} bytes); use a shorter VALISE_CONFIG_DIR`,
    );
  }
}
