/**
 * Registry devices as witnesses of the audit log (docs/design.md §8), against the real server on
 * every backend: they cosign checkpoints that extend the last one they cosigned; a split
 * view (two witnesses shown checkpoints of the size they cosigned with other roots), a
 * rollback and a rewritten history are all refused by every witness, each raising an alert
 * that the security officers see; a device that is not a registry device is no witness.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { witnessLog } from '../../src/client/witness-log.ts';
import { randomBytes } from '../../src/core/encoding/bytes.ts';
import { checkpoint } from '../../src/core/log/checkpoint/checkpoint.ts';
import { formatCheckpoint } from '../../src/core/log/checkpoint/format-checkpoint.ts';
import { parseCheckpoint } from '../../src/core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../../src/core/log/checkpoint/parse-note.ts';
import { signNote } from '../../src/core/log/checkpoint/sign-note.ts';
import { ed25519Signer } from '../../src/core/log/checkpoint/signer.ts';
import { verifyCosignature } from '../../src/core/log/checkpoint/verify-cosignature.ts';
import { parseLogEvent } from '../../src/core/log/log-event.ts';
import { witnessVerifiers } from '../../src/core/log/witness-keys.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { backends } from '../server/fixtures/backends.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch, type Intercepted } from './app-fetch.ts';
import { deviceStore } from './app-session.ts';
import { jsonResponse } from './fake-fetch.ts';

const WITNESSES = ['de.registry', 'fr.registry'] as const;

/** A checkpoint the server's own key signs, for any size and root it likes. */
async function forged(t: TestApp, size: number, root: Uint8Array = randomBytes(32)): Promise<string> {
  const text = formatCheckpoint(
    checkpoint({ origin: 'valise.test/log', size, rootHash: root, extensions: ['directory 1'] }),
  );
  return signNote(text, [ed25519Signer('valise.test/log', t.logKey.privateKey, t.logKey.publicKey)]);
}

async function someEvents(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.store.appendAudit(
      auditRecord({
        at: T0,
        type: 'request.refused',
        actor: {},
        object: { kind: 'request', id: 'GET /x' },
        detail: { i },
      }),
    );
  }
}

const refused = (reason: string) => (error: unknown) =>
  error instanceof ClientError && error.code === 'WITNESS_REFUSED' && error.message.startsWith(`${reason}:`);

