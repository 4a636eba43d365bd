/**
 * Malicious clients: each attempt is refused with its own code and stores
 * nothing. Signature and device refusals are themselves audit events (`request.refused`);
 * policy refusals leave no trace but the answer. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resignCable } from '../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../src/core/cable/sealed-cable.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { DEFAULT_REFUSAL_LIMITS } from '../../src/server/refusal-recorder.ts';
import { backends } from './fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from './fixtures/counts.ts';
import { invite, newDeviceKeys } from './fixtures/enrol.ts';
import { device, type TestDevice } from './fixtures/network.ts';
import type { SendOptions, TestResponse } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { type CableSpec, cableBody, hashOf, nextPosition, testCable } from './fixtures/test-cable.ts';

for (const backend of await backends()) {
  describe(`malicious clients on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let anna: TestDevice;
    before(async () => {
      t = await startTestApp(backend);
      anna = device(t.network, 'de.anna');
    });
    after(async () => {
      await t?.close();
    });

    /** Makes a cable from anna to FR/COEST at the next serial, with `spec` changes. */
    async function cable(spec: Partial<CableSpec> = {}): Promise<SealedCable> {
      return testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        groups: ['COEST'],
        // Dated now: the refusal windows move the clock, and a cable is dated within minutes.
        sentAt: Math.floor(t.clock.now() / 1000),
        ...(await nextPosition(t.api, anna)),
        ...spec,
      });
    }

    /**
     * Runs `attempt` and checks: the status and code, no act stored, and the audit trail
     * grew by exactly `audited` (a refused-request event, or nothing). Refusals of callers
     * the server could not authenticate are counted per source and window (one event each),
     * so each attempt runs in a window of its own.
     */
    async function refused(
      attempt: () => Promise<TestResponse>,
      status: number,
      code: string,
      audited: 'request.refused' | 'nothing',
    ): Promise<TestResponse> {
      if (audited === 'request.refused') t.clock.advance(DEFAULT_REFUSAL_LIMITS.windowSeconds * 1000);
      const counts = await actCounts(t.store);
      const seq = await lastAuditSeq(t.store);
      const response = await attempt();
      assert.equal(response.status, status, response.text);
      assert.equal(response.json.error.code, code);
      assert.deepEqual(await actCounts(t.store), counts, 'nothing is stored');
      const events = await auditTypesAfter(t.store, seq);
      assert.deepEqual(events, audited === 'nothing' ? [] : [audited]);
      if (audited === 'request.refused') {
        const event = JSON.parse(new TextDecoder().decode((await t.store.auditEvents(seq, 1))[0]!.event));
        assert.equal(event.detail.code, code);
      }
      return response;
    }

    const post = (sealed: SealedCable, options: SendOptions = { as: anna }) =>
      t.api.post('/api/v1/cables', cableBody(sealed), options);

    test('a wrapped set with an extra uncleared device is WRAPPED_SET_MISMATCH', async () => {
      const bob = device(t.network, 'de.bob').id;
      const sealed = await cable({ recipients: (entitled) => [...entitled, bob] });
      await refused(() => post(sealed), 422, 'WRAPPED_SET_MISMATCH', 'nothing');
    });

    test('a wrapped set missing an entitled device is WRAPPED_SET_MISMATCH', async () => {
      const claire = device(t.network, 'fr.claire').id;
      const sealed = await cable({ recipients: (entitled) => entitled.filter((d) => d !== claire) });
      await refused(() => post(sealed), 422, 'WRAPPED_SET_MISMATCH', 'nothing');
    });

    test('an honest header with an extra wrap for a device of a third organisation is WRAPPED_SET_MISMATCH', async () => {
      const eva = device(t.network, 'cy.eva').id;
      const sealed = await cable({ wrapsFor: (recipients) => [...recipients, eva] });
      await refused(() => post(sealed), 422, 'WRAPPED_SET_MISMATCH', 'nothing');
    });

    test('an honest header with a wrap left out is WRAPPED_SET_MISMATCH', async () => {
      const claire = device(t.network, 'fr.claire').id;
      const sealed = await cable({ wrapsFor: (recipients) => recipients.filter((d) => d !== claire) });
      await refused(() => post(sealed), 422, 'WRAPPED_SET_MISMATCH', 'nothing');
    });

    test('a wrap for a revoked device is WRAPPED_SET_MISMATCH', async () => {
      const old = device(t.network, 'de.anna.old').id;
      const sealed = await cable({ recipients: (entitled) => [...entitled, old] });
      await refused(() => post(sealed), 422, 'WRAPPED_SET_MISMATCH', 'nothing');
    });

    test('a header signed by another key is HEADER_SIGNATURE_INVALID', async () => {
      const stranger = await generateSigner();
      const sealed = await cable();
      const forged = await resignCable(sealed, { serial: sealed.header.serial }, stranger);
      await refused(() => post(forged), 422, 'HEADER_SIGNATURE_INVALID', 'nothing');
    });

    test('a header changed after signing is HEADER_SIGNATURE_INVALID', async () => {
      const sealed = await cable();
      const changed = { ...sealed, header: { ...sealed.header, precedence: 'FLASH' as const } };
      await refused(() => post(changed), 422, 'HEADER_SIGNATURE_INVALID', 'nothing');
    });

    test('a forged request signature is SIGNATURE_INVALID', async () => {
      const sealed = await cable();
      const flip = (headers: Record<string, string>) => {
        const value = headers.Signature!;
        const i = value.indexOf(':') + 5;
        return {
          ...headers,
          Signature: value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1),
        };
      };
      await refused(
        () => post(sealed, { as: anna, tamper: flip }),
        401,
        'SIGNATURE_INVALID',
        'request.refused',
      );
    });

    test("a request signed with another device's key under this device's id is SIGNATURE_INVALID", async () => {
      const sealed = await cable();
      const impostor = { ...device(t.network, 'de.carl'), id: anna.id };
      await refused(() => post(sealed, { as: impostor }), 401, 'SIGNATURE_INVALID', 'request.refused');
    });

    test('a body swapped after signing is DIGEST_MISMATCH', async () => {
      const [signedFor, sent] = [await cable(), await cable()];
      await refused(
        () => t.api.post('/api/v1/cables', cableBody(signedFor), { as: anna, sendBody: cableBody(sent) }),
        401,
        'DIGEST_MISMATCH',
        'request.refused',
      );
    });

    test('a request signed for another route is SIGNATURE_INVALID', async () => {
      let captured: Record<string, string> = {};
      await t.api.get('/api/v1/inbox', {
        as: anna,
        tamper: (headers) => {
          captured = headers;
          return {};
        },
      });
      await refused(
        () => t.api.get('/api/v1/devices', { tamper: () => captured }),
        401,
        'SIGNATURE_INVALID',
        'request.refused',
      );
    });

    test('a replayed request is REPLAYED, and its act is not done twice', async () => {
      const sealed = await cable();
      let captured: Record<string, string> = {};
      const first = await post(sealed, {
        as: anna,
        tamper: (headers) => {
          captured = headers;
          return headers;
        },
      });
      assert.equal(first.status, 201);
      await refused(() => post(sealed, { tamper: () => captured }), 401, 'REPLAYED', 'request.refused');
    });

    test('a stale request is STALE and one from the future is FROM_FUTURE', async () => {
      const sealed = await cable();
      const now = () => Math.floor(t.clock.now() / 1000);
      await refused(() => post(sealed, { as: anna, created: now() - 61 }), 401, 'STALE', 'request.refused');
      await refused(
        () => post(sealed, { as: anna, created: now() + 6 }),
        401,
        'FROM_FUTURE',
        'request.refused',
      );
      // Within the window it is accepted.
      assert.equal((await post(sealed, { as: anna, created: now() - 59 })).status, 201);
    });

    test('an unsigned request is SIGNATURE_MISSING and an unknown key UNKNOWN_KEY', async () => {
      const sealed = await cable();
      await refused(() => post(sealed, {}), 401, 'SIGNATURE_MISSING', 'request.refused');
      const unknown = { ...anna, id: toBase64url(randomBytes(16)) };
      await refused(() => post(sealed, { as: unknown }), 401, 'UNKNOWN_KEY', 'request.refused');
    });

    test('a revoked device is DEVICE_REVOKED, for sending and for reading', async () => {
      const old = device(t.network, 'de.anna.old');
      const sealed = await testCable(t.directory, {
        sender: old,
        distribution: [{ org: 'FR', role: 'action' }],
        recipients: () => [old.id],
        ...(await nextPosition(t.api, anna)),
      });
      await refused(() => post(sealed, { as: old }), 403, 'DEVICE_REVOKED', 'request.refused');
      await refused(() => t.api.get('/api/v1/inbox', { as: old }), 403, 'DEVICE_REVOKED', 'request.refused');
    });

    test('a reused invitation is INVITATION_USED', async () => {
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        Math.floor(t.clock.now() / 1000) + 600,
        device(t.network, 'de.officer.2'),
      );
      const enrol = async () => {
        const keys = await newDeviceKeys('x');
        return t.api.post('/api/v1/enrolments', {
          invitation: invitation.id,
          secret: invitation.secret,
          device: keys.id,
          label: 'x',
          signingKey: keys.signer.publicKey,
          kemKey: keys.kem.publicKey,
          binding: randomBytes(32),
        });
      };
      assert.equal((await enrol()).status, 201);
      await refused(enrol, 409, 'INVITATION_USED', 'nothing');
    });

    test('a serial gap is SERIES_CONFLICT, with the head to re-sign against', async () => {
      const position = await nextPosition(t.api, anna);
      const sealed = await cable({ serial: position.serial + 1 });
      const response = await refused(() => post(sealed), 409, 'SERIES_CONFLICT', 'nothing');
      assert.equal(response.json.head.serial, position.serial - 1);
    });

    test('a reused serial is SERIES_CONFLICT', async () => {
      const accepted = await cable();
      assert.equal((await post(accepted)).status, 201);
      const reuse = await cable({
        serial: accepted.header.serial,
        ...(accepted.header.prev ? { prev: accepted.header.prev } : {}),
      });
      await refused(() => post(reuse), 409, 'SERIES_CONFLICT', 'nothing');
      // A broken chain (right serial, wrong prev) is refused the same way.
      const broken = await cable({ prev: randomBytes(32) });
      await refused(() => post(broken), 409, 'SERIES_CONFLICT', 'nothing');
      assert.notDeepEqual(hashOf(accepted), broken.header.prev);
    });
  });
}
