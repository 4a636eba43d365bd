/**
 * The passkey prompts, which only a page can run (navigator.credentials is not in workers):
 * the worker asks the server for options, the page shows the browser's prompt, the worker
 * sends the answer. Step-up is the same prompt within a live session.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { DeviceClient } from './device-client.ts';
import { DeviceError } from './device-client.ts';
import type { EnrolmentDone, Me } from './device-protocol.ts';

export async function signInWithPasskey(device: DeviceClient): Promise<Me> {
  const options = await device.call('startSignIn');
  const passkey = await prompt(() => startAuthentication({ optionsJSON: options }));
  return device.call('finishSignIn', passkey);
}

export async function stepUp(device: DeviceClient): Promise<void> {
  const options = await device.call('startStepUp');
  const passkey = await prompt(() => startAuthentication({ optionsJSON: options }));
  await device.call('finishStepUp', passkey);
}

/** A held browser device: a fresh passkey touch releases the watch's hold (docs/design.md §9). */
export async function releaseHoldWithPasskey(device: DeviceClient): Promise<void> {
  const options = await device.call('startWatchStepUp');
  const passkey = await prompt(() => startAuthentication({ optionsJSON: options }));
  await device.call('finishWatchStepUp', passkey);
}

export async function enrolWithPasskey(
  device: DeviceClient,
  code: string,
  label: string,
  orgKey: string | undefined,
  /** This browser holds an older device, which the person agreed to remove. */
  replace = false,
): Promise<EnrolmentDone> {
  if (orgKey !== undefined) await device.call('requireDemoNetwork');
  const start = await device.call('startEnrolment', code);
  const passkey = await prompt(() => startRegistration({ optionsJSON: start.options }));
  return device.call('finishEnrolment', {
    code,
    label,
    passkey,
    ...(orgKey ? { orgKey } : {}),
    ...(replace ? { replace } : {}),
  });
}

/** Runs `act`, and when the server asks for a fresh passkey touch, asks for it and runs `act` again. */
export async function withStepUp<T>(device: DeviceClient, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof DeviceError) || error.code !== 'STEP_UP_REQUIRED') throw error;
    await stepUp(device);
    return act();
  }
}

async function prompt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    throw new DeviceError({
      code: 'PASSKEY_PROMPT_FAILED',
      message:
        name === 'NotAllowedError'
          ? 'the passkey prompt was cancelled or timed out; try again'
          : `the browser refused the passkey prompt (${(error as Error).message})`,
    });
  }
}
