/**
 * Which browser acts need a fresh passkey assertion first (docs/design.md §5 step-up): sending above
 * RESTREINT UE, every silence-procedure act (docs/design.md §2), and every act of a security officer (directory entries: approving an
 * enrolment, issuing or revoking a certificate; creating invitations; confirming another officer's
 * held act). Malware in the
 * browser can sign requests with the device key, but it cannot touch the passkey.
 */
import { parseJson } from '../../core/encoding/parse-json.ts';
import { CLASSIFICATIONS, classificationRank } from '../../core/identity/classification.ts';

const ADMIN_ROUTES = [
  'POST /api/v1/directory',
  'POST /api/v1/invitations',
  'POST /api/v1/watch/canaries',
  'POST /api/v1/officer-acts/:id/confirm',
];
const STEP_UP_ABOVE = classificationRank('RESTREINT UE');

/** Why `method route` with `body` needs step-up, or undefined when it does not. */
export function stepUpReason(method: string, route: string, body: Uint8Array): string | undefined {
  const act = `${method} ${route}`;
  if (ADMIN_ROUTES.includes(act)) return 'security officer acts need a fresh passkey touch';
  if (act !== 'POST /api/v1/cables') return undefined;
  const { classification, silence } = cableFacts(body);
  // A body this check cannot read is refused by the route itself; ask for step-up anyway.
  if (classification === undefined) return 'sending needs a fresh passkey touch';
  // docs/design.md §2: breaking silence (and every other procedure act) binds a government.
  if (silence !== undefined) return `a silence procedure act (${silence}) needs a fresh passkey touch`;
  const rank = CLASSIFICATIONS.indexOf(classification as (typeof CLASSIFICATIONS)[number]);
  return rank > STEP_UP_ABOVE ? `sending ${classification} needs a fresh passkey touch` : undefined;
}

function cableFacts(body: Uint8Array): { classification?: string; silence?: string } {
  try {
    const document = parseJson(body, { maxBytes: body.length + 1, maxDepth: 16 }) as {
      cable?: { header?: { classification?: unknown; silence?: unknown } };
    };
    const header = document?.cable?.header;
    return {
      ...(typeof header?.classification === 'string' ? { classification: header.classification } : {}),
      ...(typeof header?.silence === 'string' ? { silence: header.silence } : {}),
    };
  } catch {
    return {};
  }
}
