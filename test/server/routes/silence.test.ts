/**
 * The silence procedure end to end, on every backend: the Presidency opens, extends and
 * withdraws; participants receive (a logged fetch), object and read each other's reasons;
 * the server records the outcome at the deadline by its own clock (a FixedClock moved by the
 * test) and every client recomputes it from the proven log and refuses a verdict that
 * differs. Clients are the real SDK over the real app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientError } from '../../../src/client/client-error.ts';
import type { ExportableSigner } from '../../../src/client/key-store.ts';
import { MemoryKeyStore } from '../../../src/client/memory-key-store.ts';
import { type DeviceSession, openSession } from '../../../src/client/open-session.ts';
import { readCable } from '../../../src/client/read-cable.ts';
import { directoryAtLeast } from '../../../src/client/send-cable.ts';
import { openSilence, sendSilenceAct } from '../../../src/client/send-silence-act.ts';
import { silenceStatus } from '../../../src/client/silence-status.ts';
import { encodeCanonical } from '../../../src/core/encoding/canonical-json.ts';
import type { Revocation } from '../../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { signPresidency } from '../../../src/core/procedure/presidency.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import { APP_ORIGIN, appFetch } from '../../client/app-fetch.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts } from '../fixtures/counts.ts';
import { confirmedAct, secondOfficer } from '../fixtures/enrol.ts';
import { device, T0 } from '../fixtures/network.ts';
import { nextSequence } from '../fixtures/sequence.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

const HOUR = 3600;

/**
 * A key store signing with the fixture's request numbers, which `t.api` signs with too: one
 * device, one rising counter, whichever client speaks for it (docs/design.md §9).
 */
class FixtureKeyStore extends MemoryKeyStore {
  override async takeSequence(device: string): Promise<number> {
    return nextSequence(device);
  }
}
const GRACE = 31;

