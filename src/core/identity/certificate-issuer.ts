/**
 * Who must sign a directory entry (docs/design.md §5: roles have issuers). The network root signs
 * organisations and the network authority; an organisation's key signs its own people. What
 * the root granted only the root changes: a network authority's later certificates, its
 * devices and its revocations are the root's too, so an organisation's officer can neither
 * make nor unmake one, nor enrol a device for one (a device is never above its user).
 *
 * Replay (core/identity/directory.ts) and the server's one-signature pre-check use this one
 * rule, so the server and every client replaying the directory refuse the same entries.
 */
import type { Role } from '../encoding/identifiers.ts';
import type { CertificateBody } from './certificate.ts';
import type { Directory } from './directory.ts';

export const ISSUERS = ['root', 'org'] as const;
export type Issuer = (typeof ISSUERS)[number];

/** The role only the network root grants. */
export const ROOT_GRANTED_ROLE: Role = 'network-authority';

/**
 * The issuer `body` needs. `subjectRole` is the role in force now of the user the entry is
 * about (the user itself, a device's user, a revoked user or device's user), or undefined
 * when there is none yet.
 */
export function requiredIssuer(body: CertificateBody, subjectRole: Role | undefined): Issuer {
  if (body.kind === 'org') return 'root';
  if (body.kind === 'revocation' && body.subject === 'org') return 'root';
  const granted = body.kind === 'user' && body.role === ROOT_GRANTED_ROLE;
  return granted || subjectRole === ROOT_GRANTED_ROLE ? 'root' : 'org';
}

/** The issuer `body` needs against a replayed directory as it stands (its latest epoch). */
export function issuerIn(body: CertificateBody, directory: Directory): Issuer {
  const user =
    body.kind === 'user' || body.kind === 'device'
      ? body.user
      : body.kind === 'revocation' && body.subject === 'user'
        ? body.id
        : body.kind === 'revocation' && body.subject === 'device'
          ? directory.device(body.id)?.user.user
          : undefined;
  const subject = user === undefined ? undefined : directory.user(user);
  return requiredIssuer(body, subject?.org === body.org ? subject.role : undefined);
}
