/**
 * Every error code the API can answer, with its HTTP status and what it means: the one list
 * the server maps statuses from and the SDK decodes an error answer against (docs/api.md,
 * "Errors", is checked against it). A code a client can cause is always 4xx; 5xx is kept
 * for the server's own faults (docs/design.md §10). Codes reuse the core areas' codes
 * (EncodingError, RequestSignatureError, CableError) where they mean the same thing.
 */

export const ERROR_CODES = {
  // 400: the request is malformed (the EncodingError codes of core/encoding/decode, plus MALFORMED)
  MALFORMED: { status: 400, meaning: 'the request is malformed (bad URL, empty JSON body, bad length)' },
  MALFORMED_JSON: { status: 400, meaning: 'the body is not JSON' },
  NOT_CANONICAL: { status: 400, meaning: 'a document that must be canonical JSON is not' },
  DUPLICATE_KEY: { status: 400, meaning: 'a JSON object names one key twice' },
  UNKNOWN_FIELD: { status: 400, meaning: 'a field the route does not know' },
  MISSING_FIELD: { status: 400, meaning: 'a field the route needs is absent' },
  WRONG_TYPE: { status: 400, meaning: 'a field has the wrong JSON type' },
  OUT_OF_RANGE: { status: 400, meaning: 'a number, string or list is outside its bounds' },
  INVALID_VALUE: { status: 400, meaning: 'a field is well-typed but not a valid value' },
  TOO_DEEP: { status: 400, meaning: 'the JSON nests deeper than 16 levels' },
  REFERENCE_NOT_ID: {
    status: 400,
    meaning: 'a cable is addressed by its id, not its reference; resolve the reference first',
  },
  // 401: the request signature (core/wire RequestSignatureError codes) and browser sessions
  SIGNATURE_MISSING: { status: 401, meaning: 'the route needs a device signature' },
  SIGNATURE_MALFORMED: { status: 401, meaning: 'Signature or Signature-Input cannot be read' },
  COMPONENTS_INCOMPLETE: { status: 401, meaning: 'the signature does not cover the required components' },
  WRONG_TAG: { status: 401, meaning: 'the signature is not tagged valise-request-v1' },
  WRONG_ALG: { status: 401, meaning: 'the signature names another algorithm than Ed25519' },
  FROM_FUTURE: { status: 401, meaning: "the signature's created time is ahead of the server's clock" },
  STALE: { status: 401, meaning: 'the signature is older than 60 seconds' },
  UNKNOWN_KEY: { status: 401, meaning: 'no device in force has this key id' },
  DIGEST_MISMATCH: { status: 401, meaning: 'Content-Digest does not match the body' },
  SIGNATURE_INVALID: { status: 401, meaning: 'the signature does not verify' },
  REPLAYED: { status: 401, meaning: "the signature's nonce was used before" },
  SESSION_REQUIRED: { status: 401, meaning: 'a browser device must sign in with its passkey first' },
  SESSION_EXPIRED: {
    status: 401,
    meaning: 'the session ended: idle, past 12 h, signed out, or device revoked',
  },
  SESSION_DEVICE_MISMATCH: { status: 401, meaning: 'the session cookie belongs to another device' },
  CHALLENGE_INVALID: {
    status: 401,
    meaning: 'the passkey challenge is unknown, used, expired or not this one',
  },
  PASSKEY_WRONG_ORIGIN: { status: 401, meaning: 'the passkey response was made on another origin' },
  PASSKEY_UNKNOWN: { status: 401, meaning: 'not the passkey this device enrolled with' },
  USER_NOT_VERIFIED: { status: 401, meaning: 'the authenticator did not verify the user (PIN, biometrics)' },
  PASSKEY_CLONED: { status: 401, meaning: 'the signature counter did not grow: a cloned authenticator?' },
  PASSKEY_INVALID: { status: 401, meaning: 'the passkey response does not verify' },
  // 403: authenticated, not allowed
  FORBIDDEN: { status: 403, meaning: "the device's role or the policy does not allow this" },
  DEVICE_REVOKED: { status: 403, meaning: 'the signing device is revoked' },
  DEVICE_PENDING: {
    status: 403,
    meaning: "the signing device's enrolment waits for its security officer's approval",
  },
  DEVICE_EXPIRED: { status: 403, meaning: "the signing device's certificate has expired" },
  DEVICE_HELD: {
    status: 403,
    meaning: 'the watch held the device after unusual reading; a security officer must release it',
  },
  DEVICE_SUSPENDED: {
    status: 403,
    meaning: 'the device is suspended and its sessions ended; call a security officer',
  },
  SENDER_NOT_CLEARED: { status: 403, meaning: "the sender's clearance is below the classification" },
  CLASSIFICATION_REFUSED: { status: 403, meaning: "the network's or org's accreditation is below it" },
  ORIGIN_MISMATCH: { status: 403, meaning: "a state-changing request from another origin than the node's" },
  STEP_UP_REQUIRED: { status: 403, meaning: 'the act needs a fresh passkey assertion first' },
  NO_PASSKEY: { status: 403, meaning: 'the device was not enrolled in a browser: it has no passkey' },
  PASSKEY_SYNCED: { status: 403, meaning: 'the network demands AAL3 and the passkey is synced' },
  AAL3_PASSKEY_REQUIRED: {
    status: 403,
    meaning: 'the network demands AAL3: a person enrols and an officer acts with a passkey (browser)',
  },
  SELF_APPROVAL: {
    status: 403,
    meaning: 'an officer may not approve, invite or re-certify their own user, nor confirm their own act',
  },
  SECOND_OFFICER_REQUIRED: {
    status: 403,
    meaning:
      'an officer act from the command line needs a second security officer to confirm it, and the organisation has only one; act from the browser, with a passkey',
  },
  ATTACHMENT_NOT_YOURS: {
    status: 403,
    meaning: 'the attachment was uploaded by another device; only its uploader links it',
  },
  // 404
  NOT_FOUND: { status: 404, meaning: 'no such route or object (or not one this device may know of)' },
  // 409
  SERIES_CONFLICT: { status: 409, meaning: "the serial or prev is not the org's next; see head" },
  INVITATION_USED: { status: 409, meaning: 'the invitation was redeemed already' },
  ALREADY_EXISTS: { status: 409, meaning: 'another object already has this id' },
  ACT_DECIDED: { status: 409, meaning: 'the held officer act was confirmed or refused already' },
  EPOCH_STALE: {
    status: 409,
    meaning: 'the cable names an older directory epoch; sync, re-wrap for the current one (see epoch)',
  },
  ATTACHMENT_LINKED: {
    status: 409,
    meaning: 'the attachment is linked to a cable already; upload it afresh',
  },
  DEVICE_NOT_HELD: { status: 409, meaning: 'the device is not held by the watch: nothing to release' },
  CERTIFICATE_OUTDATED: {
    status: 409,
    meaning: 'the certificate is not newer than the one in force (version, or issuedAt)',
  },
  // 410
  INVITATION_EXPIRED: { status: 410, meaning: 'the invitation has expired' },
  ACT_EXPIRED: { status: 410, meaning: 'the held officer act expired before a second officer confirmed it' },
  // 413
  TOO_LARGE: { status: 413, meaning: 'the body is larger than the route accepts' },
  QUOTA_EXCEEDED: {
    status: 413,
    meaning: "the device's or organisation's unlinked attachments would exceed their quota",
  },
  // 415
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'the body is not of the media type the route reads' },
  // 422: well-formed, refused by the rules (directory, policy, format semantics)
  CERTIFICATE_INVALID: { status: 422, meaning: 'the directory rules reject the entry' },
  ROLE_NOT_GRANTABLE: { status: 422, meaning: "the certificate's issuer may not grant its role" },
  ENROLMENT_MISMATCH: { status: 422, meaning: 'the device certificate does not match its pending enrolment' },
  UNKNOWN_USER: { status: 422, meaning: 'the user is not in the directory' },
  HEADER_SIGNATURE_INVALID: { status: 422, meaning: "the cable header's signature does not verify" },
  CIPHERTEXT_MISMATCH: { status: 422, meaning: 'the content does not hash to what the header says' },
  EPOCH_INVALID: {
    status: 422,
    meaning: "the header's epoch is beyond the directory or the sender not in force",
  },
  DATE_INVALID: { status: 422, meaning: "sentAt is more than a few minutes from the server's clock" },
  WRAPPED_SET_MISMATCH: { status: 422, meaning: 'the wrapped devices are not the entitled set' },
  REPLY_DOWNGRADE: {
    status: 422,
    meaning: 'a reply is classified lower than the cable it replies to; classify it at least as high',
  },
  COSIGNATURE_INVALID: { status: 422, meaning: "not this witness's cosignature of the stored checkpoint" },
  // 429
  RATE_LIMITED: { status: 429, meaning: 'too many requests from this device or source; slow down' },
  // The silence procedure (docs/design.md §2)
  NOT_PRESIDENCY: {
    status: 403,
    meaning: 'only the Presidency in office opens, extends or withdraws a silence procedure',
  },
  DEADLINE_INVALID: {
    status: 422,
    meaning:
      "the silence deadline is in the past, not later than the one in force, or beyond the network's maximum",
  },
  PROCEDURE_UNKNOWN: { status: 422, meaning: 'the cable replies to no silence procedure this server holds' },
  PROCEDURE_CLOSED: {
    status: 409,
    meaning: 'the silence procedure has reached its deadline or was withdrawn',
  },
  PRESIDENCY_INVALID: { status: 422, meaning: "the Presidency act is not signed by the network's root key" },
  PRESIDENCY_OUTDATED: { status: 409, meaning: 'the Presidency act is not newer than the one in force' },
  // 5xx: the server's own faults, never the client's
  INTERNAL: { status: 500, meaning: 'the server failed; its log says why' },
  INTEGRITY_FAILED: {
    status: 500,
    meaning: 'a stored row failed its integrity check (tampering or corruption); the log names it',
  },
  STORE_UNAVAILABLE: { status: 503, meaning: 'the server cannot reach its store; retry later' },
} as const satisfies { readonly [code: string]: { readonly status: number; readonly meaning: string } };

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status of `code`: the one place a code becomes a status. */
export function errorStatus(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
