/**
 * Verifies a passkey assertion of a browser device (sign-in and step-up share it), in order:
 * the device has a passkey; the assertion's origin and challenge (take-challenge.ts); the
 * credential is the device's own; the signature with user verification required; AAL3 if
 * demanded (no synced passkey); the signature counter grew (a cloned authenticator is caught).
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { JsonValue } from '../../core/encoding/canonical-json.ts';
import type { ChallengePurpose, PasskeyRecord } from '../store/web-store.ts';
import { authenticationResponse, clientDataOf } from './passkey-response.ts';
import { takeChallenge } from './take-challenge.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';

export async function requirePasskey(web: WebContext, device: string): Promise<PasskeyRecord> {
  const passkey = await web.store.passkeyOfDevice(device);
  if (!passkey) {
    throw new WebError(
      'NO_PASSKEY',
      'this device was not enrolled in a browser: it has no passkey to sign in with',
    );
  }
  return passkey;
}

export async function verifyAssertion(
  web: WebContext,
  device: string,
  purpose: ChallengePurpose,
  body: JsonValue | undefined,
  now: number,
): Promise<PasskeyRecord> {
  const passkey = await requirePasskey(web, device);
  const response = authenticationResponse(body, 'passkey');
  const challenge = await takeChallenge(web, clientDataOf(response), purpose, device, now);
  if (response.id !== passkey.credentialId) {
    throw new WebError('PASSKEY_UNKNOWN', 'this is not the passkey this device was enrolled with');
  }
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: web.options.origin,
      expectedRPID: web.options.rpId,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports as never,
      },
      requireUserVerification: true,
    });
  } catch (cause) {
    const message = (cause as Error).message;
    if (/user verif/i.test(message)) {
      throw new WebError('USER_NOT_VERIFIED', 'the authenticator did not verify you (PIN or biometrics)', {
        cause,
      });
    }
    throw new WebError('PASSKEY_INVALID', `the passkey assertion does not verify (${message})`, { cause });
  }
  if (!verified.verified) throw new WebError('PASSKEY_INVALID', 'the passkey assertion does not verify');
  const info = verified.authenticationInfo;
  if (!info.userVerified)
    throw new WebError('USER_NOT_VERIFIED', 'the authenticator did not verify you (PIN or biometrics)');
  if (
    web.options.requireAal3 &&
    (info.credentialDeviceType === 'multiDevice' || passkey.deviceType === 'multiDevice')
  ) {
    throw new WebError(
      'PASSKEY_SYNCED',
      'this network demands AAL3: synced passkeys are refused; enrol a device-bound one',
    );
  }
  if (!(await web.store.advanceCounter(passkey.credentialId, info.newCounter))) {
    throw new WebError(
      'PASSKEY_CLONED',
      'the passkey signature counter went back: the authenticator may have been copied; tell your security officer',
    );
  }
  return passkey;
}
