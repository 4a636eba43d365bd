/**
 * The rules on who performs an officer act, whatever the route (docs/design.md §5, "Officer
 * acts"). The acts are an invitation, a user certificate (a new person or a role change) and a
 * device certificate (an approval), posted by an officer's device; revocations are acts too.
 *
 * - No one approves themselves: an officer's signed request may not invite, re-certify or
 *   certify a device for their own user (SELF_APPROVAL). A stolen officer device cannot mint
 *   itself a second one or raise its own clearance; another officer must.
 * - Without AAL3, an officer act from a command-line device is held until a second officer
 *   confirms it (held-act.ts): the two-person rule replaces the passkey touch.
 * - Under AAL3 (NIST SP 800-63B), an officer acts from a device that holds a passkey (a
 *   browser), where each act then needs a fresh passkey touch (step-up-rule.ts); a
 *   command-line device's signature alone is refused (AAL3_PASSKEY_REQUIRED).
 * - Under AAL3, a person's device holds a passkey: a device certificate is accepted only for a
 *   device that registered one at enrolment, and an enrolment without a passkey (the CLI's)
 *   only for a declared service device, i.e. a device of a `registry` user (the organisation's
 *   cable desk and witness).
 */
import type { DeviceCertificate, UserCertificate } from '../core/identity/certificate.ts';
import type { Directory, DirectoryDevice } from '../core/identity/directory.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';

/** The role whose devices are services and may run without a passkey under AAL3. */
const SERVICE_ROLE = 'registry';

/** SELF_APPROVAL when `actor` acts on its own user. */
export function requireNotSelf(actor: DirectoryDevice, user: string, act: string): void {
  if (actor.user.user === user) {
    throw new ServerError(
      'SELF_APPROVAL',
      `an officer may not ${act} for themselves; ask another security officer of ${actor.org.org}`,
    );
  }
}

/** Under AAL3, an officer act from a device without a passkey (a command-line device) is refused. */
export async function requireOfficerPresence(ctx: ServerContext, actor: DirectoryDevice): Promise<void> {
  if (!ctx.requireAal3) return;
  if (await ctx.store.web.passkeyOfDevice(actor.device.device)) return;
  throw new ServerError(
    'AAL3_PASSKEY_REQUIRED',
    'this network demands AAL3: officer acts are done from your browser device, with a passkey touch',
  );
}

/** Under AAL3, an enrolment without a passkey is for a declared service device only. */
export function requirePasskeyEnrolment(ctx: ServerContext, user: UserCertificate): void {
  if (!ctx.requireAal3 || user.role === SERVICE_ROLE) return;
  throw new ServerError(
    'AAL3_PASSKEY_REQUIRED',
    'this network demands AAL3: enrol in a browser, with a passkey; the command line enrols service devices (registry) only',
  );
}

/** Under AAL3, a person's device certificate names a device that registered a passkey. */
export async function requireCertifiedPasskey(
  ctx: ServerContext,
  cert: DeviceCertificate,
  directory: Directory,
): Promise<void> {
  if (!ctx.requireAal3 || directory.user(cert.user)?.role === SERVICE_ROLE) return;
  if (await ctx.store.web.passkeyOfDevice(cert.device)) return;
  throw new ServerError(
    'AAL3_PASSKEY_REQUIRED',
    `this network demands AAL3: device ${cert.device} of ${cert.user} has no passkey; enrol it in a browser`,
  );
}
