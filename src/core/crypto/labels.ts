/**
 * Every signature, KDF and AEAD use in Valise has its own context label, so a value made
 * for one purpose can never be replayed as another (domain separation). A label is
 * versioned with the format: a new format gets new labels, old ones are never reused.
 */
export const LABELS = {
  /** Ed25519 over a certificate body (root → org, org → user, device, revocation). */
  certificate: 'valise/v1/certificate',
  /** Ed25519 by the sender device over the canonical cable header. */
  cableHeader: 'valise/v1/cable-header',
  /** SHA-256 of the header envelope: the AEAD associated data of content and wraps. */
  envelope: 'valise/v1/envelope',
  /**
   * SHA-256 of a format-2 envelope, which leaves the directory epoch out: a cable re-wrapped
   * for a newer epoch keeps its content and the wraps still due (docs/design.md §4).
   */
  envelopeV2: 'valise/v2/envelope',
  /** SHA-256 of a signed header: the `prev` link of the org's series. */
  headerHash: 'valise/v1/header-hash',
  /** SHA-256 over the ordered list of key wraps. */
  wraps: 'valise/v1/wraps',
  /** HPKE info prefix for a content-key wrap (bound to cable id and device id). */
  wrapInfo: 'valise/v1/wrap',
  /** HKDF info deriving the content AEAD key and nonce from the content key. */
  contentKey: 'valise/v1/content-key',
  /**
   * HKDF info deriving the AEAD key and nonce of a format-4 cable's sealed summary (subject
   * and tags) from the content key: the same key, never the same AEAD key or nonce as the body.
   */
  summaryKey: 'valise/v4/summary-key',
  /** HKDF info deriving an attachment's AEAD key from its random attachment key. */
  attachmentKey: 'valise/v1/attachment-key',
  /** Ed25519 by the server over a delivery receipt. */
  receipt: 'valise/v1/receipt',
  /** SHA-256 chain over the directory entries a device verified (its directory cache). */
  directoryChain: 'valise/v1/directory-chain',
  /** Ed25519 by a device over its own directory cache, so no one else can vouch for it. */
  directoryCache: 'valise/v1/directory-cache',
  /** HKDF info: the part of an invitation secret the server sees (it keeps its SHA-256). */
  invitationRedeem: 'valise/v1/invitation-redeem',
  /** HKDF info: the part of an invitation secret the server never sees (the binding key). */
  enrolmentBindingKey: 'valise/v1/enrolment-binding-key',
  /** HMAC-SHA-256 by the invitee's device over the public keys it made, under the binding key. */
  enrolmentBinding: 'valise/v1/enrolment-binding',
  /** SHA-256 of a device's public keys, read aloud as the enrolment comparison code. */
  comparisonCode: 'valise/v1/comparison-code',
  /** Ed25519 by the network root over the act naming the Presidency and its term. */
  presidency: 'valise/v1/presidency',
  /** scrypt salt prefix deriving the AES-256-GCM key of a CLI key file from its passphrase. */
  keyFile: 'valise/v1/key-file',
  /** Ed25519 by a new organisation key over its signing request (proof of possession). */
  orgKeyRequest: 'valise/v1/org-key-request',
} as const;
