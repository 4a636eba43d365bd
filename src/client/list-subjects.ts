/**
 * Lists the subjects and tags of format-4 cables in an inbox without fetching their bodies
 * (docs/design.md §4, §12): asks the server for their sealed summaries with this device's
 * wraps (POST /inbox/summaries, which logs the listing and meters it like reads), then opens
 * each locally with `openCableSummary`, which checks the sender's signature over the header
 * and that the summary is the one the header commits to before unwrapping the key. Only
 * cables whose header this device verified are asked for; a summary that does not open is
 * reported by its code, never shown.
 */

import type { InboxItem } from '../core/api/cable-routes.ts';
import { MAX_LISTED } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import { CableError } from '../core/cable/cable-error.ts';
import { SUMMARY_FORMAT_VERSION } from '../core/cable/cable-header.ts';
import type { CableSummary } from '../core/cable/cable-summary.ts';
import { decodeListedCable } from '../core/cable/listed-cable.ts';
import { openCableSummary } from '../core/cable/open-cable-summary.ts';
import type { HpkeSuite } from '../core/crypto/hpke/hpke-suite.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { DeviceSession } from './open-session.ts';

/** A listed cable's subject and tags, or why they could not be shown. */
export type ListedSubject =
  | { readonly ok: true; readonly summary: CableSummary }
  | { readonly ok: false; readonly code: string };

/** True for an item whose subject can be listed: a verified header of format 4 or later. */
export function hasSealedSummary(item: Pick<InboxItem, 'header'>): boolean {
  return item.header.v >= SUMMARY_FORMAT_VERSION;
}

export async function listSubjects(
  session: Pick<DeviceSession, 'api' | 'directory' | 'device'>,
  items: readonly Pick<InboxItem, 'id' | 'header' | 'signature'>[],
  suite?: HpkeSuite,
): Promise<Map<string, ListedSubject>> {
  const out = new Map<string, ListedSubject>();
  const wanted = items.filter(hasSealedSummary);
  const byId = new Map(wanted.map((item) => [item.id, item]));
  for (let i = 0; i < wanted.length; i += MAX_LISTED) {
    const ids = wanted.slice(i, i + MAX_LISTED).map((item) => item.id);
    const answer = await session.api.call(ROUTES.inboxSummaries, { body: { ids } });
    // A page's summaries open side by side: with a key agent each unwrap is a round trip to
    // it, and these overlap instead of queueing (with a local key it changes nothing).
    const opened = await Promise.all(
      answer.items.map(async (listed) => {
        const item = byId.get(listed.id);
        return item && ([listed.id, await openOne(session, item, listed, suite)] as const);
      }),
    );
    for (const entry of opened) if (entry) out.set(entry[0], entry[1]);
  }
  return out;
}

async function openOne(
  session: Pick<DeviceSession, 'directory' | 'device'>,
  item: Pick<InboxItem, 'header' | 'signature'>,
  listed: { readonly summary: Uint8Array; readonly wrap: unknown },
  suite: HpkeSuite | undefined,
): Promise<ListedSubject> {
  try {
    const cable = decodeListedCable(
      toJsonValue({
        header: item.header,
        signature: item.signature,
        summary: listed.summary,
        wrap: listed.wrap,
      }),
      'listed',
    );
    const opened = await openCableSummary(cable, {
      directory: session.directory,
      recipient: { device: session.device.device, privateKey: session.device.kemPrivateKey },
      ...(suite ? { suite } : {}),
    });
    return { ok: true, summary: opened.summary };
  } catch (error) {
    if (error instanceof CableError) return { ok: false, code: error.code };
    if (error instanceof Error && 'code' in error) return { ok: false, code: String(error.code) };
    throw error;
  }
}
