/** How a cable concerns a device, as its inbox shows it (docs/api.md, InboxItem.role). */
import type { InboxRole } from '../core/api/cable-routes.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import type { CableRecord } from './store/store.ts';

/** The sender's own devices; else the addressee role of the device's org; else the sending org's record. */
export function roleOf(
  cable: Pick<CableRecord, 'senderUser' | 'distribution'>,
  actor: DirectoryDevice,
): InboxRole {
  if (cable.senderUser === actor.user.user) return 'sender';
  return cable.distribution.find((d) => d.org === actor.org.org)?.role ?? 'registry';
}
