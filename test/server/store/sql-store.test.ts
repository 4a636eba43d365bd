/**
 * The store contract suite: the same tests on every backend (SQLite file, PostgreSQL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { randomBytes, utf8 } from '../../../src/core/encoding/bytes.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import type { SqlStore } from '../../../src/server/store/sql-store.ts';
import type { AuditRecord, EnrolmentRecord, NewCable, WrapRecord } from '../../../src/server/store/store.ts';
import { backends, rawStatement, type TestDatabase } from '../fixtures/backends.ts';
import { randomId, T0 } from '../fixtures/network.ts';

function audit(type: 'cable.accepted' | 'directory.entry' | 'cable.fetched' = 'cable.accepted'): AuditRecord {
  return auditRecord({ at: T0, type, actor: {}, object: { kind: 'test', id: randomId() }, detail: {} });
}

function newCable(fields: Partial<NewCable> & { org: string; serial: number }): NewCable {
  return {
    id: randomId(),
    year: 2026,
    prev: undefined,
    senderDevice: 'sender-device-id-00000A',
    senderUser: 'de.sender',
    distribution: [{ org: 'FR', role: 'action' }],
    header: utf8('{"test":true}'),
    signature: randomBytes(64),
    content: randomBytes(64),
    hash: randomBytes(32),
    classification: 'RESTREINT UE',
    precedence: 'ROUTINE',
    sentAt: T0,
    acceptedAt: T0,
    ...fields,
  };
}

function wraps(...devices: string[]): WrapRecord[] {
  return devices.map((device) => ({ device, enc: randomBytes(1120), key: randomBytes(48) }));
}

/** Stores a chain of `n` cables for `org` and returns their records, oldest first. */
async function chain(
  store: SqlStore,
  org: string,
  n: number,
  make: (i: number) => Partial<NewCable> = () => ({}),
  reader = 'reader',
) {
  const out: NewCable[] = [];
  for (let i = 0; i < n; i++) {
    const cable = newCable({ org, serial: i + 1, prev: out[i - 1]?.hash, ...make(i) });
    const outcome = await store.acceptCable(cable, wraps(reader, `${org}-other-${i}`), audit());
    assert.equal(outcome.kind, 'accepted');
    out.push(cable);
  }
  return out;
}

