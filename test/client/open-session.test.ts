import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Fetch } from '../../src/client/api-client.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { DeviceKeys } from '../../src/client/key-store.ts';
import { makeDeviceKeys } from '../../src/client/make-device-keys.ts';
import { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { openSession } from '../../src/client/open-session.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { errorResponse } from './fake-fetch.ts';
import { fakeServer } from './fake-server.ts';
import { T0, testNetwork } from './test-network.ts';

async function enrolledProfile(keys: DeviceKeys, root: Awaited<ReturnType<typeof testNetwork>>['root']) {
  const store = new MemoryKeyStore();
  await store.saveProfile({ server: 'http://127.0.0.1:1', network: { root }, device: keys });
  return store;
}

function isClientError(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('openSession', () => {
  test("the session learns the device's user and organisation from its certificate and keeps them", async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    await net.addUser('DE', 'de.anna');
    const { user: _u, org: _o, ...keys } = await net.addDevice('DE', 'de.anna');
    const store = await enrolledProfile(keys, net.root);
    const { fetch } = fakeServer({ root: net.root, entries: net.entries });
    const session = await openSession({ store, fetch, clock: fixedClock(T0) });
    assert.equal(session.device.user, 'de.anna');
    assert.equal(session.device.org, 'DE');
    assert.equal((await store.loadProfile()).device?.org, 'DE');
  });

  test('a certificate for this device id with other keys (a server injection) is refused', async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    await net.addUser('DE', 'de.anna');
    const mine = await makeDeviceKeys('laptop');
    const impostor = await makeDeviceKeys('laptop');
    // Even signed by the real org key (a compromised officer, say), other keys are not ours.
    net.entries.push(
      await issueCertificate(
        {
          v: 1,
          kind: 'device',
          org: 'DE',
          user: 'de.anna',
          device: mine.device,
          label: 'laptop',
          signingKey: impostor.signer.publicKey,
          kemKey: impostor.kemPublicKey,
          issuedAt: T0,
          expiresAt: T0 + 86_400,
        },
        net.orgKeys.get('DE')!,
      ),
    );
    const store = await enrolledProfile(mine, net.root);
    const { fetch } = fakeServer({ root: net.root, entries: net.entries });
    await assert.rejects(
      openSession({ store, fetch, clock: fixedClock(T0) }),
      isClientError('DEVICE_NOT_CERTIFIED'),
    );
  });

  test('a device not yet approved is told to ask its security officer', async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    const keys = await makeDeviceKeys('laptop');
    const store = await enrolledProfile(keys, net.root);
    const fetch = refusingDirectory(
      fakeServer({ root: net.root, entries: net.entries }).fetch,
      errorResponse(403, 'DEVICE_PENDING', 'waits for approval'),
    );
    await assert.rejects(openSession({ store, fetch, clock: fixedClock(T0) }), (error: unknown) => {
      assert.ok(error instanceof ClientError && error.code === 'DEVICE_NOT_CERTIFIED');
      assert.match(error.message, new RegExp(`valise approve ${keys.device}`));
      return true;
    });
  });

  test('a device the server does not know is told so, not that it waits for approval', async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    const keys = await makeDeviceKeys('laptop');
    const store = await enrolledProfile(keys, net.root);
    const fetch = refusingDirectory(
      fakeServer({ root: net.root, entries: net.entries }).fetch,
      errorResponse(401, 'UNKNOWN_KEY', 'unknown device'),
    );
    await assert.rejects(openSession({ store, fetch, clock: fixedClock(T0) }), (error: unknown) => {
      assert.ok(error instanceof ClientError && error.code === 'UNKNOWN_KEY', String(error));
      assert.match(error.message, /does not know device .*enrol again with a new invitation/);
      assert.doesNotMatch(error.message, /approv/);
      return true;
    });
  });

  test('a device revoked in the directory is DEVICE_REVOKED', async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    await net.addUser('DE', 'de.anna');
    const anna = await net.addDevice('DE', 'de.anna');
    net.entries.push(
      await issueCertificate(
        {
          v: 1,
          kind: 'revocation',
          org: 'DE',
          subject: 'device',
          id: anna.device,
          reason: 'lost',
          issuedAt: T0,
        },
        net.orgKeys.get('DE')!,
      ),
    );
    const store = await enrolledProfile(anna, net.root);
    const { fetch } = fakeServer({ root: net.root, entries: net.entries });
    await assert.rejects(
      openSession({ store, fetch, clock: fixedClock(T0) }),
      isClientError('DEVICE_REVOKED'),
    );
  });

  test('a profile without a device says how to enrol', async () => {
    const { fetch } = fakeServer({ root: (await testNetwork()).root, entries: [] });
    await assert.rejects(
      openSession({ store: new MemoryKeyStore(), fetch, clock: fixedClock(T0) }),
      isClientError('NOT_CONFIGURED'),
    );
  });
});

/** The fake server, except that the signed directory read is answered with `refusal`. */
function refusingDirectory(fetch: Fetch, refusal: Response): Fetch {
  return (input, init) =>
    new URL(input).pathname === '/api/v1/directory' ? Promise.resolve(refusal.clone()) : fetch(input, init);
}
