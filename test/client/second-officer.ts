/**
 * The second officer of a test organisation, as an SDK session: it confirms the officer acts
 * a command-line officer's session posted, which the server holds until another officer
 * confirms them (docs/design.md §5, "Officer acts").
 */
import { confirmHeldAct, listHeldActs } from '../../src/client/officer-acts.ts';
import type { DeviceSession } from '../../src/client/open-session.ts';

/** Confirms every waiting act `session` may decide (not its own, not about it), oldest first. */
export async function confirmWaiting(session: DeviceSession): Promise<number> {
  let confirmed = 0;
  for (const act of await listHeldActs(session)) {
    if (act.user === session.device.user || act.subject === session.device.user) continue;
    await confirmHeldAct(session, act.id);
    confirmed++;
  }
  return confirmed;
}
