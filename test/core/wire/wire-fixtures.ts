// Shared fixtures of the wire tests: a few Ed25519 device keys (made once, reused by every
// property), a fixed clock, and a helper that signs a request and turns it into the
// WireRequest a server would receive.
import assert from 'node:assert/strict';
import { toBase64url } from '../../../src/core/encoding/bytes.ts';
import { MemoryNonceStore } from '../../../src/core/wire/memory-nonce-store.ts';
import type { WireRequest } from '../../../src/core/wire/request-profile.ts';
import {
  RequestSignatureError,
  type RequestSignatureErrorCode,
} from '../../../src/core/wire/request-signature-error.ts';
import { cryptoKeySigner, type SignatureHeaders, signRequest } from '../../../src/core/wire/sign-request.ts';
import type { VerifyRequestOptions } from '../../../src/core/wire/verify-request.ts';

export const NOW = 1_750_000_000;

export interface DeviceKey {
  readonly keyId: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicRaw: Uint8Array;
}

async function makeDevice(keyId: string): Promise<DeviceKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicRaw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { keyId, privateKey: pair.privateKey, publicKey: pair.publicKey, publicRaw };
}

/** Three devices; the first resolves to a CryptoKey, the others to raw bytes. */
export const DEVICES: readonly DeviceKey[] = await Promise.all(
  ['device-eeas-01', 'device-cy-07', 'device "quoted" \\ odd'].map(makeDevice),
);

export function resolverFor(devices: readonly DeviceKey[]): VerifyRequestOptions['resolveKey'] {
  return async (keyId) => {
    const index = devices.findIndex((d) => d.keyId === keyId);
    if (index < 0) return undefined;
    const device = devices[index]!;
    return index === 0 ? device.publicKey : device.publicRaw;
  };
}

let nonceCounter = 0;
/** A distinct valid nonce per call (randomness is injected in real use too). */
export function freshNonce(): string {
  nonceCounter++;
  return toBase64url(new TextEncoder().encode(`nonce-${nonceCounter.toString().padStart(10, '0')}`));
}

let sequenceCounter = 0;
/** A request sequence number one higher than the last (one counter for all test devices). */
export function nextSequence(): number {
  sequenceCounter++;
  return sequenceCounter;
}

export interface PlainRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType?: string;
  readonly body: Uint8Array;
}

/** Signs `request` with `device` at `created` and returns what the server would receive. */
export async function signedWireRequest(
  request: PlainRequest,
  device: DeviceKey = DEVICES[0]!,
  created: number = NOW,
  nonce: string = freshNonce(),
): Promise<{ wire: WireRequest; added: SignatureHeaders }> {
  const headers: Record<string, string> = {};
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  const added = await signRequest(
    { method: request.method, url: request.url, headers, body: request.body },
    {
      keyId: device.keyId,
      signer: cryptoKeySigner(device.privateKey),
      now: created,
      nonce,
      sequence: nextSequence(),
    },
  );
  const url = new URL(request.url);
  const wire: WireRequest = {
    method: request.method,
    authority: url.host,
    path: url.pathname,
    query: url.search,
    headers: {
      ...headers,
      'content-digest': added['Content-Digest'],
      'valise-sequence': added['Valise-Sequence'],
      'signature-input': added['Signature-Input'],
      signature: added.Signature,
    },
    body: request.body,
  };
  return { wire, added };
}

export function verifyOptions(overrides: Partial<VerifyRequestOptions> = {}): VerifyRequestOptions {
  return {
    resolveKey: resolverFor(DEVICES),
    now: NOW,
    nonces: new MemoryNonceStore({ now: () => NOW }),
    ...overrides,
  };
}

/** Asserts that `action` rejects (or throws) a RequestSignatureError with `code`. */
export async function rejectsWith(action: () => unknown, code: RequestSignatureErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${code}, but nothing was thrown`);
  assert.ok(
    caught instanceof RequestSignatureError,
    `expected a RequestSignatureError ${code}, got ${String(caught)}`,
  );
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
}

export const JSON_POST: PlainRequest = {
  method: 'POST',
  url: 'https://valise.example/api/cables?org=CY',
  contentType: 'application/json',
  body: new TextEncoder().encode('{"subject":"COREU"}'),
};
