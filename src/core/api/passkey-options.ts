/**
 * The passkey options a node hands a browser (WebAuthn Level 3 §5.4 and §5.5, in the JSON
 * form of PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON), as decoders: the
 * worker checks what the server sent before the page gives it to the authenticator.
 */
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  literal,
  object,
  optional,
  string,
} from '../encoding/decode.ts';

const base64url = (max: number) => string({ min: 1, max, pattern: /^[A-Za-z0-9_-]+$/ });
const text = string({ min: 1, max: 256 });

export const AUTHENTICATOR_TRANSPORTS = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
] as const;
const USER_VERIFICATION = ['discouraged', 'preferred', 'required'] as const;
const HINTS = ['hybrid', 'security-key', 'client-device'] as const;

const decodeCredentialDescriptor = object({
  // WebAuthn §5.8.3: a credential id is at most 1023 bytes.
  id: base64url(1364),
  type: literal('public-key'),
  transports: optional(array(enumOf(AUTHENTICATOR_TRANSPORTS), { max: 8 })),
});

export const decodeCreationOptions = object({
  challenge: base64url(128),
  rp: object({ name: text, id: optional(text) }),
  user: object({ id: base64url(128), name: text, displayName: text }),
  pubKeyCredParams: array(
    object({ alg: integer({ min: -65536, max: 65535 }), type: literal('public-key') }),
    { min: 1, max: 16 },
  ),
  timeout: optional(integer({ min: 0, max: 24 * 3600 * 1000 })),
  attestation: optional(enumOf(['none', 'indirect', 'direct', 'enterprise'])),
  excludeCredentials: optional(array(decodeCredentialDescriptor, { max: 64 })),
  authenticatorSelection: optional(
    object({
      authenticatorAttachment: optional(enumOf(['platform', 'cross-platform'])),
      residentKey: optional(enumOf(['discouraged', 'preferred', 'required'])),
      requireResidentKey: optional(boolean()),
      userVerification: optional(enumOf(USER_VERIFICATION)),
    }),
  ),
  extensions: optional(object({ credProps: optional(boolean()) })),
  hints: optional(array(enumOf(HINTS), { max: 3 })),
});
export type CreationOptions = Infer<typeof decodeCreationOptions>;

export const decodeRequestOptions = object({
  challenge: base64url(128),
  rpId: optional(text),
  allowCredentials: optional(array(decodeCredentialDescriptor, { max: 64 })),
  timeout: optional(integer({ min: 0, max: 24 * 3600 * 1000 })),
  userVerification: optional(enumOf(USER_VERIFICATION)),
  hints: optional(array(enumOf(HINTS), { max: 3 })),
});
export type RequestOptions = Infer<typeof decodeRequestOptions>;
