/**
 * The witness quorum (docs/design.md §8) with the real server, quorum 1: a device acts on a
 * directory change only once a checkpoint the witnesses cosigned covers it, and says so
 * while they lag; a server that forks one device's view (a device for de.anna that only
 * this device is shown) is refused without the device ever meeting the other branch: it
 * cannot gather the witnesses' cosignatures, and the ones it borrows from the real log do
 * not extend its fork. The fork is a copy of the SQLite file, as in key-transparency.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { auditEvents } from '../../src/client/audit-events.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import type { DeviceSession } from '../../src/client/open-session.ts';
import { sendCable } from '../../src/client/send-cable.ts';
import { witnessLog } from '../../src/client/witness-log.ts';
import { buildApp } from '../../src/server/app.ts';
import { Checkpointer } from '../../src/server/log/checkpointer.ts';
import { openSqliteStore } from '../../src/server/store/open-sqlite.ts';
import type { SqlStore } from '../../src/server/store/sql-store.ts';
import { backends, rawStatement } from '../server/fixtures/backends.ts';
import { addUser, enrolDevice } from '../server/fixtures/enrol.ts';
import { device, ISSUED_AT, T0 } from '../server/fixtures/network.ts';
import { injectTransport, TestApi } from '../server/fixtures/test-api.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch } from './app-fetch.ts';
import { appSession, deviceStore } from './app-session.ts';
import { jsonResponse } from './fake-fetch.ts';

/** A cable from `session`'s device to DE's COEST group, where de.anna's devices read. */
function send(session: DeviceSession) {
  return sendCable({
    session: { ...session, network: { ...session.network, serverKey: serverKeyOf(session) } },
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'ROUTINE',
      distribution: [{ org: 'DE', role: 'action' }],
      groups: ['COEST'],
    },
    content: { subject: 'Quorum', body: 'Sent under the witness quorum.' },
  });
}

const serverKeys = new WeakMap<object, Uint8Array>();
const serverKeyOf = (session: DeviceSession) => serverKeys.get(session.store) ?? new Uint8Array(32);

