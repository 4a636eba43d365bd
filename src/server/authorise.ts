/**
 * Role checks shared by routes (docs/design.md §2 roles). Each throws 403 FORBIDDEN with what the
 * caller would need, so the answer says what to do.
 */
import type { Directory, DirectoryDevice } from '../core/identity/directory.ts';
import { ServerError } from './server-error.ts';

export function isOfficerOf(actor: DirectoryDevice, org: string): boolean {
  return actor.user.role === 'security-officer' && actor.org.org === org;
}

export function requireOfficerOf(actor: DirectoryDevice, org: string): void {
  if (!isOfficerOf(actor, org)) {
    throw new ServerError('FORBIDDEN', `only a security officer of ${org} may do this`);
  }
}

/** True when `org` has a security officer with a device in force: its bootstrap is over. */
export function hasOfficerDevice(directory: Directory, org: string): boolean {
  return directory.devices().some((d) => d.org.org === org && d.user.role === 'security-officer');
}
