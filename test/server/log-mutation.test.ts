/**
 * A mutation test of the stored audit log (docs/design.md §8), on SQLite and PostgreSQL: a log of thousands of leaves
 * (appended through the store, group-committed, with checkpoints along the way and both
 * witnesses' cosignatures), then, on a fresh copy of the database each time, an attacker
 * with database access deletes, modifies, reorders, inserts or truncates at a single leaf
 * — dropping the append-only triggers as such an attacker would. In 100% of the cases:
 *
 * - `valise audit verify --database` (verifyStore) detects it and names the first bad
 *   entry, whether the attacker touched only the leaf, or also recomputed the tree's nodes;
 * - when the attacker goes all the way (leaf, nodes, and the signed checkpoints after it
 *   removed, so the server — its log key on the same disk — signs the rewritten log), the
 *   first witness refuses the new checkpoint and raises an alert quoting the checkpoint it
 *   holds, after which the server signs nothing more (INTEGRITY_FAILED) for any witness; a
 *   device that saw the log before refuses it too (`valise audit verify` through the API).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { verifyAuditLog } from '../../src/client/verify-audit-log.ts';
import { witnessLog } from '../../src/client/witness-log.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/canonical-json.ts';
import { formatVerifierKey } from '../../src/core/log/checkpoint/verifier-key.ts';
import type { AuditReport } from '../../src/core/log/log-auditor.ts';
import { parseLogEvent } from '../../src/core/log/log-event.ts';
import { appendLeafHashes, emptyCompactRange, leafHash } from '../../src/core/log/merkle/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { Checkpointer } from '../../src/server/log/checkpointer.ts';
import { nodeHasher } from '../../src/server/log/node-hasher.ts';
import { verifyStore } from '../../src/server/log/verify-store.ts';
import { openPostgresStore } from '../../src/server/store/open-postgres.ts';
import { openSqliteStore } from '../../src/server/store/open-sqlite.ts';
import type { SqlStore } from '../../src/server/store/sql-store.ts';
import { appFetch } from '../client/app-fetch.ts';
import { appSession, deviceStore } from '../client/app-session.ts';
import { type BackendName, backends, POSTGRES_ADMIN_URL, rawStatement } from './fixtures/backends.ts';
import { device, T0 } from './fixtures/network.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';

/** Leaves appended after the directory's: "a log of thousands". */
const EVENTS = 3000;
const CHECKPOINT_EVERY = 250;
const MUTATIONS = ['delete', 'modify', 'reorder', 'insert', 'truncate'] as const;
type Mutation = (typeof MUTATIONS)[number];

interface Copy {
  readonly backend: BackendName;
  readonly location: string;
  open(): Promise<SqlStore>;
  destroy(): Promise<void>;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const fail = () => {
  throw new Error('unexpected fatal store error');
};

/** A fresh copy of the (closed) base database. */
async function copyOf(backend: BackendName, location: string, n: number): Promise<Copy> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'valise-mutation-'));
    const path = join(dir, 'copy.db');
    copyFileSync(location, path);
    return {
      backend,
      location: path,
      open: () => openSqliteStore({ path, onFatal: fail }),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = new URL(location).pathname.slice(1);
  const name = `${base}_m${n}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${base}`);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  return {
    backend,
    location: url,
    open: () => openPostgresStore({ connectionString: url, onFatal: fail, poolSize: 3 }),
    destroy: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

function bytesLiteral(backend: BackendName, bytes: Uint8Array): string {
  return backend === 'sqlite' ? `X'${toHex(bytes)}'` : `'\\x${toHex(bytes)}'::bytea`;
}

async function attacker(copy: Copy, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    const error = await rawStatement(copy, statement);
    assert.equal(error, undefined, `${statement.slice(0, 120)}: ${String(error)}`);
  }
}

/** An attacker with database access: the append-only triggers go first. */
function dropTriggers(backend: BackendName): string[] {
  if (backend === 'sqlite') {
    return ['audit_events', 'merkle_nodes', 'checkpoints', 'cosignatures'].flatMap((table) => [
      `DROP TRIGGER ${table}_no_update`,
      `DROP TRIGGER ${table}_no_delete`,
    ]);
  }
  return [
    'DROP TRIGGER audit_events_no_change ON audit_events',
    'DROP TRIGGER merkle_nodes_no_change ON merkle_nodes',
    'DROP TRIGGER checkpoints_no_change ON checkpoints',
    'DROP TRIGGER cosignatures_no_change ON cosignatures',
  ];
}

/** Shifts the leaf indexes from `from` on by `by`, without tripping the unique index. */
function shift(from: number, by: number): string[] {
  return [
    `UPDATE audit_events SET leaf_index = -leaf_index - 1 WHERE leaf_index >= ${from}`,
    `UPDATE audit_events SET leaf_index = -leaf_index - 1 + ${by} WHERE leaf_index < 0`,
  ];
}