for (const backend of await backends()) {
  describe(`witnesses of the audit log on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const stores = new Map<string, MemoryKeyStore>();
    /** What the (possibly malicious) server answers each witness, by name. */
    const lies = new Map<string, (request: Intercepted) => Promise<Response | undefined>>();

    before(async () => {
      t = await startTestApp(backend);
      for (const name of WITNESSES) stores.set(name, await deviceStore(t.network, device(t.network, name)));
    });
    after(async () => {
      await t?.close();
    });

    const run = async (name: string) => {
      const fetch = appFetch(t.app, (request) => lies.get(name)?.(request));
      return witnessLog({ store: stores.get(name)!, fetch, clock: fixedClock(T0) });
    };

    const alertsSince = async (leaf: number) =>
      (await t.store.log.leaves(leaf, await t.store.log.size()))
        .map((l) => parseLogEvent(l.event))
        .filter((e) => e.type === 'log.alert');

    test('each registry device cosigns the newest checkpoint, then one that extends it', async () => {
      for (const name of WITNESSES) {
        const first = await run(name);
        assert.equal(first.previous, null);
      }
      await someEvents(t, 7);
      for (const name of WITNESSES) {
        const next = await run(name);
        assert.ok(next.size > next.previous!, `${name} moved on`);
      }
      const latest = (await t.store.log.latestCheckpoint())!;
      const lines = await t.store.log.cosignatures([latest.size]);
      assert.equal(lines.length, 2);
      const note = latest.note + lines.map((l) => l.line).join('');
      for (const verifier of witnessVerifiers(t.network.entries, 'test')) {
        if (note.includes(verifier.name))
          assert.ok((await verifyCosignature(note, verifier)).ok, verifier.name);
      }
    });

    test('split view: both witnesses are shown checkpoints of the size they cosigned with other roots; both refuse and alert', async () => {
      const cosigned = (await t.store.log.latestCheckpoint())!;
      const mark = await t.store.log.size();
      for (const name of WITNESSES) {
        // Each witness gets its own view: same size, another root, signed by the log key.
        const note = await forged(t, cosigned.size);
        lies.set(name, async ({ url }) =>
          url.pathname === '/api/v1/log/checkpoint'
            ? jsonResponse(200, { size: cosigned.size, note })
            : undefined,
        );
      }
      for (const name of WITNESSES) await assert.rejects(run(name), refused('SPLIT_VIEW'), name);
      lies.clear();
      const alerts = await alertsSince(mark);
      assert.deepEqual(
        alerts.map((a) => [a.detail.reason, a.actor.device]),
        WITNESSES.map((name) => ['SPLIT_VIEW', device(t.network, name).id]),
      );
      // Every security officer sees them.
      const seen = await t.api.get('/api/v1/audit/events?type=log.alert&limit=1000', {
        as: device(t.network, 'cy.officer'),
      });
      assert.ok(seen.json.items.length >= 2);
      // The witnesses kept their view: the honest log is cosigned again.
      for (const name of WITNESSES) await run(name);
    });

    test('rollback: shown an older checkpoint than they cosigned, both witnesses refuse and alert', async () => {
      const older = (await t.store.log.checkpoints(-1, 1))[0]!;
      const mark = await t.store.log.size();
      for (const name of WITNESSES) {
        lies.set(name, async ({ url }) =>
          url.pathname === '/api/v1/log/checkpoint'
            ? jsonResponse(200, { size: older.size, note: older.note })
            : undefined,
        );
        await assert.rejects(run(name), refused('ROLLBACK'), name);
      }
      lies.clear();
      assert.deepEqual(
        (await alertsSince(mark)).map((a) => a.detail.reason),
        ['ROLLBACK', 'ROLLBACK'],
      );
    });

    test('a larger checkpoint that does not extend the cosigned one is refused (rewritten history)', async () => {
      const cosigned = (await t.store.log.latestCheckpoint())!;
      await someEvents(t, 3);
      const size = await t.store.log.size();
      for (const name of WITNESSES) {
        const note = await forged(t, size);
        lies.set(name, async ({ url }) =>
          url.pathname === '/api/v1/log/checkpoint' ? jsonResponse(200, { size, note }) : undefined,
        );
        await assert.rejects(run(name), refused('INCONSISTENT'), name);
      }
      lies.clear();
      assert.ok(size > cosigned.size);
    });

    test('a checkpoint not signed by the pinned log key is refused', async () => {
      const real = await t.checkpointer.checkpoint();
      const text = parseNote(real.note).text;
      const other = await (await import('../../src/core/crypto/ed25519.ts')).generateSigner();
      const note = await signNote(text, [
        ed25519Signer('valise.test/log', other.privateKey, other.publicKey),
      ]);
      lies.set('de.registry', async ({ url }) =>
        url.pathname === '/api/v1/log/checkpoint' ? jsonResponse(200, { size: real.size, note }) : undefined,
      );
      await assert.rejects(run('de.registry'), refused('BAD_SIGNATURE'));
      lies.clear();
      assert.equal(parseCheckpoint(text).size, real.size);
    });

    test('a device that is not a registry device is no witness', async () => {
      const store = await deviceStore(t.network, device(t.network, 'de.anna'));
      await assert.rejects(
        witnessLog({ store, fetch: appFetch(t.app), clock: fixedClock(T0) }),
        (error: unknown) => error instanceof ClientError && error.code === 'NOT_A_WITNESS',
      );
    });
  });
}
