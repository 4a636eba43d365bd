/** Who may read an organisation's watch (docs/design.md §9), shared by the watch's routes. */
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { isOfficerOf } from '../authorise.ts';
import { ServerError } from '../server-error.ts';

/** The organisation `actor` may read the watch of: its own (officer) or any (authority). */
export function readableOrg(actor: DirectoryDevice, asked: string | undefined): string {
  const org = asked ?? actor.org.org;
  if (actor.user.role === 'network-authority' || isOfficerOf(actor, org)) return org;
  throw new ServerError(
    'FORBIDDEN',
    `only a security officer of ${org} or the network authority may watch its devices`,
  );
}
