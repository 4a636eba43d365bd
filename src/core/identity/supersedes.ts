/**
 * When a certificate may supersede the one in force for its subject (docs/design.md §5). This is
 * what stops an old certificate, re-posted, from undoing a downgrade, a rename or a key
 * rotation:
 * - a versioned certificate (`version` ≥ 2) needs a version above the one in force, and an
 *   issuedAt no earlier;
 * - between two certificates of format 1 without a version (issued before versions existed,
 *   as in the frozen vectors, which replay a re-issue at the same issuedAt), the later entry
 *   supersedes as it always did, unless it is a certificate this subject already had (a
 *   re-post: the attacker's only source of correctly signed old certificates) or issued
 *   before the one in force. A version-less certificate never supersedes a versioned one.
 */
import type { OrgCertificate, UserCertificate } from './certificate.ts';
import { versionOf } from './certificate.ts';

/**
 * Undefined when `next` may supersede `current`; otherwise the reason it may not.
 * `seenBefore`: `next` is, byte for byte, a certificate this subject already had.
 */
export function supersedes<C extends OrgCertificate | UserCertificate>(
  current: C,
  next: C,
  seenBefore: boolean,
): 'VERSION_NOT_NEWER' | 'ISSUED_BEFORE_CURRENT' | undefined {
  const legacy = current.version === undefined && next.version === undefined;
  if (legacy ? seenBefore : versionOf(next) <= versionOf(current)) return 'VERSION_NOT_NEWER';
  if (next.issuedAt < current.issuedAt) return 'ISSUED_BEFORE_CURRENT';
  return undefined;
}