for (const backend of await backends()) {
  describe(`the witness quorum on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let witness: MemoryKeyStore;
    let alice: MemoryKeyStore;

    before(async () => {
      t = await startTestApp(backend, { quorum: 1 });
      witness = await deviceStore(t.network, device(t.network, 'de.registry'));
      alice = await deviceStore(t.network, device(t.network, 'fr.claire'));
      serverKeys.set(alice, t.serverSigner.publicKey);
    });
    after(async () => {
      await t?.close();
    });

    const cosign = () => witnessLog({ store: witness, fetch: appFetch(t.app), clock: fixedClock(T0) });

    test('until a witness cosigned, the directory waits and the session says the witnesses lag', async () => {
      // FR's officer: de.officer signs through t.api below, and one key in two places is a clone.
      const officer = await deviceStore(t.network, device(t.network, 'fr.officer'));
      const listing = async () =>
        (await auditEvents({ session: await appSession(officer, appFetch(t.app)), limit: 1000 })).witnessing;
      assert.equal(
        await listing(),
        'NOT_YET_WITNESSED',
        'the audit listing says its checkpoint is not witnessed',
      );
      const waiting = await appSession(alice, appFetch(t.app));
      assert.equal(waiting.witness.kind, 'WITNESSES_LAG');
      assert.equal(waiting.witnessed.epoch, 0, 'nothing is witnessed yet');
      assert.equal(waiting.directory.epoch, t.network.entries.length, 'every entry is verified and kept');
      assert.match(waiting.witness.kind === 'WITNESSES_LAG' ? waiting.witness.message : '', /witnesses/);
      await cosign();
      const witnessed = await appSession(alice, appFetch(t.app));
      assert.equal(witnessed.witness.kind, 'WITNESSED');
      assert.equal(witnessed.witnessed.epoch, t.network.entries.length);
      assert.equal(await listing(), 'WITNESSED', 'and now that it is');
    });

    test('a new device is wrapped for only once the witnesses cosigned its certificate', async () => {
      const officer = device(t.network, 'de.officer');
      const added = await enrolDevice(t.api, t.network, officer, t.network.users['de.anna']!, 'new laptop');
      const before = await appSession(alice, appFetch(t.app));
      assert.equal(before.witness.kind, 'WITNESSES_LAG');
      assert.equal(before.witnessed.device(added.id), undefined);
      await assert.rejects(
        send(before),
        (error: unknown) => error instanceof ClientError && error.code === 'WITNESSES_LAG',
        'no content key for a device the witnesses have not seen',
      );
      await cosign();
      const after = await appSession(alice, appFetch(t.app));
      assert.equal(after.witness.kind, 'WITNESSED');
      const sent = await send(after);
      const stored = await t.api.get(`/api/v1/cables/${sent.id}`, { as: added });
      assert.equal(stored.status, 200, 'the new device is wrapped for once witnessed');
    });
  });
}

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

describe('a server forking one device under a witness quorum', { skip: sqlite.skip }, () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'valise-quorum-'));
  const copies: { store: SqlStore; app: FastifyInstance; api: TestApi }[] = [];

  before(async () => {
    t = await startTestApp(sqlite, { quorum: 1 });
  });
  after(async () => {
    for (const copy of copies) {
      await copy.app.close();
      await copy.store.close();
    }
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const copyServer = async (name: string) => {
    const path = join(dir, `${name}.db`);
    assert.equal(await rawStatement(t.database, `VACUUM INTO '${path}'`), undefined);
    const store = await openSqliteStore({ path, onFatal: () => {} });
    const app = await buildApp({
      origin: 'http://valise.test',
      store,
      root: t.network.root,
      serverSigner: t.serverSigner,
      clock: t.clock,
      rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
      checkpointer: new Checkpointer({
        log: store.log,
        network: 'test',
        key: t.logKey,
        clock: t.clock,
        quorum: 1,
      }),
    });
    await app.ready();
    const copy = { store, app, api: new TestApi(injectTransport(app), t.clock) };
    copies.push(copy);
    return copy;
  };

  test('the forked device is not acted on, and the witnesses’ real checkpoint gives the fork away', async () => {
    const witness = await deviceStore(t.network, device(t.network, 'de.registry'));
    const bob = await deviceStore(t.network, device(t.network, 'cy.eva'));
    await witnessLog({ store: witness, fetch: appFetch(t.app), clock: fixedClock(T0) });
    const first = await appSession(bob, appFetch(t.app));
    assert.equal(first.witness.kind, 'WITNESSED');

    // The server forks its database: Bob alone is shown a device for de.anna.
    const fork = await copyServer('fork');
    const officer = device(t.network, 'de.officer');
    const shadow = await enrolDevice(fork.api, t.network, officer, t.network.users['de.anna']!, 'shadow');
    serverKeys.set(bob, t.serverSigner.publicKey);
    const shown = await appSession(bob, appFetch(fork.app));
    assert.ok(shown.directory.device(shadow.id), 'Bob is shown the shadow device');
    assert.equal(shown.witness.kind, 'WITNESSES_LAG');
    assert.equal(shown.witnessed.device(shadow.id), undefined);
    await assert.rejects(
      send(shown),
      (error: unknown) => error instanceof ClientError && error.code === 'WITNESSES_LAG',
      'Bob wraps no content key for the shadow device',
    );

    // The real log moves on and is cosigned; the fork borrows that checkpoint for Bob.
    await addUser(t.api, t.network, officer, {
      v: 1,
      kind: 'user',
      org: 'DE',
      user: 'de.zoe',
      name: 'Zoe',
      clearance: 'RESTREINT UE',
      role: 'member',
      groups: [],
      issuedAt: ISSUED_AT,
    });
    await witnessLog({ store: witness, fetch: appFetch(t.app), clock: fixedClock(T0) });
    // Another device than Bob's for these raw reads: Bob's own key signs with his profile's
    // request numbers, and a second counter for it would look like a clone to the watch.
    const reader = { as: device(t.network, 'fr.claire') };
    const real = (await t.api.get('/api/v1/log/checkpoint', reader)).json;
    assert.ok(real.witnessed ?? real.note?.includes('witness/DE'), JSON.stringify(real));
    const borrowed = real.witnessed ?? { size: real.size, note: real.note };
    const lying = appFetch(fork.app, async ({ url }) => {
      if (url.pathname !== '/api/v1/log/checkpoint') return undefined;
      const own = (await fork.api.get('/api/v1/log/checkpoint', reader)).json;
      return jsonResponse(200, { ...own, witnessed: borrowed });
    });
    await assert.rejects(
      appSession(bob, lying),
      (error: unknown) => error instanceof ClientError && error.code === 'LOG_FORKED',
    );
  });
});
