/**
 * The demo network's Presidency (docs/design.md §2): the member state holding the Council
 * Presidency in the half-year of the demo's start, by the rotation the Council decided
 * (2025–2030), with its term. Signed with the demo root key and stored as the network
 * authority's act would be, so `valise silence open` works against the demo for that
 * organisation. Outside the table no Presidency is named.
 */
import type { Signer } from '../core/crypto/ed25519.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { toBase64url } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';
import { signPresidency } from '../core/procedure/presidency.ts';
import { auditRecord } from './audit-event.ts';
import type { Store } from './store/store.ts';

/** [year, first or second half, org]. */
const ROTATION: readonly (readonly [number, 1 | 2, string])[] = [
  [2025, 1, 'PL'],
  [2025, 2, 'DK'],
  [2026, 1, 'CY'],
  [2026, 2, 'IE'],
  [2027, 1, 'LT'],
  [2027, 2, 'EL'],
  [2028, 1, 'IT'],
  [2028, 2, 'LV'],
  [2029, 1, 'LU'],
  [2029, 2, 'NL'],
  [2030, 1, 'SK'],
  [2030, 2, 'MT'],
];

/** The Presidency whose term holds `now` (Unix seconds), if the table has one. */
export function demoPresidency(now: number): { org: string; from: number; until: number } | undefined {
  const date = new Date(now * 1000);
  const year = date.getUTCFullYear();
  const half = date.getUTCMonth() < 6 ? 1 : 2;
  const found = ROTATION.find(([y, h]) => y === year && h === half);
  if (!found) return undefined;
  const from = Date.UTC(year, half === 1 ? 0 : 6, 1) / 1000;
  const until = Date.UTC(half === 1 ? year : year + 1, half === 1 ? 6 : 0, 1) / 1000;
  return { org: found[2], from, until };
}

/** Names the demo's Presidency, as `valise network presidency` would. */
export async function nameDemoPresidency(
  store: Store,
  root: NetworkRoot,
  rootSigner: Signer,
  now: number,
): Promise<void> {
  const term = demoPresidency(now);
  if (!term) return;
  const act = await signPresidency(
    { v: 1, kind: 'presidency', network: root.network, ...term, issuedAt: now },
    rootSigner,
  );
  const bytes = encodeCanonical(toJsonValue(act));
  await store.procedures.addPresidency(
    { issuedAt: now, org: term.org, from: term.from, until: term.until, act: bytes },
    now,
    auditRecord({
      at: now,
      type: 'network.presidency',
      actor: {},
      object: { kind: 'presidency', id: term.org, org: term.org },
      detail: { from: term.from, until: term.until, issuedAt: now, hash: toBase64url(sha256(bytes)) },
    }),
  );
}
