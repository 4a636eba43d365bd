/**
 * `npm run bench -- audit`: what the verifiable audit log costs on the server (docs/design.md §8).
 *
 * - appends_per_s: audit events made durable through the store as the server makes them:
 *   `appendAudit` from many concurrent requests, group-committed (one transaction per batch,
 *   leaf and tree nodes included), SQLite with synchronous=FULL; PostgreSQL too when one is
 *   reachable at 127.0.0.1:5432. For comparison, one event per transaction (an act's own).
 * - inclusion_proof_us, consistency_proof_us: one proof from the SQL node reader (one query)
 *   in a 1,000,000-leaf SQLite log, verified (RFC 9162) for correctness.
 * - verify_1m_s: `valise audit verify --database` on that log: every leaf re-hashed, every
 *   stored node compared, every checkpoint checked. Its leaves are bulk-loaded directly
 *   (the append path is measured above), with a checkpoint signed every 100,000 leaves.
 *
 * It measures and prints; it asserts nothing about time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { generateSigner } from '../src/core/crypto/ed25519.ts';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../src/core/log/merkle/index.ts';
import { auditRecord } from '../src/server/audit-event.ts';
import { FixedClock } from '../src/server/clock.ts';
import { Checkpointer } from '../src/server/log/checkpointer.ts';
import { nodeHasher } from '../src/server/log/node-hasher.ts';
import { verifyStore } from '../src/server/log/verify-store.ts';
import { openPostgresStore } from '../src/server/store/open-postgres.ts';
import { openSqliteStore } from '../src/server/store/open-sqlite.ts';
import type { SqlStore } from '../src/server/store/sql-store.ts';

const APPENDS = 50_000;
/** Requests in flight at once, as a busy server has them. */
const IN_FLIGHT = 2_000;
const ONE_PER_COMMIT = 500;
const LEAVES = 1_000_000;
const STAGE = 100_000;
const PROOFS = 2_000;
const T0 = 1_772_445_600;
const POSTGRES_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

const onFatal = (error: unknown) => {
  throw error;
};

function event(n: number): ReturnType<typeof auditRecord> {
  return auditRecord({
    at: T0 + Math.floor(n / 1000),
    type: 'cable.fetched',
    actor: { org: 'DE', user: `de.user${n % 500}`, device: `device-${n % 997}` },
    object: { kind: 'cable', id: `cable-${n}`, org: 'FR' },
    detail: { reference: `FR/${n}/26` },
  });
}

/** A seeded xorshift32: the benchmark takes no randomness from the platform. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % below;
  };
}

async function appendsPerSecond(store: SqlStore, total: number, inFlight: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total) await store.appendAudit(event(next++));
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((performance.now() - started) / 1000);
}

async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `valise_bench_${Math.random().toString(36).slice(2, 10)}`;
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch {
    return undefined;
  }
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Writes leaves [from, from + count) and their tree nodes straight into the SQLite file. */
function bulkLoad(path: string, from: number, count: number, stack: Uint8Array[]): void {
  const hasher = nodeHasher();
  const db = new Sqlite(path);
  try {
    const insertEvent = db.prepare(
      'INSERT INTO audit_events (at, type, event, leaf_index, actor_org, object_org) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertNode = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let n = from; n < from + count; n++) {
        const record = event(n);
        insertEvent.run(record.at, record.type, Buffer.from(record.event), n, 'DE', 'FR');
        let hash = hasher.leaf(record.event);
        insertNode.run(0, n, hash);
        let index = n;
        let level = 0;
        while (index % 2 === 1) {
          hash = hasher.node(stack.pop()!, hash);
          level++;
          index = (index - 1) / 2;
          insertNode.run(level, index, hash);
        }
        stack.push(hash);
      }
    })();
  } finally {
    db.close();
  }
}

