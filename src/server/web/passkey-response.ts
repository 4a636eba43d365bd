/**
 * Reads a WebAuthn response from a request body (the JSON that @simplewebauthn/browser's
 * `startRegistration` / `startAuthentication` give) and its client data, checking shape and
 * size first so the verifier only ever sees well-formed input. Members browsers may add are
 * kept (the verifier ignores what it does not know); the fields the verifier reads are checked.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { fromBase64url, fromUtf8 } from '../../core/encoding/bytes.ts';
import type { JsonValue } from '../../core/encoding/canonical-json.ts';
import { ServerError } from '../server-error.ts';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_FIELD = 16 * 1024;

export interface ClientData {
  readonly type: string;
  readonly challenge: string;
  readonly origin: string;
}

type Json = { readonly [key: string]: JsonValue };

function record(value: JsonValue | undefined, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServerError('WRONG_TYPE', `${field}: expected an object`, { field });
  }
  return value as Json;
}

function b64(value: JsonValue | undefined, field: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length > MAX_FIELD || !BASE64URL.test(value)) {
    throw new ServerError('INVALID_VALUE', `${field}: expected base64url`, { field });
  }
  return value;
}

function credential(
  value: JsonValue | undefined,
  field: string,
  parts: readonly string[],
  optionalParts: readonly string[],
): Json {
  const json = record(value, field);
  b64(json.id, `${field}.id`);
  b64(json.rawId, `${field}.rawId`);
  if (json.type !== 'public-key')
    throw new ServerError('INVALID_VALUE', `${field}.type: expected public-key`, { field: `${field}.type` });
  const response = record(json.response, `${field}.response`);
  for (const part of parts) b64(response[part], `${field}.response.${part}`);
  for (const part of optionalParts) b64(response[part], `${field}.response.${part}`, true);
  return { ...json, clientExtensionResults: json.clientExtensionResults ?? {} };
}

export function registrationResponse(value: JsonValue | undefined, field: string): RegistrationResponseJSON {
  return credential(
    value,
    field,
    ['clientDataJSON', 'attestationObject'],
    [],
  ) as unknown as RegistrationResponseJSON;
}

export function authenticationResponse(
  value: JsonValue | undefined,
  field: string,
): AuthenticationResponseJSON {
  return credential(
    value,
    field,
    ['clientDataJSON', 'authenticatorData', 'signature'],
    ['userHandle'],
  ) as unknown as AuthenticationResponseJSON;
}

/** The client data the browser wrote: what ceremony, which challenge, on which origin. */
export function clientDataOf(response: {
  readonly response: { readonly clientDataJSON: string };
}): ClientData {
  const text = fromUtf8(fromBase64url(response.response.clientDataJSON) ?? new Uint8Array(0));
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const data = parsed as { type?: unknown; challenge?: unknown; origin?: unknown } | undefined;
  if (
    typeof data?.type !== 'string' ||
    typeof data.challenge !== 'string' ||
    typeof data.origin !== 'string'
  ) {
    throw new ServerError('INVALID_VALUE', 'passkey.response.clientDataJSON is not WebAuthn client data', {
      field: 'passkey.response.clientDataJSON',
    });
  }
  return { type: data.type, challenge: data.challenge, origin: data.origin };
}
