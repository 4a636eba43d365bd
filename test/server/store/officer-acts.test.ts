/**
 * The held officer acts' store contract (src/server/store/officer-act-store.ts), on every
 * backend: an act is kept as posted and listed while undecided and unexpired; it has one
 * decision, whoever races for it; a confirmation is written with the act it applies, and a
 * confirmation that loses the race writes nothing, the act included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes, utf8 } from '../../../src/core/encoding/bytes.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import type { HeldActRecord } from '../../../src/server/store/officer-act-store.ts';
import type { SqlStore } from '../../../src/server/store/sql-store.ts';
import type { AuditRecord, ConfirmedAct } from '../../../src/server/store/store.ts';
import { backends, type TestDatabase } from '../fixtures/backends.ts';
import { randomId, T0 } from '../fixtures/network.ts';

const DAY = 24 * 3600;

function event(
  type: 'officer-act.held' | 'officer-act.confirmed' | 'officer-act.refused',
  id: string,
): AuditRecord {
  return auditRecord({ at: T0, type, actor: {}, object: { kind: 'officer-act', id, org: 'DE' }, detail: {} });
}

function heldAct(fields: Partial<HeldActRecord> = {}): HeldActRecord {
  return {
    id: randomId(),
    org: 'DE',
    kind: 'entry',
    device: randomId(),
    user: 'de.officer',
    subject: 'de.anna',
    body: utf8('{"entry":{}}'),
    createdAt: T0,
    expiresAt: T0 + DAY,
    ...fields,
  };
}

function confirmation(act: HeldActRecord): ConfirmedAct {
  return {
    decision: { act: act.id, outcome: 'confirmed', device: randomId(), user: 'de.officer.2', at: T0 },
    audit: event('officer-act.confirmed', act.id),
  };
}

for (const backend of await backends()) {
  describe(`held officer acts on ${backend.name}`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let store: SqlStore;
    before(async () => {
      database = await backend.create();
      store = await database.open();
    });
    after(async () => {
      await store?.close();
      await database?.destroy();
    });

    test('an act is kept as posted and listed for its organisation while undecided and unexpired', async () => {
      const act = heldAct({ body: randomBytes(300) });
      await store.officerActs.hold(act, event('officer-act.held', act.id));
      assert.deepEqual(await store.officerActs.act(act.id), { act });
      assert.deepEqual(
        (await store.officerActs.pending('DE', T0)).map((a) => a.id),
        [act.id],
      );
      assert.deepEqual(await store.officerActs.pending('FR', T0), []);
      assert.deepEqual(await store.officerActs.pending('DE', T0 + DAY), [], 'expired');
      const refused = {
        act: act.id,
        outcome: 'refused' as const,
        device: randomId(),
        user: 'de.officer.2',
        reason: 'no',
        at: T0,
      };
      assert.equal(await store.officerActs.refuse(refused, event('officer-act.refused', act.id)), true);
      assert.deepEqual((await store.officerActs.act(act.id))?.decision, refused);
      assert.deepEqual(await store.officerActs.pending('DE', T0), [], 'decided');
    });

    test('an act has one decision: a refusal after a confirmation writes nothing', async () => {
      const act = heldAct({ kind: 'invitation' });
      await store.officerActs.hold(act, event('officer-act.held', act.id));
      const invitation = {
        id: randomId(),
        org: 'DE',
        user: 'de.anna',
        secretHash: randomBytes(32),
        expiresAt: T0 + 600,
        createdAt: T0,
        createdBy: act.device,
        usedAt: undefined,
      };
      const created = auditRecord({
        at: T0,
        type: 'invitation.created',
        actor: {},
        object: { kind: 'invitation', id: invitation.id, org: 'DE' },
        detail: {},
      });
      assert.equal(await store.createInvitation(invitation, created, confirmation(act)), true);
      assert.equal((await store.officerActs.act(act.id))?.decision?.outcome, 'confirmed');
      const before = await store.counts();
      const late = { act: act.id, outcome: 'refused' as const, device: randomId(), user: 'de.x', at: T0 };
      assert.equal(await store.officerActs.refuse(late, event('officer-act.refused', act.id)), false);
      assert.deepEqual(await store.counts(), before);
    });

    test('a confirmation that loses the race rolls its act back: no entry, no event', async () => {
      const act = heldAct();
      await store.officerActs.hold(act, event('officer-act.held', act.id));
      const refused = {
        act: act.id,
        outcome: 'refused' as const,
        device: randomId(),
        user: 'de.officer.2',
        at: T0,
      };
      assert.equal(await store.officerActs.refuse(refused, event('officer-act.refused', act.id)), true);
      const before = await store.counts();
      const index = (await store.directoryEntries(0)).length;
      const row = { index, kind: 'user', org: 'DE', subject: 'de.anna', entry: utf8('{"held":1}') };
      const appended = await store.appendDirectoryEntry(
        row,
        T0,
        auditRecord({
          at: T0,
          type: 'directory.entry',
          actor: {},
          object: { kind: 'user', id: 'de.anna' },
          detail: {},
        }),
        undefined,
        confirmation(act),
      );
      assert.equal(appended, false);
      assert.deepEqual(await store.counts(), before);
      assert.equal((await store.officerActs.act(act.id))?.decision?.outcome, 'refused');
    });
  });
}
