/**
 * Opens the chosen profile's stores (key files, record of opened cables) and, for verbs an
 * enrolled device runs, the verified session.
 */

import { join } from 'node:path';
import { AgentClient } from '../client/agent-client.ts';
import { agentSocketPath } from '../client/agent-socket.ts';
import type { CableArchive } from '../client/cable-archive.ts';
import { FileCableArchive } from '../client/cable-archive.ts';
import { ClientError } from '../client/client-error.ts';
import type { DirectoryCache } from '../client/directory-cache.ts';
import { FileKeyStore, profileFolder } from '../client/file-key-store.ts';
import { type InvitationBook, invitationBook } from '../client/invitation-book.ts';
import type { ExportableSigner } from '../client/key-store.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { openSession } from '../client/open-session.ts';
import { readPrivateFile, writePrivateFile } from '../client/private-file.ts';
import type { CliEnvironment } from './cli-environment.ts';

/**
 * The profile's key files, opened through the profile's key agent when one answers for them,
 * else with the passphrase the environment gives (docs/design.md §5).
 */
export function keyStore(
  cli: CliEnvironment,
  profile: string,
  options: { service?: boolean; agent?: boolean } = {},
): FileKeyStore {
  const dir = profileFolder(cli.configDir, profile);
  const socket = cli.agentSocket ?? agentSocketPath(dir);
  const agent = options.agent !== false && socket !== 'none';
  return new FileKeyStore({
    dir,
    name: profile,
    uid: cli.uid,
    passphrase: cli.passphrase,
    workFactor: cli.keyFileWorkFactor,
    service: options.service,
    orgKeyFile: cli.orgKeyFile,
    ...(agent ? { agent: new AgentClient({ socketPath: socket, uid: cli.uid }) } : {}),
  });
}

/** What an organisation key file is opened or made with: the CLI's passphrase source. */
export function orgKeyFileOptions(cli: CliEnvironment) {
  return { passphrase: cli.passphrase, workFactor: cli.keyFileWorkFactor, uid: cli.uid };
}

export function archiveOf(cli: CliEnvironment, session: DeviceSession): CableArchive | undefined {
  const key = session.profile.archiveKey;
  const store = session.store;
  if (!key || !(store instanceof FileKeyStore)) return undefined;
  return new FileCableArchive({ path: store.archivePath, key, uid: cli.uid });
}

export async function deviceSession(cli: CliEnvironment, profile: string): Promise<DeviceSession> {
  const store = keyStore(cli, profile);
  try {
    return await openSession({
      store,
      fetch: cli.fetch,
      clock: cli.clock,
      directoryCache: directoryCacheFile(store, cli),
    });
  } catch (error) {
    // The network authority's profile holds the root but, until it certifies one, no device.
    if (error instanceof ClientError && error.code === 'NOT_CONFIGURED' && (await store.loadRootKey())) {
      throw new ClientError(
        'NOT_CONFIGURED',
        `profile ${profile} holds the network root but no device of its own; certify one first: valise network enrol --org <ORG> --user <id> --name <name> --label <label>`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The device's signed record of the directory it verified, beside its key files
 * (`<config>/<profile>/directory-cache.json`, 0600): each command resumes from it.
 */
export function directoryCacheFile(store: FileKeyStore, cli: Pick<CliEnvironment, 'uid'>): DirectoryCache {
  const path = join(store.dir, 'directory-cache.json');
  return {
    read: () => readPrivateFile(path, { uid: cli.uid }),
    write: (data) => writePrivateFile(path, data, { uid: cli.uid }),
  };
}

/**
 * The invitations this officer's device issued, with their binding keys
 * (`<config>/<profile>/invitations.json`, 0600), checked at approval.
 */
export function invitationBookOf(
  session: DeviceSession,
  cli: Pick<CliEnvironment, 'uid' | 'clock'>,
): InvitationBook {
  const store = session.store;
  if (!(store instanceof FileKeyStore)) {
    throw new ClientError('NOT_CONFIGURED', `profile ${store.name} has no folder for its invitations`);
  }
  const path = join(store.dir, 'invitations.json');
  return invitationBook(
    {
      read: () => readPrivateFile(path, { uid: cli.uid }),
      write: (data) => writePrivateFile(path, data, { uid: cli.uid }),
    },
    () => cli.clock.nowSeconds(),
  );
}

/** The organisation key of the session's organisation, for officers' acts. */
export async function orgKeyOf(session: DeviceSession): Promise<ExportableSigner> {
  const key = await session.store.loadOrgKey(session.device.org);
  if (!key) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${session.store.name} names no organisation key file of ${session.device.org}; only a security officer enrolled with --org-key can do this`,
    );
  }
  return key;
}
