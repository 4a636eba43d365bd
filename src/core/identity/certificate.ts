/**
 * Certificates: small signed canonical JSON documents (docs/design.md §5). The network root signs
 * organisation certificates (and their revocation); an organisation's key signs its users'
 * and devices' certificates and their revocations. A directory is the ordered list of these
 * entries; its epoch is the number of entries, so "valid at epoch e" is a prefix question.
 *
 * Versions: an organisation, user or device certificate may carry a `version` (an integer
 * from 2; version 1 is written by leaving the field out, so each certificate has one
 * canonical encoding). The field was added to format 1 without a new format number, so every
 * certificate signed before it existed (the frozen vectors among them) verifies unchanged.
 * Which certificate may supersede which is decided in supersedes.ts.
 */

import { MAX_TIME, MIN_TIME } from '../encoding/date-time-group.ts';
import type { Decoder } from '../encoding/decode.ts';
import { array, enumOf, integer, literal, object, optional, string } from '../encoding/decode.ts';
import { childField, EncodingError, fieldName } from '../encoding/encoding-error.ts';
import type { Role } from '../encoding/identifiers.ts';
import {
  decodeDeviceId,
  decodeEd25519PublicKey,
  decodeEd25519Signature,
  decodeGroup,
  decodeOrgId,
  decodeUserId,
  decodeXWingPublicKey,
  ROLES,
} from '../encoding/identifiers.ts';
import type { Classification } from './classification.ts';
import { CLASSIFICATIONS } from './classification.ts';

const decodeTime = integer({ min: MIN_TIME, max: MAX_TIME });
const decodeName = string({ min: 1, max: 120 });
/** Version 1 is the absent field; an explicit version starts at 2 (see the header). */
const decodeVersion = optional(integer({ min: 2, max: Number.MAX_SAFE_INTEGER }));

export const decodeNetworkName = string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9.-]{0,63}$/ });

export interface OrgCertificate {
  readonly v: 1;
  /** The certificate's version for its subject; absent means 1 (see `versionOf`). */
  readonly version?: number;
  readonly kind: 'org';
  readonly network: string;
  readonly org: string;
  readonly name: string;
  /** The highest classification the organisation's systems may hold. */
  readonly accreditation: Classification;
  /** The organisation's Ed25519 key, which signs its users, devices and revocations. */
  readonly key: Uint8Array;
  readonly issuedAt: number;
}

export interface UserCertificate {
  readonly v: 1;
  /** The certificate's version for its subject; absent means 1 (see `versionOf`). */
  readonly version?: number;
  readonly kind: 'user';
  readonly org: string;
  readonly user: string;
  readonly name: string;
  readonly clearance: Classification;
  readonly role: Role;
  /** Working groups (need-to-know), sorted and unique. */
  readonly groups: readonly string[];
  readonly issuedAt: number;
}

