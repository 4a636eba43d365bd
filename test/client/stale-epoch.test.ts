/**
 * A directory that moves on between sealing and posting (docs/design.md §6), with the real
 * server on every backend: the server refuses the cable at the old epoch (409 EPOCH_STALE),
 * and `sendCable` re-syncs and re-wraps the same content for the devices entitled now — a
 * device enrolled since gets a wrap and reads the cable, a device revoked since gets none —
 * without encrypting the content again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fetch } from '../../src/client/api-client.ts';
import { ClientError } from '../../src/client/client-error.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { directoryAtLeast, sendCable } from '../../src/client/send-cable.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import { decodeSealedCable } from '../../src/core/cable/sealed-cable.ts';
import { parseJsonWithBytes } from '../../src/core/encoding/json-with-bytes.ts';
import type { Revocation } from '../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { backends } from '../server/fixtures/backends.ts';
import { confirmedAct, enrolDevice, secondOfficer } from '../server/fixtures/enrol.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch } from './app-fetch.ts';
import { appSession, deviceStore } from './app-session.ts';

for (const backend of await backends()) {
  describe(`a stale directory epoch on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let anna: MemoryKeyStore;
    /** Every cable body anna posted, as sent. */
    const posted: unknown[] = [];
    let fetch: Fetch;

    before(async () => {
      t = await startTestApp(backend);
      await t.checkpointer.checkpoint();
      anna = await deviceStore(t.network, device(t.network, 'de.anna'));
      const inner = appFetch(t.app);
      fetch = async (input, init) => {
        if (init.method === 'POST' && new URL(input).pathname === '/api/v1/cables') {
          const body = init.body as Uint8Array;
          posted.push((parseJsonWithBytes(body, { maxBytes: body.length }) as { cable: unknown }).cable);
        }
        return inner(input, init);
      };
    });
    after(async () => {
      await t?.close();
    });

    const draft = {
      classification: 'RESTREINT UE' as const,
      precedence: 'ROUTINE' as const,
      distribution: [{ org: 'FR', role: 'action' as const }],
      groups: ['COEST'],
    };

    test('a device enrolled and one revoked since the sender synced: re-wrapped, content unchanged', async () => {
      const opened_ = await appSession(anna, fetch);
      const session = { ...opened_, network: { ...opened_.network, serverKey: t.serverSigner.publicKey } };
      // After anna synced: FR enrols a new device for claire, and DE revokes anna's second device.
      const claire = t.network.users['fr.claire']!;
      const fresh = await enrolDevice(
        t.api,
        t.network,
        device(t.network, 'fr.officer'),
        claire,
        'claire.new',
      );
      const second = device(t.network, 'de.anna.2');
      const revocation: Revocation = {
        v: 1,
        kind: 'revocation',
        org: 'DE',
        subject: 'device',
        id: second.id,
        reason: 'stolen',
        issuedAt: T0,
      };
      const entry = await issueCertificate(revocation, t.network.orgs.DE!.signer);
      const revoked = await confirmedAct(
        t.api,
        device(t.network, 'de.officer'),
        secondOfficer(t.network, device(t.network, 'de.officer')),
        '/api/v1/directory',
        { entry },
      );
      assert.equal(revoked.status, 201, revoked.text);
      await t.checkpointer.checkpoint();
      assert.ok(!session.directory.device(fresh.id), 'the session synced before the enrolment');

      // Without a way to re-sync, the server's refusal is the caller's.
      await assert.rejects(
        sendCable({ session, draft, content: { subject: 'Stale', body: 'x' } }),
        (error: unknown) =>
          error instanceof ClientError && error.code === 'EPOCH_STALE' && error.status === 409,
      );

      posted.length = 0;
      let waited = 0;
      const sent = await sendCable({
        session,
        draft,
        content: { subject: 'Eastern partnership', body: 'Text.' },
        resync: (epoch) =>
          directoryAtLeast(
            async () => (await appSession(anna, fetch)).directory,
            epoch,
            async () => {
              waited++;
            },
          ),
      });
      assert.equal(waited, 0, 'the checkpoint already covered the new entries');
      assert.equal(posted.length, 2, 'refused once at the old epoch, accepted at the new one');
      const [first, second_] = posted.map((c) => decodeSealedCable(c, 'cable'));
      assert.deepEqual(second_!.content, first!.content, 'the content was not encrypted again');
      assert.ok(first!.header.recipients.includes(second.id));
      assert.ok(!first!.header.recipients.includes(fresh.id));
      assert.ok(second_!.header.recipients.includes(fresh.id));
      assert.ok(!second_!.header.recipients.includes(second.id));
      assert.equal(sent.header.epoch, t.network.entries.length + 2);

      // The new device reads it; the revoked one is not a recipient.
      const served = await t.api.get(`/api/v1/cables/${sent.id}`, { as: fresh });
      assert.equal(served.status, 200, served.text);
      const directory = (await appSession(anna, fetch)).directory;
      const opened = await openCable(decodeSealedCable(served.json.cable, 'cable'), {
        directory,
        recipient: { device: fresh.id, privateKey: fresh.kemPrivateKey },
      });
      assert.equal(opened.content.subject, 'Eastern partnership');
    });
  });
}
