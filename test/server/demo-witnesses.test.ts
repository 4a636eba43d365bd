/**
 * The demo's in-process witnesses (src/server/demo-witnesses.ts), on SQLite and PostgreSQL:
 * each round they cosign the newest checkpoint, so a device of the demo acts under the witness
 * quorum without anyone starting a witness; and they refuse, and keep refusing, a log with a
 * deleted event, like the real witness.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditRecord } from '../../src/server/audit-event.ts';
import type { DemoWitnessKey } from '../../src/server/demo-network.ts';
import { DemoWitnesses } from '../../src/server/demo-witnesses.ts';
import { appFetch } from '../client/app-fetch.ts';
import { appSession, deviceStore } from '../client/app-session.ts';
import { backends, rawStatement } from './fixtures/backends.ts';
import { device, T0 } from './fixtures/network.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';

for (const backend of await backends()) {
  describe(`the demo's witnesses on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let witnesses: DemoWitnesses;
    const errors: string[] = [];

    before(async () => {
      t = await startTestApp(backend, { quorum: 2 });
      const keys: DemoWitnessKey[] = ['de.registry', 'fr.registry'].map((name) => {
        const d = device(t.network, name);
        return { org: d.org, device: d.id, signer: d.signer as DemoWitnessKey['signer'] };
      });
      witnesses = new DemoWitnesses({
        log: t.store.log,
        checkpointer: t.checkpointer,
        network: 'test',
        witnesses: keys,
        clock: t.clock,
        onError: (message) => errors.push(message),
      });
    });
    after(async () => {
      await t?.close();
    });

    const grow = () =>
      t.store.appendAudit(
        auditRecord({
          at: T0,
          type: 'request.refused',
          actor: {},
          object: { kind: 'request', id: 'GET /x' },
          detail: {},
        }),
      );

    test('each round both witnesses cosign the newest checkpoint, and a device acts under the quorum', async () => {
      const member = await deviceStore(t.network, device(t.network, 'fr.claire'));
      assert.equal((await appSession(member, appFetch(t.app))).witness.kind, 'WITNESSES_LAG');
      await witnesses.round();
      await grow();
      await witnesses.round();
      assert.deepEqual(errors, []);
      const newest = (await t.store.log.latestCheckpoint())!;
      assert.equal((await t.store.log.cosignatures([newest.size])).length, 2);
      assert.equal((await appSession(member, appFetch(t.app))).witness.kind, 'WITNESSED');
    });

    test('a deleted event is refused, and stays refused', async () => {
      await grow();
      await grow();
      const victim = (await t.store.log.size()) - 2;
      const drop =
        t.database.backend === 'sqlite'
          ? 'DROP TRIGGER IF EXISTS audit_events_no_delete'
          : 'DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events';
      for (const statement of [drop, `DELETE FROM audit_events WHERE leaf_index = ${victim}`]) {
        assert.equal(await rawStatement(t.database, statement), undefined);
      }
      await witnesses.round();
      assert.equal(errors.length, 2, errors.join('\n'));
      assert.ok(
        errors.every((e) => e.includes('MISSING_LEAF')),
        errors.join('\n'),
      );
      await witnesses.round();
      assert.equal(errors.length, 2, 'a witness that refused cosigns nothing more');
    });
  });
}