for (const backend of await backends()) {
  describe(`SqlStore on ${backend.name}`, { skip: backend.skip }, () => {
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

    test('a reopened store has run its migrations once and keeps its data', async () => {
      const row = { index: 0, kind: 'org', org: 'ZZ', subject: 'ZZ', entry: utf8('{"a":1}') };
      assert.equal(await store.appendDirectoryEntry(row, T0, audit('directory.entry')), true);
      await store.close();
      store = await database.open();
      const rows = await store.directoryEntries(0);
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.entry, row.entry);
    });

    test('a directory index is taken once; the loser writes nothing', async () => {
      const before = await store.counts();
      const row = { index: 0, kind: 'org', org: 'ZY', subject: 'ZY', entry: utf8('{"b":1}') };
      assert.equal(await store.appendDirectoryEntry(row, T0, audit('directory.entry')), false);
      assert.deepEqual(await store.counts(), before);
    });

    test('an invitation is redeemed once, even by two devices at the same moment', async () => {
      const id = randomId();
      await store.createInvitation(
        {
          id,
          org: 'DE',
          user: 'de.x',
          secretHash: randomBytes(32),
          expiresAt: T0 + 60,
          createdAt: T0,
          createdBy: 'x',
          usedAt: undefined,
        },
        audit(),
      );
      const enrol = (device: string): EnrolmentRecord => ({
        device,
        invitation: id,
        org: 'DE',
        user: 'de.x',
        label: 'laptop',
        signingKey: randomBytes(32),
        kemKey: randomBytes(1216),
        binding: randomBytes(32),
        createdAt: T0,
        status: 'pending',
      });
      const outcomes = await Promise.all([
        store.redeemInvitation(enrol(randomId()), audit()),
        store.redeemInvitation(enrol(randomId()), audit()),
      ]);
      assert.deepEqual([...outcomes].sort(), ['redeemed', 'used']);
      assert.equal((await store.enrolments('DE', 'pending')).length, 1);
      assert.notEqual((await store.invitation(id))?.usedAt, undefined);
    });

    test('a cable is stored with every wrap and its event in one transaction', async () => {
      const before = await store.counts();
      const cable = newCable({ org: 'AA', serial: 1 });
      const outcome = await store.acceptCable(cable, wraps('d1', 'd2', 'd3'), audit());
      assert.equal(outcome.kind, 'accepted');
      const after = await store.counts();
      assert.equal(after.cables, before.cables + 1);
      assert.equal(after.wraps, before.wraps + 3);
      assert.equal(after.audit_events, before.audit_events + 1);
      const stored = await store.cable(cable.id);
      assert.deepEqual(stored?.hash, cable.hash);
      assert.deepEqual((await store.wrap(stored!.seq, 'd2'))?.device, 'd2');
    });

    test('a cable is found by its reference, and only by its own', async () => {
      const cable = newCable({ org: 'AR', serial: 1 });
      assert.equal((await store.acceptCable(cable, wraps('d1'), audit())).kind, 'accepted');
      assert.equal((await store.cableByReference('AR', 2026, 1))?.id, cable.id);
      assert.equal(await store.cableByReference('AR', 2026, 2), undefined);
      assert.equal(await store.cableByReference('AR', 2025, 1), undefined);
      assert.equal(await store.cableByReference('AS', 2026, 1), undefined);
    });

    test('a cable that fails half-way leaves nothing behind', async () => {
      const before = await store.counts();
      const cable = newCable({ org: 'AB', serial: 1 });
      // The same device twice violates the wraps key after the cable row was inserted.
      await assert.rejects(store.acceptCable(cable, wraps('d1', 'd1'), audit()));
      assert.deepEqual(await store.counts(), before);
      assert.equal(await store.cable(cable.id), undefined);
    });

    test('the series rule: the next serial of the year, chained to the last cable', async () => {
      const [first] = await chain(store, 'SR', 1);
      const head = await store.seriesHead('SR', 2026);
      assert.equal(head.serial, 1);
      assert.deepEqual(head.hash, first!.hash);
      const refused = [
        newCable({ org: 'SR', serial: 1, prev: first!.hash }), // reused serial
        newCable({ org: 'SR', serial: 3, prev: first!.hash }), // gap
        newCable({ org: 'SR', serial: 2, prev: randomBytes(32) }), // wrong prev
        newCable({ org: 'SR', serial: 2 }), // prev missing
        newCable({ org: 'SR', serial: 1, year: 2025, prev: first!.hash }), // back a year
      ];
      const before = await store.counts();
      for (const cable of refused) {
        const outcome = await store.acceptCable(cable, wraps('d'), audit());
        assert.equal(outcome.kind, 'conflict');
        if (outcome.kind === 'conflict') assert.equal(outcome.head.serial, cable.year === 2026 ? 1 : 0);
      }
      assert.deepEqual(await store.counts(), before);
      // A first cable with a prev is refused too.
      assert.equal(
        (
          await store.acceptCable(
            newCable({ org: 'SN', serial: 1, prev: randomBytes(32) }),
            wraps('d'),
            audit(),
          )
        ).kind,
        'conflict',
      );
      // A new year starts at 1, chained to the last cable of the year before.
      const nextYear = newCable({ org: 'SR', serial: 1, year: 2027, prev: first!.hash });
      assert.equal((await store.acceptCable(nextYear, wraps('d'), audit())).kind, 'accepted');
      const head2027 = await store.seriesHead('SR', 2027);
      assert.equal(head2027.serial, 1);
      assert.equal((await store.seriesHead('SR', 2026)).serial, 1);
    });

    test('two cables racing for one serial: one is stored, the other is told the head', async () => {
      const [a, b] = [newCable({ org: 'RC', serial: 1 }), newCable({ org: 'RC', serial: 1 })];
      const outcomes = await Promise.all([
        store.acceptCable(a!, wraps('d'), audit()),
        store.acceptCable(b!, wraps('d'), audit()),
      ]);
      assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['accepted', 'conflict']);
      assert.equal((await store.seriesHead('RC', 2026)).serial, 1);
    });

    test('cables sent at once are each judged on its own: a bad one costs the others nothing', async () => {
      const before = await store.counts();
      const size = await store.log.size();
      const good: NewCable[] = [];
      for (let i = 0; i < 6; i++) good.push(newCable({ org: 'GC', serial: i + 1, prev: good[i - 1]?.hash }));
      const bad = newCable({ org: 'GB', serial: 1 });
      const stale = newCable({ org: 'GC', serial: 1 });
      // The bad cable's second wrap violates the wraps key after its cable row went in.
      const results = await Promise.allSettled([
        ...good.slice(0, 3).map((c) => store.acceptCable(c, wraps('r', `GC-${c.serial}`), audit())),
        store.acceptCable(bad, wraps('d1', 'd1'), audit()),
        ...good.slice(3).map((c) => store.acceptCable(c, wraps('r', `GC-${c.serial}`), audit())),
        store.acceptCable(stale, wraps('r'), audit()),
      ]);
      assert.deepEqual(
        results.map((r) => (r.status === 'fulfilled' ? r.value.kind : 'refused')),
        ['accepted', 'accepted', 'accepted', 'refused', 'accepted', 'accepted', 'accepted', 'conflict'],
      );
      assert.equal(await store.cable(bad.id), undefined);
      assert.equal(await store.cable(stale.id), undefined);
      assert.equal((await store.seriesHead('GC', 2026)).serial, 6);
      assert.equal((await store.seriesHead('GB', 2026)).serial, 0);
      const after = await store.counts();
      assert.equal(after.cables, before.cables + 6);
      assert.equal(after.wraps, before.wraps + 12);
      // One cable.accepted leaf per stored cable, in the order they were sent.
      const leaves = await store.log.leaves(size, await store.log.size());
      assert.equal(leaves.length, 6);
      assert.ok(leaves.every((leaf) => leaf.type === 'cable.accepted'));
    });

    test('cables sent at once share one durable transaction (SQLite: one BEGIN for the batch)', {
      skip: backend.name === 'sqlite' ? undefined : 'counts SQLite transactions',
    }, async () => {
      let begins = 0;
      const counted = await database.open({
        connect: (path) => {
          const connection = new Sqlite(path);
          const prepare = connection.prepare.bind(connection);
          connection.prepare = ((source: string) => {
            if (/^\s*begin/i.test(source)) begins += 1;
            return prepare(source);
          }) as typeof connection.prepare;
          return connection;
        },
      });
      try {
        const cables: NewCable[] = [];
        for (let i = 0; i < 8; i++)
          cables.push(newCable({ org: 'TX', serial: i + 1, prev: cables[i - 1]?.hash }));
        const outcomes = await Promise.all(cables.map((c) => counted.acceptCable(c, wraps('r'), audit())));
        assert.ok(outcomes.every((o) => o.kind === 'accepted'));
        // Sent in one turn of the event loop, they commit together.
        assert.equal(begins, 1, `8 cables took ${begins} transactions`);
      } finally {
        await counted.close();
      }
    });

    test('the same id again reports the stored cable instead of storing twice', async () => {
      const cable = newCable({ org: 'ID', serial: 1 });
      await store.acceptCable(cable, wraps('d'), audit());
      const before = await store.counts();
      const again = await store.acceptCable({ ...cable, serial: 2, prev: cable.hash }, wraps('d'), audit());
      assert.equal(again.kind, 'exists');
      if (again.kind === 'exists') assert.deepEqual(again.cable.hash, cable.hash);
      assert.deepEqual(await store.counts(), before);
    });

    test('the same cable sent again at its own place reports it; another id there is a conflict', async () => {
      const first = newCable({ org: 'IE', serial: 1 });
      const second = newCable({ org: 'IE', serial: 2, prev: first.hash });
      await store.acceptCable(first, wraps('d'), audit());
      await store.acceptCable(second, wraps('d'), audit());
      const before = await store.counts();
      const again = await store.acceptCable(first, wraps('d'), audit());
      assert.equal(again.kind, 'exists');
      if (again.kind === 'exists') assert.deepEqual(again.cable.hash, first.hash);
      const stale = await store.acceptCable(
        newCable({ org: 'IE', serial: 2, prev: first.hash }),
        wraps('d'),
        audit(),
      );
      assert.equal(stale.kind, 'conflict');
      if (stale.kind === 'conflict') assert.equal(stale.head.serial, 2);
      assert.deepEqual(await store.counts(), before);
    });

    test('a fetch is recorded before the content is returned, and only for a wrap holder', async () => {
      const cable = newCable({ org: 'FE', serial: 1 });
      const outcome = await store.acceptCable(cable, wraps('reader'), audit());
      assert.equal(outcome.kind, 'accepted');
      const seq = outcome.kind === 'accepted' ? outcome.seq : 0;
      const before = (await store.counts()).audit_events;
      const record = async () => {
        await store.appendAudit(audit('cable.fetched'));
      };
      assert.equal(await store.fetchCable(seq, 'stranger', record), undefined);
      assert.equal((await store.counts()).audit_events, before);
      const fetched = await store.fetchCable(seq, 'reader', record);
      assert.deepEqual(fetched?.content, cable.content);
      assert.equal(fetched?.wrap.device, 'reader');
      assert.equal((await store.counts()).audit_events, before + 1);
    });

    test('the inbox pages newest first and filters by precedence, classification, acknowledgement and time', async () => {
      const precedences = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'];
      const cables = await chain(
        store,
        'IN',
        25,
        (i) => ({
          precedence: precedences[i % 4]!,
          classification: i % 5 === 0 ? 'UNCLASSIFIED' : 'RESTREINT UE',
          acceptedAt: T0 + i,
        }),
        'inbox-reader',
      );
      const page1 = await store.inbox({ device: 'inbox-reader', org: 'FR', limit: 10 });
      assert.deepEqual(
        page1.map((r) => r.cable.id),
        cables
          .slice(-10)
          .reverse()
          .map((c) => c.id),
      );
      const page2 = await store.inbox({
        device: 'inbox-reader',
        org: 'FR',
        limit: 10,
        before: page1.at(-1)!.cable.seq,
      });
      assert.deepEqual(
        page2.map((r) => r.cable.id),
        cables
          .slice(5, 15)
          .reverse()
          .map((c) => c.id),
      );
      const flash = await store.inbox({ device: 'inbox-reader', org: 'FR', limit: 100, precedence: 'FLASH' });
      assert.deepEqual(
        flash.map((r) => r.cable.precedence),
        Array(6).fill('FLASH'),
      );
      const unclassified = await store.inbox({
        device: 'inbox-reader',
        org: 'FR',
        limit: 100,
        classification: 'UNCLASSIFIED',
      });
      assert.equal(unclassified.length, 5);
      const since = await store.inbox({ device: 'inbox-reader', org: 'FR', limit: 100, since: T0 + 20 });
      assert.equal(since.length, 5);
      // Other devices see only their own wraps.
      assert.deepEqual(
        (await store.inbox({ device: 'IN-other-3', org: 'FR', limit: 100 })).map((r) => r.cable.id),
        [cables[3]!.id],
      );
      // Acknowledged by FR: flagged for FR, filtered out of FR's unacknowledged, not for CY.
      const acked = (await store.cable(cables[24]!.id))!;
      await store.acknowledge(
        acked.seq,
        { org: 'FR', user: 'fr.u', device: 'inbox-reader', at: T0 },
        audit(),
      );
      const fr = await store.inbox({ device: 'inbox-reader', org: 'FR', limit: 2 });
      assert.deepEqual(
        fr.map((r) => r.acknowledged),
        [true, false],
      );
      const unacked = await store.inbox({
        device: 'inbox-reader',
        org: 'FR',
        limit: 100,
        unacknowledged: true,
      });
      assert.equal(unacked.length, 24);
      assert.equal(
        (await store.inbox({ device: 'inbox-reader', org: 'CY', limit: 1 }))[0]!.acknowledged,
        false,
      );
    });

    test('an organisation acknowledges once; the first acknowledgement stands', async () => {
      const [cable] = await chain(store, 'AK', 1);
      const seq = (await store.cable(cable!.id))!.seq;
      const first = await store.acknowledge(seq, { org: 'FR', user: 'fr.a', device: 'd1', at: T0 }, audit());
      const second = await store.acknowledge(
        seq,
        { org: 'FR', user: 'fr.b', device: 'd2', at: T0 + 5 },
        audit(),
      );
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.deepEqual(second.ack, first.ack);
      assert.deepEqual(await store.acks(seq), [first.ack]);
    });

    test('a nonce is accepted once until it expires', async () => {
      assert.equal(await store.consumeNonce('k', 'nonce-aaaaaaaaaaaaaaaa', T0 + 60, T0), true);
      assert.equal(await store.consumeNonce('k', 'nonce-aaaaaaaaaaaaaaaa', T0 + 60, T0 + 30), false);
      assert.equal(await store.consumeNonce('other', 'nonce-aaaaaaaaaaaaaaaa', T0 + 60, T0), true);
      assert.equal(await store.consumeNonce('k', 'nonce-aaaaaaaaaaaaaaaa', T0 + 200, T0 + 61), true);
    });

    test('nonces taken at once are each answered, and a nonce sent twice together is taken once', async () => {
      // Requests arriving together share one group commit: each still gets its own answer.
      const taken = await Promise.all([
        store.consumeNonce('k', 'nonce-together-aaaaaaa', T0 + 60, T0),
        store.consumeNonce('k', 'nonce-together-bbbbbbb', T0 + 60, T0),
        store.consumeNonce('k', 'nonce-together-aaaaaaa', T0 + 60, T0),
        store.consumeNonce('other', 'nonce-together-aaaaaaa', T0 + 60, T0),
      ]);
      assert.deepEqual(taken, [true, true, false, true]);
      assert.equal(await store.consumeNonce('k', 'nonce-together-bbbbbbb', T0 + 60, T0 + 1), false);
    });

    test("a signed request's nonce is taken with its observation, and a replay is never observed", async () => {
      const signed = (nonce: string, sequence: number) =>
        store.watch.observeSigned({
          device: 'replayed-device',
          org: 'fr',
          at: T0,
          sequence,
          origin: '192.0.2.0/24',
          events: () => [],
          nonce: { keyId: 'replayed-device', nonce, expiresAt: T0 + 60, now: T0 },
        });
      // Together, in one group commit: the second copy of a nonce is refused, not observed.
      const [first, copy, next] = await Promise.all([
        signed('nonce-signed-aaaaaaaaa', 1),
        signed('nonce-signed-aaaaaaaaa', 1),
        signed('nonce-signed-bbbbbbbbb', 2),
      ]);
      assert.deepEqual(first, { taken: true, outcome: { allowed: true } });
      assert.deepEqual(copy, { taken: false });
      assert.deepEqual(next, { taken: true, outcome: { allowed: true } });
      // Later, alone: still a replay, and sequence 1 seen again must not read as a clone.
      assert.deepEqual(await signed('nonce-signed-aaaaaaaaa', 1), { taken: false });
      assert.equal((await store.watch.device('replayed-device'))?.state, 'active');
      // The nonce is the one request verification uses: taken here, refused there.
      assert.equal(await store.consumeNonce('replayed-device', 'nonce-signed-bbbbbbbbb', T0 + 60, T0), false);
      // A fresh nonce reusing a seen number is observed, and is a clone.
      const clone = await signed('nonce-signed-ccccccccc', 1);
      assert.equal(clone.taken && clone.outcome.allowed, false);
      assert.equal((await store.watch.device('replayed-device'))?.state, 'suspended');
    });

    test('a device flapping between two networks is two origins once per quiet period', async () => {
      let sequence = 0;
      const from = async (origin: string, at: number) => {
        sequence += 1;
        await store.watch.observeSigned({
          device: 'flapping-device',
          org: 'fr',
          at,
          sequence,
          origin,
          events: () => [],
          nonce: {
            keyId: 'flapping-device',
            nonce: `nonce-flapping-${sequence}-aaaaaaa`,
            expiresAt: at + 60,
            now: at,
          },
        });
      };
      const signals = async () => (await store.counts()).watch_signals;
      const before = await signals();
      const [office, mobile] = ['192.0.2.0/24', '198.51.100.0/24'];
      await from(office, T0); // home: nothing
      await from(mobile, T0 + 10); // new-origin
      await from(office, T0 + 20); // back within two minutes: two-origins
      assert.equal(await signals(), before + 2);
      // Flapping on: the same two places again, within the quiet period, signal nothing more.
      await from(mobile, T0 + 30);
      await from(office, T0 + 40);
      await from(mobile, T0 + 50);
      assert.equal(await signals(), before + 2);
      // After the quiet period (600 s since the last signal), being in both places counts again.
      await from(office, T0 + 700);
      await from(mobile, T0 + 710);
      assert.equal(await signals(), before + 3);
    });

    test('the database itself refuses to change or delete an audit event', async () => {
      await store.appendAudit(audit());
      assert.ok(await rawStatement(database, "UPDATE audit_events SET type = 'x'"));
      assert.ok(await rawStatement(database, 'DELETE FROM audit_events'));
      const events = await store.auditEvents(0, 1_000_000);
      assert.ok(events.length > 0);
      assert.ok(events.every((e) => e.type !== 'x'));
    });

    test('audit events come back in order with their canonical bytes', async () => {
      const record = audit('directory.entry');
      await store.appendAudit(record);
      const events = await store.auditEvents(0, 1_000_000);
      const last = events.at(-1)!;
      assert.deepEqual(last.event, record.event);
      assert.ok(events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq));
    });
  });
}