function forged(at: number): Uint8Array {
  return encodeCanonical({
    at,
    type: 'request.refused',
    actor: { org: 'FR', device: 'planted-by-the-attacker' },
    object: { kind: 'request', id: 'GET /api/v1/inbox' },
    detail: { code: 'FORBIDDEN' },
  });
}

/** The SQL of one mutation at leaf `k` of a log of `size` leaves. */
async function mutationSql(copy: Copy, store: SqlStore, mutation: Mutation, k: number): Promise<string[]> {
  const [leaf] = await store.log.leaves(k, k + 1);
  const event = parseLogEvent(leaf!.event);
  switch (mutation) {
    case 'delete':
      return [`DELETE FROM audit_events WHERE leaf_index = ${k}`, ...shift(k + 1, -1)];
    case 'modify': {
      // Who did it is rewritten: the same event, pinned on someone else.
      const changed = encodeCanonical({ ...event, actor: { org: 'CY', device: 'someone-else' } } as never);
      return [
        `UPDATE audit_events SET event = ${bytesLiteral(copy.backend, changed)} WHERE leaf_index = ${k}`,
      ];
    }
    case 'reorder':
      return [
        `UPDATE audit_events SET leaf_index = -1 WHERE leaf_index = ${k}`,
        `UPDATE audit_events SET leaf_index = ${k} WHERE leaf_index = ${k + 1}`,
        `UPDATE audit_events SET leaf_index = ${k + 1} WHERE leaf_index = -1`,
      ];
    case 'insert':
      return [
        ...shift(k, 1),
        `INSERT INTO audit_events (at, type, event, leaf_index) VALUES (${event.at}, 'request.refused', ${bytesLiteral(copy.backend, forged(event.at))}, ${k})`,
      ];
    case 'truncate':
      return [`DELETE FROM audit_events WHERE leaf_index >= ${k}`];
  }
}

/** The tree's nodes recomputed from the (mutated) leaves, as a thorough attacker would. */
async function rewriteNodes(copy: Copy, store: SqlStore): Promise<string[]> {
  const size = await store.log.size();
  const leaves = await store.log.leaves(0, size);
  const { nodes } = appendLeafHashes(
    emptyCompactRange(),
    leaves.map((l) => leafHash(l.event)),
  );
  const statements = ['DELETE FROM merkle_nodes'];
  for (let i = 0; i < nodes.length; i += 1000) {
    const values = nodes
      .slice(i, i + 1000)
      .map((n) => `(${n.level}, ${n.index}, ${bytesLiteral(copy.backend, n.hash)})`)
      .join(', ');
    statements.push(`INSERT INTO merkle_nodes (level, idx, hash) VALUES ${values}`);
  }
  return statements;
}

/**
 * The report names the first bad entry: exactly leaf `k` when the stored tree still holds
 * the original leaf hashes; when the attacker recomputed the tree, the leaves between the
 * last checkpoint that holds and the first that fails.
 */
function namesLeaf(report: AuditReport, k: number, exact: boolean): boolean {
  if (report.ok) return false;
  const { leaf, range } = report.problem;
  return leaf === k || (!exact && range !== undefined && range[0] <= k && k < range[1]);
}

