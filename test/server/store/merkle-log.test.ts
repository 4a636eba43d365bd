/**
 * The server's Merkle log storage (docs/design.md §8), on every backend: every audit event is the
 * next leaf, its tree nodes are written in the act's own transaction, proofs read through
 * the SQL reader equal the in-memory reference's, a rolled-back act leaves no leaf, a
 * reopened store continues the same tree, concurrent appenders (PostgreSQL: two pools)
 * never fork it, and a database written before the log existed is adopted by migration.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryHashStore,
  treeRoot,
  verifyInclusion,
} from '../../../src/core/log/merkle/index.ts';
import { auditRecord, directoryEntryAudit } from '../../../src/server/audit-event.ts';
import { entryRow } from '../../../src/server/directory-cache.ts';
import { migrationProvider } from '../../../src/server/store/migrations.ts';
import type { SqlStore } from '../../../src/server/store/sql-store.ts';
import type { AuditRecord } from '../../../src/server/store/store.ts';
import { backends, rawStatement, type TestDatabase } from '../fixtures/backends.ts';
import { makeNetwork, randomId, T0 } from '../fixtures/network.ts';

function event(n: number, org = 'DE'): AuditRecord {
  return auditRecord({
    at: T0 + n,
    type: 'request.refused',
    actor: { org, device: `device-${n}` },
    object: { kind: 'request', id: 'GET /api/v1/inbox' },
    detail: { code: 'FORBIDDEN', n },
  });
}

/** The reference: the stored leaves rebuilt in memory. */
async function reference(store: SqlStore): Promise<MemoryHashStore> {
  const size = await store.log.size();
  const leaves = await store.log.leaves(0, size);
  assert.deepEqual(
    leaves.map((l) => l.index),
    [...Array(size).keys()],
    'the leaves are 0, 1, 2, … without gaps',
  );
  const memory = new MemoryHashStore();
  for (const leaf of leaves) memory.append(leafHash(leaf.event));
  return memory;
}

async function assertSameTree(store: SqlStore): Promise<number> {
  const memory = await reference(store);
  const size = memory.size;
  assert.deepEqual(await treeRoot(store.log, size), memory.root(size), 'the stored nodes give the root');
  for (const s of [1, 2, 3, Math.floor(size / 2), size - 1, size].filter((x) => x > 0 && x <= size)) {
    for (const i of [0, Math.floor(s / 3), s - 1]) {
      const proof = await inclusionProof(store.log, i, s);
      assert.deepEqual(proof, memory.inclusionProof(i, s), `inclusion ${i} in ${s}`);
      assert.ok(verifyInclusion(memory.node(0, i), i, s, proof, memory.root(s)));
    }
    if (s < size)
      assert.deepEqual(await consistencyProof(store.log, s, size), memory.consistencyProof(s, size));
  }
  return size;
}

