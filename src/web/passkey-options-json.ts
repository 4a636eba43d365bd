/**
 * The passkey options the worker decoded (core/api/passkey-options.ts) in the form the
 * page's WebAuthn library takes: the same fields, with fresh mutable arrays.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { CreationOptions, RequestOptions } from '../core/api/passkey-options.ts';

type Descriptor = NonNullable<RequestOptions['allowCredentials']>[number];

function descriptorJson(descriptor: Descriptor): PublicKeyCredentialDescriptorJSON {
  return {
    id: descriptor.id,
    type: descriptor.type,
    ...(descriptor.transports ? { transports: [...descriptor.transports] } : {}),
  };
}

export function requestOptionsJson(options: RequestOptions): PublicKeyCredentialRequestOptionsJSON {
  const { allowCredentials, hints, ...rest } = options;
  return {
    ...rest,
    ...(allowCredentials ? { allowCredentials: allowCredentials.map(descriptorJson) } : {}),
    ...(hints ? { hints: [...hints] } : {}),
  };
}

export function creationOptionsJson(options: CreationOptions): PublicKeyCredentialCreationOptionsJSON {
  const { rp, user, pubKeyCredParams, excludeCredentials, hints, ...rest } = options;
  return {
    ...rest,
    rp: { ...rp },
    user: { ...user },
    pubKeyCredParams: pubKeyCredParams.map((p) => ({ ...p })),
    ...(excludeCredentials ? { excludeCredentials: excludeCredentials.map(descriptorJson) } : {}),
    ...(hints ? { hints: [...hints] } : {}),
  };
}
