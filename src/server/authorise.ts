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

/** How long after its certificate an organisation may found its second officer under its key alone. */
export const FOUNDING_SECONDS = 24 * 3600;

/**
 * docs/design.md §5, bootstrap: whether an unsigned officer entry for `user` of `org`, under the
 * organisation key alone, founds the organisation's officers. It does while no officer has a
 * device in force (the first officer), and, for one day after the organisation's certificate,
 * while exactly one officer user has devices and `user` is another (the second officer, without
 * whom the two-person rule of held-act.ts could never be met from the command line).
 */
export function isFounding(directory: Directory, org: string, user: string, now: number): boolean {
  const officers = new Set<string>();
  for (const d of directory.devices()) {
    if (d.org.org === org && d.user.role === 'security-officer') officers.add(d.user.user);
  }
  if (officers.size === 0) return true;
  const certified = directory.org(org)?.issuedAt;
  return (
    officers.size === 1 &&
    !officers.has(user) &&
    certified !== undefined &&
    now < certified + FOUNDING_SECONDS
  );
}