for (const backend of await backends()) {
  describe(`the silence procedure on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const now = () => Math.floor(t.clock.now() / 1000);
    const setNow = (seconds: number) => t.clock.set(seconds * 1000);

    async function session(name: string): Promise<DeviceSession> {
      const d = device(t.network, name);
      const store = new FixtureKeyStore(d.name);
      await store.saveProfile({
        server: APP_ORIGIN,
        network: { root: t.network.root, serverKey: t.serverSigner.publicKey },
        device: {
          device: d.id,
          label: d.name,
          signer: d.signer as ExportableSigner,
          kemPrivateKey: d.kemPrivateKey,
          kemPublicKey: d.kemPublicKey,
        },
      });
      return openSession({ store, fetch: appFetch(t.app), clock: { nowSeconds: now } });
    }

    /** DE (the Presidency) circulates a text to FR and CY, COEST, with `deadline`. */
    async function open(deadline: number) {
      return openSilence({
        session: await session('de.anna'),
        participants: ['CY', 'FR'],
        deadline,
        draft: { classification: 'RESTREINT UE', precedence: 'PRIORITY', groups: ['COEST'] },
        content: { subject: 'Statement on the elections', body: 'The Presidency proposes this statement.' },
      });
    }

    const receive = async (name: string, id: string) =>
      assert.equal((await t.api.get(`/api/v1/cables/${id}`, { as: device(t.network, name) })).status, 200);

    const object = async (name: string, procedure: string, reason: string) =>
      sendSilenceAct({
        session: await session(name),
        procedure,
        act: 'object',
        content: { subject: 'Silence broken', body: reason },
      });

    async function refused(work: () => Promise<unknown>, code: string) {
      const before = await actCounts(t.store);
      await assert.rejects(work, (error: unknown) => error instanceof ClientError && error.code === code);
      assert.deepEqual(await actCounts(t.store), before, 'nothing is written');
    }

    before(async () => {
      t = await startTestApp(backend);
      const act = await signPresidency(
        {
          v: 1,
          kind: 'presidency',
          network: t.network.root.network,
          org: 'DE',
          from: T0 - 30 * 86_400,
          until: T0 + 150 * 86_400,
          issuedAt: T0 - 86_400,
        },
        t.network.rootSigner,
      );
      const named = await t.api.send('PUT', '/api/v1/network/presidency', {
        body: { act },
        as: device(t.network, 'cy.authority'),
      });
      assert.equal(named.status, 200, named.text);
    });
    after(async () => {
      await t?.close();
    });

    test('the network names its Presidency, signed by the root and served to every client', async () => {
      const info = await t.api.get('/api/v1/network');
      assert.equal(info.json.presidency.body.org, 'DE');
      const forged = await signPresidency(
        {
          v: 1,
          kind: 'presidency',
          network: t.network.root.network,
          org: 'FR',
          from: T0,
          until: T0 + 86_400,
          issuedAt: T0,
        },
        t.network.orgs.FR!.signer,
      );
      const before = await actCounts(t.store);
      const bad = await t.api.send('PUT', '/api/v1/network/presidency', {
        body: { act: forged },
        as: device(t.network, 'cy.authority'),
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.error.code, 'PRESIDENCY_INVALID');
      const unsigned = await t.api.send('PUT', '/api/v1/network/presidency', { body: { act: forged } });
      assert.equal(unsigned.status, 422);
      assert.equal(unsigned.json.error.code, 'PRESIDENCY_INVALID');
      assert.deepEqual(await actCounts(t.store), before);
    });

    test('adopted: every participant received the text and nobody objected', async () => {
      const deadline = now() + 2 * HOUR;
      const opened = await open(deadline);
      await receive('fr.claire', opened.id);
      await receive('cy.eva', opened.id);
      const during = await silenceStatus(await session('fr.claire'), opened.id);
      assert.equal(during.state, 'open');
      assert.deepEqual(
        during.standing.participants.map((p) => [p.org, p.receivedAt !== undefined]),
        [
          ['CY', true],
          ['FR', true],
        ],
      );
      setNow(deadline + GRACE);
      for (const name of ['de.anna', 'fr.claire', 'cy.eva']) {
        const status = await silenceStatus(await session(name), opened.id);
        assert.equal(status.state, 'closed');
        assert.equal(status.recorded?.outcome, 'adopted');
        assert.deepEqual(status.recorded, status.computed);
      }
    });

    test('broken: an objection one second before the deadline; one a second after is refused', async () => {
      const deadline = now() + 2 * HOUR;
      const opened = await open(deadline);
      await receive('fr.claire', opened.id);
      await receive('cy.eva', opened.id);
      setNow(deadline - 1);
      const objection = await object('fr.claire', opened.id, 'France cannot accept paragraph 3.');
      setNow(deadline + 1);
      await refused(() => object('cy.eva', opened.id, 'Too late.'), 'PROCEDURE_CLOSED');
      setNow(deadline + GRACE);
      const status = await silenceStatus(await session('cy.eva'), opened.id);
      assert.equal(status.recorded?.outcome, 'broken');
      assert.deepEqual(status.recorded?.objections, [{ org: 'FR', at: deadline - 1, cable: objection.id }]);
      // Who and when come from the log; why is the objection's encrypted body, for participants.
      const why = await readCable(await session('cy.eva'), objection.id);
      assert.equal(why.cable.content.body, 'France cannot accept paragraph 3.');
      assert.equal(why.cable.header.silence, 'object');
      assert.equal(why.cable.header.replyTo, opened.reference);
    });

    test('a server that records "adopted" while its log shows an objection is refused by every client', async () => {
      const deadline = now() + HOUR;
      const opened = await open(deadline);
      await receive('fr.claire', opened.id);
      await receive('cy.eva', opened.id);
      await object('cy.eva', opened.id, 'Cyprus objects.');
      setNow(deadline + GRACE);
      // The operator writes its own verdict before anyone asks.
      const lie = { outcome: 'adopted', deadline, objections: [], undelivered: [] };
      await t.store.procedures.recordOutcome(
        opened.id,
        new TextDecoder().decode(encodeCanonical(lie)),
        now(),
        auditRecord({
          at: now(),
          type: 'silence.outcome',
          actor: {},
          object: { kind: 'cable', id: opened.id, org: 'DE' },
          detail: lie,
        }),
      );
      for (const name of ['de.anna', 'fr.claire', 'cy.eva']) {
        const s = await session(name);
        await assert.rejects(
          silenceStatus(s, opened.id),
          (error: unknown) => error instanceof ClientError && error.code === 'SILENCE_VERDICT_MISMATCH',
        );
      }
    });

    test('the Presidency extends the deadline; an objection before the new deadline breaks silence', async () => {
      const first = now() + HOUR;
      const opened = await open(first);
      await receive('fr.claire', opened.id);
      await receive('cy.eva', opened.id);
      const later = first + 3 * HOUR;
      await refused(
        async () =>
          sendSilenceAct({
            session: await session('fr.claire'),
            procedure: opened.id,
            act: 'extend',
            deadline: later,
            content: { subject: 'Extension', body: 'x' },
          }),
        'NOT_PRESIDENCY',
      );
      await sendSilenceAct({
        session: await session('de.anna'),
        procedure: opened.id,
        act: 'extend',
        deadline: later,
        content: { subject: 'Extension', body: 'The deadline is extended by three hours.' },
      });
      setNow(first + HOUR);
      const objection = await object('fr.claire', opened.id, 'More time needed, and then: no.');
      setNow(later + GRACE);
      const status = await silenceStatus(await session('de.anna'), opened.id);
      assert.equal(status.recorded?.outcome, 'broken');
      assert.equal(status.recorded?.deadline, later);
      assert.deepEqual(status.recorded?.objections, [{ org: 'FR', at: first + HOUR, cable: objection.id }]);
    });

    test('the Presidency withdraws the text; nothing more is accepted in the procedure', async () => {
      const deadline = now() + HOUR;
      const opened = await open(deadline);
      await sendSilenceAct({
        session: await session('de.anna'),
        procedure: opened.id,
        act: 'withdraw',
        content: { subject: 'Withdrawn', body: 'The Presidency withdraws the text.' },
      });
      // A withdrawal ends the procedure at once: the first reader after it sees the verdict.
      const status = await silenceStatus(await session('fr.claire'), opened.id);
      assert.equal(status.recorded?.outcome, 'withdrawn');
      assert.equal(status.recorded?.withdrawnAt, now());
      await refused(() => object('fr.claire', opened.id, 'Objection.'), 'PROCEDURE_CLOSED');
    });

    test('bad input: a deadline in the past or beyond the maximum, a non-Presidency opener → typed 4xx, nothing written', async () => {
      const anna = await session('de.anna');
      const draft = { classification: 'RESTREINT UE', precedence: 'PRIORITY', groups: ['COEST'] } as const;
      const content = { subject: 'x', body: 'y' };
      // Dated four minutes ago (within the server's clock window), with a deadline a minute ago:
      // the header is well formed and its date accepted, the deadline past.
      const past = { ...anna, clock: { nowSeconds: () => now() - 4 * 60 } };
      await refused(
        () => openSilence({ session: past, participants: ['FR'], deadline: now() - 60, draft, content }),
        'DEADLINE_INVALID',
      );
      await refused(
        () =>
          openSilence({ session: anna, participants: ['FR'], deadline: now() + 15 * 86_400, draft, content }),
        'DEADLINE_INVALID',
      );
      await refused(
        async () =>
          openSilence({
            session: await session('fr.claire'),
            participants: ['DE'],
            deadline: now() + HOUR,
            draft,
            content,
          }),
        'NOT_PRESIDENCY',
      );
      await refused(
        () =>
          openSilence({
            session: anna,
            participants: [],
            info: ['FR'],
            deadline: now() + HOUR,
            draft,
            content,
          }),
        'INVALID_VALUE',
      );
    });

    test('a participant nobody can read is refused before sealing: the procedure could only be not valid', async () => {
      const anna = await session('de.anna');
      const draft = { classification: 'RESTREINT UE', precedence: 'PRIORITY', groups: ['CONUN'] } as const;
      // Nobody at CY is in CONUN.
      await refused(
        () =>
          openSilence({
            session: anna,
            participants: ['CY', 'DE'],
            deadline: now() + HOUR,
            draft,
            content: { subject: 'x', body: 'y' },
          }),
        'UNDELIVERABLE',
      );
    });

    test('an objection sealed before the directory moved on is re-wrapped for the new epoch and still breaks silence', async () => {
      const deadline = now() + HOUR;
      const opened = await open(deadline);
      await receive('fr.claire', opened.id);
      await receive('cy.eva', opened.id);
      const stale = await session('fr.claire');
      // After claire synced, DE revokes anna's second device (a recipient of the objection).
      const second = device(t.network, 'de.anna.2');
      const revocation: Revocation = {
        v: 1,
        kind: 'revocation',
        org: 'DE',
        subject: 'device',
        id: second.id,
        reason: 'stolen',
        issuedAt: now(),
      };
      const posted = await confirmedAct(
        t.api,
        device(t.network, 'de.officer'),
        secondOfficer(t.network, device(t.network, 'de.officer')),
        '/api/v1/directory',
        { entry: await issueCertificate(revocation, t.network.orgs.DE!.signer) },
      );
      assert.equal(posted.status, 201, posted.text);
      await t.checkpointer.checkpoint();
      const objection = {
        procedure: opened.id,
        act: 'object',
        content: { subject: 'Silence broken', body: 'No.' },
      } as const;
      await refused(() => sendSilenceAct({ ...objection, session: stale }), 'EPOCH_STALE');
      const sent = await sendSilenceAct({
        ...objection,
        session: stale,
        resync: (epoch) =>
          directoryAtLeast(
            async () => (await session('fr.claire')).directory,
            epoch,
            async () => {},
          ),
      });
      // Format 4: the silence act and the sealed summary.
      assert.equal(sent.header.v, 4);
      assert.equal(sent.header.silence, 'object');
      assert.ok(sent.header.epoch > stale.directory.epoch);
      assert.ok(!sent.header.recipients.includes(second.id), 'the revoked device got no wrap');
      setNow(deadline + GRACE);
      const status = await silenceStatus(await session('de.anna'), opened.id);
      assert.equal(status.recorded?.outcome, 'broken');
      assert.deepEqual(
        status.recorded?.objections.map((o) => o.cable),
        [sent.id],
      );
    });

    // Last: it revokes cy.eva's device, CY's only device entitled to COEST cables.
    test('not valid: a participant whose only device was revoked before fetching is named', async () => {
      const deadline = now() + HOUR;
      const opened = await open(deadline);
      await receive('fr.claire', opened.id);
      const eva = device(t.network, 'cy.eva');
      const revocation: Revocation = {
        v: 1,
        kind: 'revocation',
        org: 'CY',
        subject: 'device',
        id: eva.id,
        reason: 'laptop lost',
        issuedAt: now(),
      };
      const posted = await confirmedAct(
        t.api,
        device(t.network, 'cy.officer'),
        secondOfficer(t.network, device(t.network, 'cy.officer')),
        '/api/v1/directory',
        { entry: await issueCertificate(revocation, t.network.orgs.CY!.signer) },
      );
      assert.equal(posted.status, 201, posted.text);
      const fetched = await t.api.get(`/api/v1/cables/${opened.id}`, { as: eva });
      assert.equal(fetched.status, 403);
      setNow(deadline + GRACE);
      const status = await silenceStatus(await session('fr.claire'), opened.id);
      assert.equal(status.recorded?.outcome, 'not-valid');
      assert.deepEqual(status.recorded?.undelivered, ['CY']);
    });
  });
}