for (const backend of await backends()) {
  describe(`mutation test on ${backend.name}`, { skip: backend.skip, timeout: 300_000 }, () => {
    let t: TestApp;
    let size = 0;
    let logKey = '';
    const witnesses = new Map<string, MemoryKeyStore>();
    let auditor: MemoryKeyStore;
    const copies: Copy[] = [];
    let n = 0;

    before(async () => {
      t = await startTestApp(backend);
      logKey = formatVerifierKey('valise.test/log', 0x01, t.logKey.publicKey);
      for (let round = 0; round < EVENTS / CHECKPOINT_EVERY; round++) {
        await Promise.all(
          Array.from({ length: CHECKPOINT_EVERY }, (_, i) =>
            t.store.appendAudit(
              auditRecord({
                at: T0 + round,
                type: 'request.refused',
                actor: { org: 'DE', device: `device-${i % 17}` },
                object: { kind: 'request', id: 'GET /api/v1/cables/:id' },
                detail: { code: 'NOT_FOUND', n: round * CHECKPOINT_EVERY + i },
              }),
            ),
          ),
        );
        await t.checkpointer.checkpoint();
      }
      size = await t.store.log.size();
      for (const name of ['de.registry', 'fr.registry']) {
        const store = await deviceStore(t.network, device(t.network, name));
        await witnessLog({ store, fetch: appFetch(t.app), clock: fixedClock(T0) });
        witnesses.set(name, store);
      }
      // The network authority audits once: its device keeps the newest checkpoint.
      auditor = await deviceStore(t.network, device(t.network, 'cy.authority'));
      const first = await verifyAuditLog({
        session: await appSession(auditor, appFetch(t.app)),
        hasher: nodeHasher(),
      });
      assert.ok(first.ok, JSON.stringify(first));
      await t.app.close();
      await t.store.close();
    });
    after(async () => {
      for (const copy of copies) await copy.destroy();
      await t?.database.destroy();
    });

    const fresh = async () => {
      const copy = await copyOf(backend.name, t.database.location, n++);
      copies.push(copy);
      return copy;
    };

    test('the untouched log verifies, with every checkpoint and both cosignatures', async () => {
      const copy = await fresh();
      const store = await copy.open();
      try {
        const report = await verifyStore({ store, root: t.network.root, logKey, hasher: nodeHasher() });
        assert.ok(report.ok, JSON.stringify(report));
        assert.equal(report.leaves, size);
        assert.ok(report.checkpoints >= EVENTS / CHECKPOINT_EVERY);
        assert.equal(report.cosignatures, 2);
        assert.ok(size > EVENTS);
      } finally {
        await store.close();
      }
    });

    for (const mutation of MUTATIONS) {
      test(`${mutation} at a single leaf: verify names the first bad entry, leaf alone or with the tree rewritten`, async () => {
        const positions = [0, Math.floor(size / 2) + 1, size - 2];
        const missed: string[] = [];
        for (const k of positions) {
          for (const nodes of [false, true]) {
            const copy = await fresh();
            let store = await copy.open();
            try {
              const statements = [
                ...dropTriggers(backend.name),
                ...(await mutationSql(copy, store, mutation, k)),
              ];
              await attacker(copy, statements);
              if (nodes) {
                await store.close();
                store = await copy.open();
                await attacker(copy, await rewriteNodes(copy, store));
              }
              const report = await verifyStore({ store, root: t.network.root, logKey, hasher: nodeHasher() });
              if (!namesLeaf(report, k, !nodes))
                missed.push(`k=${k} nodes=${nodes}: ${JSON.stringify(report)}`);
            } finally {
              await store.close();
            }
          }
        }
        assert.deepEqual(missed, []);
      });

      test(`${mutation} at a single leaf with the log re-signed by the server: a witness refuses and alerts, the server then signs nothing, and a device that saw the log refuses it`, async () => {
        const k = Math.floor(size / 2) + 1;
        const copy = await fresh();
        let store = await copy.open();
        try {
          await attacker(copy, [
            ...dropTriggers(backend.name),
            ...(await mutationSql(copy, store, mutation, k)),
          ]);
          await store.close();
          store = await copy.open();
          await attacker(copy, [
            ...(await rewriteNodes(copy, store)),
            // The checkpoints that would give it away go; the server signs what is left.
            `DELETE FROM cosignatures WHERE size > ${k}`,
            `DELETE FROM checkpoints WHERE size > ${k}`,
          ]);
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
            }),
          });
          try {
            const before = await store.log.size();
            // The first witness refuses and alerts, quoting the checkpoint it holds; from then
            // on the server itself signs nothing (INTEGRITY_FAILED) for any witness or device.
            const codes: string[] = [];
            for (const [name, witness] of witnesses) {
              await assert.rejects(
                witnessLog({ store: witness, fetch: appFetch(app), clock: fixedClock(T0) }),
                (error: unknown) => {
                  if (!(error instanceof ClientError)) return false;
                  codes.push(error.code);
                  return ['WITNESS_REFUSED', 'INTEGRITY_FAILED'].includes(error.code);
                },
                `${name} should refuse`,
              );
            }
            assert.equal(codes[0], 'WITNESS_REFUSED', 'the first witness refuses');
            const alerts = (await store.log.leaves(before, await store.log.size())).filter(
              (l) => l.type === 'log.alert',
            );
            assert.equal(
              alerts.length,
              codes.filter((c) => c === 'WITNESS_REFUSED').length,
              'one alert per refusing witness',
            );
            // The audit itself finds no fault in a log so thoroughly rewritten, but the
            // device that audited before holds a checkpoint the server can no longer extend.
            await assert.rejects(
              async () =>
                verifyAuditLog({ session: await appSession(auditor, appFetch(app)), hasher: nodeHasher() }),
              (error: unknown) =>
                error instanceof ClientError &&
                ['LOG_FORKED', 'LOG_ROLLBACK', 'INTEGRITY_FAILED'].includes(error.code),
            );
          } finally {
            await app.close();
          }
        } finally {
          await store.close();
        }
      });
    }
  });
}
