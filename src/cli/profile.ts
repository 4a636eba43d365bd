/**
 * Opens the chosen profile's stores (key files, record of opened cables) and, for verbs an
 * enrolled device runs, the verified session.
 */

import type { CableArchive } from '../client/cable-archive.ts';
import { FileCableArchive } from '../client/cable-archive.ts';
import { ClientError } from '../client/client-error.ts';
import { FileKeyStore, profileFolder } from '../client/file-key-store.ts';
import type { ExportableSigner } from '../client/key-store.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { openSession } from '../client/open-session.ts';
import type { CliEnvironment } from './cli-environment.ts';

export function keyStore(cli: CliEnvironment, profile: string): FileKeyStore {
  return new FileKeyStore({ dir: profileFolder(cli.configDir, profile), name: profile, uid: cli.uid });
}

export function archiveOf(cli: CliEnvironment, session: DeviceSession): CableArchive | undefined {
  const key = session.profile.archiveKey;
  const store = session.store;
  if (!key || !(store instanceof FileKeyStore)) return undefined;
  return new FileCableArchive({ path: store.archivePath, key, uid: cli.uid });
}

export function deviceSession(cli: CliEnvironment, profile: string): Promise<DeviceSession> {
  return openSession({ store: keyStore(cli, profile), fetch: cli.fetch, clock: cli.clock });
}

/** The organisation key of the session's organisation, for officers' acts. */
export async function orgKeyOf(session: DeviceSession): Promise<ExportableSigner> {
  const key = await session.store.loadOrgKey(session.device.org);
  if (!key) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${session.store.name} holds no organisation key for ${session.device.org}; only a security officer with it can do this`,
    );
  }
  return key;
}