export interface DeviceCertificate {
  readonly v: 1;
  /** The certificate's version for its subject; absent means 1 (see `versionOf`). */
  readonly version?: number;
  readonly kind: 'device';
  readonly org: string;
  readonly user: string;
  readonly device: string;
  readonly label: string;
  /** Ed25519: signs requests and cables. */
  readonly signingKey: Uint8Array;
  /** X-Wing: receives content-key wraps. */
  readonly kemKey: Uint8Array;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export const REVOCATION_SUBJECTS = ['org', 'user', 'device'] as const;
export type RevocationSubject = (typeof REVOCATION_SUBJECTS)[number];

export interface Revocation {
  readonly v: 1;
  readonly kind: 'revocation';
  readonly org: string;
  readonly subject: RevocationSubject;
  /** The org id, user id or device id revoked. */
  readonly id: string;
  readonly reason: string;
  readonly issuedAt: number;
}

/** The version of a certificate for its subject: 1 when the field is absent. */
export function versionOf(body: OrgCertificate | UserCertificate | DeviceCertificate): number {
  return body.version ?? 1;
}

export type CertificateBody = OrgCertificate | UserCertificate | DeviceCertificate | Revocation;
export const CERTIFICATE_KINDS = ['org', 'user', 'device', 'revocation'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/** A certificate body with its issuer's signature: one directory entry. */
export interface SignedEntry<B extends CertificateBody = CertificateBody> {
  readonly body: B;
  readonly signature: Uint8Array;
}

export const decodeOrgCertificate: Decoder<OrgCertificate> = object({
  v: literal(1),
  kind: literal('org'),
  network: decodeNetworkName,
  org: decodeOrgId,
  name: decodeName,
  accreditation: enumOf(CLASSIFICATIONS),
  key: decodeEd25519PublicKey,
  issuedAt: decodeTime,
  version: decodeVersion,
});

const decodeGroups = array(decodeGroup, { max: 64, unique: true });

export const decodeUserCertificate: Decoder<UserCertificate> = (value, field) => {
  requireField(field);
  const cert = object({
    v: literal(1),
    kind: literal('user'),
    org: decodeOrgId,
    user: decodeUserId,
    name: decodeName,
    clearance: enumOf(CLASSIFICATIONS),
    role: enumOf(ROLES),
    groups: decodeGroups,
    issuedAt: decodeTime,
    version: decodeVersion,
  })(value, field);
  requireSorted(cert.groups, childField(field, 'groups'));
  return cert;
};

export const decodeDeviceCertificate: Decoder<DeviceCertificate> = (value, field) => {
  requireField(field);
  const cert = object({
    v: literal(1),
    kind: literal('device'),
    org: decodeOrgId,
    user: decodeUserId,
    device: decodeDeviceId,
    label: string({ min: 1, max: 80 }),
    signingKey: decodeEd25519PublicKey,
    kemKey: decodeXWingPublicKey,
    issuedAt: decodeTime,
    expiresAt: decodeTime,
    version: decodeVersion,
  })(value, field);
  if (cert.expiresAt <= cert.issuedAt) {
    const f = childField(field, 'expiresAt');
    throw new EncodingError('OUT_OF_RANGE', f, `${f} must be after issuedAt`);
  }
  return cert;
};

export const decodeRevocation: Decoder<Revocation> = object({
  v: literal(1),
  kind: literal('revocation'),
  org: decodeOrgId,
  subject: enumOf(REVOCATION_SUBJECTS),
  id: string({ min: 1, max: 64 }),
  reason: string({ min: 1, max: 200 }),
  issuedAt: decodeTime,
});

const BODY_DECODERS: { readonly [K in CertificateKind]: Decoder<CertificateBody> } = {
  org: decodeOrgCertificate,
  user: decodeUserCertificate,
  device: decodeDeviceCertificate,
  revocation: decodeRevocation,
};

export const decodeCertificateBody: Decoder<CertificateBody> = (value, field) => {
  requireField(field);
  // The tag picks the decoder; read as data, so a getter is never run (the decoder refuses it).
  const kind =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.getOwnPropertyDescriptor(value, 'kind')?.value
      : undefined;
  const kindName = enumOf(CERTIFICATE_KINDS)(kind, childField(field, 'kind'));
  return BODY_DECODERS[kindName](value, field);
};

export const decodeSignedEntry: Decoder<SignedEntry> = object({
  body: decodeCertificateBody,
  signature: decodeEd25519Signature,
});

export const decodeSignedEntries = array(decodeSignedEntry, { max: 1_000_000 });

// The field path is the caller's, not the document's; a non-string could not be reported.
function requireField(field: unknown): void {
  if (typeof field !== 'string') {
    throw new EncodingError('WRONG_TYPE', '', 'field: expected a path such as "entries[0].body" (a string)');
  }
}

/** Sorted, unique lists are the only canonical form of a set. */
export function requireSorted(items: readonly string[], field: string): void {
  requireField(field);
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    throw new EncodingError('WRONG_TYPE', field, `${fieldName(field)}: expected a list of strings`);
  }
  // Indexed, not iterated: a hole in a sparse array is refused here, never skipped.
  for (let i = 1; i < items.length; i++) {
    const before = items[i - 1];
    const item = items[i];
    if (before === undefined || item === undefined || !(before < item)) {
      throw new EncodingError('NOT_CANONICAL', field, `${field} must be sorted and without repeats`);
    }
  }
}