for (const backend of await backends()) {
  describe(`Merkle log storage on ${backend.name}`, { skip: backend.skip }, () => {
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

    test('every event of every kind of write is the next leaf, and the stored tree is the leaves’ tree', async () => {
      const network = await makeNetwork();
      for (let index = 0; index < 5; index++) {
        const row = entryRow(index, network.entries[index]!);
        assert.ok(
          await store.appendDirectoryEntry(
            row,
            T0,
            directoryEntryAudit({ at: T0, actor: {}, row, action: 'issued' }),
          ),
        );
      }
      await store.createInvitation(
        {
          id: randomId(),
          org: 'DE',
          user: 'de.anna',
          secretHash: new Uint8Array(32),
          expiresAt: T0 + 60,
          createdAt: T0,
          createdBy: 'x',
          usedAt: undefined,
        },
        event(1000),
      );
      const leaves = await Promise.all(Array.from({ length: 37 }, (_, n) => store.appendAudit(event(n))));
      assert.equal(new Set(leaves).size, 37, 'each event has its own leaf');
      assert.equal(await assertSameTree(store), 43);
      const directory = await store.log.directoryLeaves(0, 43);
      assert.deepEqual(
        directory.map((d) => d.index),
        [0, 1, 2, 3, 4],
      );
      assert.deepEqual(
        directory.map((d) => d.leaf),
        [0, 1, 2, 3, 4],
      );
    });

    test('an act whose transaction fails leaves no leaf and no node, and the log goes on', async () => {
      const before = await store.log.size();
      const network = await makeNetwork();
      const row = entryRow(0, network.entries[0]!);
      // Index 0 is taken: the act fails after its event was appended in the transaction.
      assert.equal(
        await store.appendDirectoryEntry(
          row,
          T0,
          directoryEntryAudit({ at: T0, actor: {}, row, action: 'x' }),
        ),
        false,
      );
      assert.equal(await store.log.size(), before);
      await store.appendAudit(event(2000));
      assert.equal(await assertSameTree(store), before + 1);
    });

    test('a reopened store continues the same tree from its stored nodes', async () => {
      await store.close();
      store = await database.open();
      for (let n = 0; n < 21; n++) await store.appendAudit(event(3000 + n));
      const size = await assertSameTree(store);
      assert.equal(size, (await reference(store)).size);
    });

    test('the log tables refuse UPDATE and DELETE like the audit table', async () => {
      assert.ok(await rawStatement(database, 'UPDATE merkle_nodes SET idx = idx + 1000000'));
      assert.ok(await rawStatement(database, 'DELETE FROM merkle_nodes'));
      assert.ok(await rawStatement(database, 'UPDATE audit_events SET leaf_index = leaf_index + 1'));
      await assertSameTree(store);
    });

    test('two stores over one database append concurrently without forking the tree', {
      skip: backend.name === 'sqlite' ? 'one SQLite file has one writing process' : false,
    }, async () => {
      const other = await database.open();
      try {
        const before = await store.log.size();
        await Promise.all([
          ...Array.from({ length: 60 }, (_, n) => store.appendAudit(event(4000 + n))),
          ...Array.from({ length: 60 }, (_, n) => other.appendAudit(event(5000 + n, 'FR'))),
          ...Array.from({ length: 10 }, async (_, n) => {
            for (let k = 0; k < 3; k++) await other.appendAudit(event(6000 + n * 10 + k));
          }),
        ]);
        assert.equal(await assertSameTree(store), before + 150);
        assert.equal(await assertSameTree(other), before + 150);
      } finally {
        await other.close();
      }
    });
  });

  describe(`migration of a database written before the log on ${backend.name}`, {
    skip: backend.skip,
  }, () => {
    test('its events become leaves in order, each directory entry gets a committing event, the tree is built', async () => {
      const database = await backend.create();
      try {
        // biome-ignore lint/suspicious/noExplicitAny: a database at an older migration than the schema types
        type AnyDb = Kysely<any>;
        const db: AnyDb =
          database.backend === 'sqlite'
            ? new Kysely({
                dialect: new SqliteDialect({
                  database: new (await import('better-sqlite3')).default(database.location),
                }),
              })
            : new Kysely({
                dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.location }) }),
              });
        const migrator = new Migrator({ db, provider: migrationProvider(database.backend) });
        const migrated = await migrator.migrateTo('0002-passkeys-and-sessions');
        assert.equal(migrated.error, undefined);
        const network = await makeNetwork();
        for (let index = 0; index < 3; index++) {
          const row = entryRow(index, network.entries[index]!);
          await db
            .insertInto('directory_entries')
            .values({
              idx: index,
              kind: row.kind,
              org: row.org,
              subject: row.subject,
              entry: Buffer.from(row.entry),
              added_at: T0,
            })
            .execute();
          const old = event(index);
          await db
            .insertInto('audit_events')
            .values({ at: old.at, type: old.type, event: Buffer.from(old.event) })
            .execute();
        }
        await db.destroy();

        const store = await database.open();
        try {
          assert.equal(await assertSameTree(store), 6);
          const leaves = await store.log.leaves(0, 6);
          assert.deepEqual(
            leaves.map((l) => l.type),
            [
              'request.refused',
              'request.refused',
              'request.refused',
              'directory.entry',
              'directory.entry',
              'directory.entry',
            ],
          );
          const directory = await store.log.directoryLeaves(0, 6);
          assert.deepEqual(
            directory.map((d) => d.leaf),
            [3, 4, 5],
          );
          await store.appendAudit(event(99));
          assert.equal(await assertSameTree(store), 7);
          assert.ok(await rawStatement(database, 'DELETE FROM audit_events'), 'the triggers are back');
        } finally {
          await store.close();
        }
      } finally {
        await database.destroy();
      }
    });
  });
}