export async function run(log: (line: string) => void): Promise<Record<string, number | null>> {
  const dir = mkdtempSync(join(tmpdir(), 'valise-bench-audit-'));
  try {
    // --- Appends, durable, group-committed as the server does.
    const appendStore = await openSqliteStore({ path: join(dir, 'appends.db'), onFatal });
    const perCommit = await appendsPerSecond(appendStore, ONE_PER_COMMIT, 1);
    const sqliteRate = await appendsPerSecond(appendStore, APPENDS, IN_FLIGHT);
    await appendStore.close();
    log(
      `SQLite: ${sqliteRate.toFixed(0)} appends/s group-committed (${IN_FLIGHT} in flight), ${perCommit.toFixed(0)}/s one per commit`,
    );

    let postgresRate: number | null = null;
    const database = await postgresDatabase();
    if (database) {
      try {
        const store = await openPostgresStore({ connectionString: database.url, onFatal });
        postgresRate = await appendsPerSecond(store, APPENDS, IN_FLIGHT);
        await store.close();
        log(`PostgreSQL: ${postgresRate.toFixed(0)} appends/s group-committed`);
      } finally {
        await database.drop();
      }
    } else {
      log('PostgreSQL: skipped: no PostgreSQL at 127.0.0.1:5432');
    }

    // --- A 1,000,000-leaf log, checkpointed every 100,000 leaves.
    const path = join(dir, 'million.db');
    await (await openSqliteStore({ path, onFatal })).close();
    const key = await generateSigner();
    const clock = new FixedClock(T0 * 1000);
    const stack: Uint8Array[] = [];
    const loadStarted = performance.now();
    let store = await openSqliteStore({ path, onFatal });
    let checkpointer = new Checkpointer({ log: store.log, network: 'bench', key, clock });
    await checkpointer.checkpoint();
    for (let from = 0; from < LEAVES; from += STAGE) {
      bulkLoad(path, from, STAGE, stack);
      await store.close();
      store = await openSqliteStore({ path, onFatal });
      checkpointer = new Checkpointer({ log: store.log, network: 'bench', key, clock });
      await checkpointer.checkpoint();
    }
    log(
      `built a ${LEAVES}-leaf log in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s (bulk load, not measured)`,
    );

    // --- Proofs through the SQL reader.
    const size = await store.log.size();
    const root = await treeRoot(store.log, size);
    const random = generator(7);
    let verified = true;
    let started = performance.now();
    for (let i = 0; i < PROOFS; i++) {
      const index = random(size);
      const proof = await inclusionProof(store.log, index, size);
      if (i % 100 === 0) {
        const [leaf] = await store.log.leaves(index, index + 1);
        verified &&= verifyInclusion(leafHash(leaf!.event), index, size, proof, root);
      }
    }
    const inclusionUs = ((performance.now() - started) * 1000) / PROOFS;
    started = performance.now();
    const sizes: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const old = 1 + random(size - 1);
      sizes.push(old);
      await consistencyProof(store.log, old, size);
    }
    const consistencyUs = ((performance.now() - started) * 1000) / PROOFS;
    for (const old of sizes.slice(0, 20)) {
      const proof = await consistencyProof(store.log, old, size);
      verified &&= verifyConsistency(old, size, proof, await treeRoot(store.log, old), root);
    }
    log(
      `proofs in ${size} leaves: inclusion ${inclusionUs.toFixed(0)} µs, consistency ${consistencyUs.toFixed(0)} µs (all verified: ${verified})`,
    );

    // --- The whole-log audit, as `valise audit verify --database` runs it.
    const rootKey = await generateSigner();
    started = performance.now();
    const report = await verifyStore({
      store,
      root: { network: 'bench', key: rootKey.publicKey, accreditation: 'RESTREINT UE' },
      logKey: checkpointer.verifierKey,
      hasher: nodeHasher(),
    });
    const verifySeconds = (performance.now() - started) / 1000;
    log(
      `verify of ${report.leaves} leaves: ${verifySeconds.toFixed(2)} s (${report.ok ? `ok, ${report.checkpoints} checkpoints` : `FAILED: ${report.problem.code}`})`,
    );
    await store.close();
    return {
      appends_per_s: Math.round(sqliteRate),
      appends_per_s_postgres: postgresRate === null ? null : Math.round(postgresRate),
      appends_per_s_one_per_commit: Math.round(perCommit),
      inclusion_proof_us: Math.round(inclusionUs),
      consistency_proof_us: Math.round(consistencyUs),
      verify_1m_s: Number(verifySeconds.toFixed(2)),
      proofs_verified: verified ? 1 : 0,
      verify_ok: report.ok ? 1 : 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
