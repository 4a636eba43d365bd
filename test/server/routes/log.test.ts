/**
 * The audit log's routes (docs/design.md §8) on every backend: signed checkpoints on a timer and on
 * demand, committing the directory's length; proofs that verify against them; witnesses'
 * cosignatures and alerts; the directory with inclusion proofs (key transparency); the
 * events a security officer and the network authority may read, each with its proof; and
 * authorisation refusals on record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromBase64url, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../../src/core/encoding/canonical-json.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import { cosign } from '../../../src/core/log/checkpoint/cosign.ts';
import { cosignatureVerifier, ed25519Verifier } from '../../../src/core/log/checkpoint/note-verifier.ts';
import { parseCheckpoint } from '../../../src/core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../../../src/core/log/checkpoint/parse-note.ts';
import { cosignatureSigner } from '../../../src/core/log/checkpoint/signer.ts';
import { parseVerifierKey } from '../../../src/core/log/checkpoint/verifier-key.ts';
import { verifyCosignature } from '../../../src/core/log/checkpoint/verify-cosignature.ts';
import { verifyNote } from '../../../src/core/log/checkpoint/verify-note.ts';
import { directoryEpochOf } from '../../../src/core/log/directory-extension.ts';
import { commitsDirectoryEntry } from '../../../src/core/log/directory-leaf.ts';
import { parseLogEvent } from '../../../src/core/log/log-event.ts';
import { logOrigin, witnessKeyName } from '../../../src/core/log/log-names.ts';
import {
  leafHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/log/merkle/index.ts';
import type { Timer } from '../../../src/server/log/checkpointer.ts';
import { backends } from '../fixtures/backends.ts';
import { auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device, type TestDevice } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

/** A timer the test fires by hand. */
class ManualTimer implements Timer {
  run: (() => void) | undefined;
  repeat(_ms: number, run: () => void) {
    this.run = run;
    return { stop: () => (this.run = undefined) };
  }
}

const proofOf = (hashes: string[]) => hashes.map((h) => fromBase64url(h)!);

async function witnessCosign(witness: TestDevice, note: string, at: number): Promise<string> {
  const name = witnessKeyName('test', witness.org, witness.id);
  const { privateKey } = witness.signer as unknown as { privateKey: CryptoKey };
  const signer = cosignatureSigner(name, privateKey, witness.signer.publicKey);
  return cosign(parseNote(note).text, signer, at);
}

for (const backend of await backends()) {
  describe(`the audit log's routes on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let logVerifier: ReturnType<typeof ed25519Verifier>;

    before(async () => {
      t = await startTestApp(backend);
      logVerifier = ed25519Verifier(logOrigin('test'), t.logKey.publicKey);
    });
    after(async () => {
      await t?.close();
    });

    const checkpointNow = async (as = 'de.anna') => {
      const response = await t.api.get('/api/v1/log/checkpoint', { as: device(t.network, as) });
      assert.equal(response.status, 200, response.text);
      return { size: response.json.size as number, note: response.json.note as string };
    };

    test('GET /log publishes the origin and the log verifier key, to anyone', async () => {
      const response = await t.api.get('/api/v1/log');
      assert.equal(response.status, 200);
      assert.equal(response.json.origin, 'valise.test/log');
      const key = parseVerifierKey(response.json.key);
      assert.equal(key.name, 'valise.test/log');
      assert.deepEqual(key.publicKey, t.logKey.publicKey);
    });

    test('the checkpoint covers every committed event, is signed by the log key and commits the directory length', async () => {
      const { size, note } = await checkpointNow();
      assert.deepEqual(await verifyNote(note, [logVerifier]), ['valise.test/log']);
      const checkpoint = parseCheckpoint(parseNote(note).text);
      assert.equal(checkpoint.size, size);
      assert.equal(size, await t.store.log.size());
      assert.deepEqual(checkpoint.rootHash, await treeRoot(t.store.log, size));
      assert.equal(directoryEpochOf(checkpoint), t.network.entries.length);
    });

    test('a timer signs a checkpoint when the tree grew, and none when it did not', async () => {
      const timer = new ManualTimer();
      t.checkpointer.start(timer, 1000);
      try {
        const before = (await t.store.log.latestCheckpoint())!.size;
        timer.run!();
        await t.checkpointer.checkpoint();
        assert.equal((await t.store.log.latestCheckpoint())!.size, before, 'nothing new, nothing signed');
        await t.api.get('/api/v1/devices', { as: device(t.network, 'de.anna') }); // a refusal: one event
        timer.run!();
        // The tick signs in the background: wait for it (bounded), never call checkpoint() here.
        for (let i = 0; i < 200 && (await t.store.log.latestCheckpoint())!.size === before; i++) {
          await new Promise((r) => setTimeout(r, 25));
        }
        assert.equal((await t.store.log.latestCheckpoint())!.size, before + 1);
      } finally {
        t.checkpointer.stop();
      }
    });

    test('inclusion and consistency proofs verify against signed checkpoints', async () => {
      const first = parseCheckpoint(parseNote((await checkpointNow()).note).text);
      const anna = device(t.network, 'de.anna');
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        ...(await nextPosition(t.api, anna)),
      });
      assert.equal((await t.api.post('/api/v1/cables', cableBody(cable), { as: anna })).status, 201);
      const second = parseCheckpoint(parseNote((await checkpointNow()).note).text);
      assert.ok(second.size > first.size);
      const consistency = await t.api.get(
        `/api/v1/log/proofs/consistency?from=${first.size}&to=${second.size}`,
        { as: anna },
      );
      assert.equal(consistency.status, 200, consistency.text);
      assert.ok(
        verifyConsistency(
          first.size,
          second.size,
          proofOf(consistency.json.proof),
          first.rootHash,
          second.rootHash,
        ),
      );
      const [leaf] = await t.store.log.leaves(second.size - 1, second.size);
      const inclusion = await t.api.get(
        `/api/v1/log/proofs/inclusion?index=${leaf!.index}&size=${second.size}`,
        {
          as: anna,
        },
      );
      assert.ok(
        verifyInclusion(
          leafHash(leaf!.event),
          leaf!.index,
          second.size,
          proofOf(inclusion.json.proof),
          second.rootHash,
        ),
      );
      assert.equal(parseLogEvent(leaf!.event).type, 'cable.accepted');
      for (const bad of [
        `/api/v1/log/proofs/inclusion?index=${second.size}&size=${second.size}`,
        `/api/v1/log/proofs/inclusion?index=0&size=${second.size + 1000}`,
        `/api/v1/log/proofs/consistency?from=${second.size}&to=${first.size}`,
      ]) {
        assert.equal((await t.api.get(bad, { as: anna })).status, 404, bad);
      }
    });

    test('a registry device cosigns a checkpoint with its device key; the cosignature is served with it', async () => {
      const registry = device(t.network, 'de.registry');
      const { size, note } = await checkpointNow();
      const line = await witnessCosign(registry, note, 1_772_445_600);
      const posted = await t.api.post(
        '/api/v1/log/cosignatures',
        { size, cosignature: line },
        { as: registry },
      );
      assert.equal(posted.status, 201, posted.text);
      const again = await t.api.post(
        '/api/v1/log/cosignatures',
        { size, cosignature: line },
        { as: registry },
      );
      assert.equal(again.status, 200);
      const served = await t.api.get('/api/v1/log/checkpoint', { as: registry });
      assert.ok(served.json.note.endsWith(line));
      const check = await verifyCosignature(
        served.json.note,
        cosignatureVerifier(witnessKeyName('test', 'DE', registry.id), registry.signer.publicKey),
      );
      assert.ok(check.ok);
    });

    test('a cosignature by another key, of another checkpoint, by a non-registry device, or of no checkpoint is refused', async () => {
      const registry = device(t.network, 'fr.registry');
      const { size, note } = await checkpointNow();
      const other = device(t.network, 'de.registry');
      const byOther = await witnessCosign(other, note, 1_772_445_600);
      const refused = await t.api.post(
        '/api/v1/log/cosignatures',
        { size, cosignature: byOther },
        { as: registry },
      );
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.json.error.code, 'COSIGNATURE_INVALID');
      const mine = await witnessCosign(registry, note, 1_772_445_600);
      assert.equal(
        (
          await t.api.post(
            '/api/v1/log/cosignatures',
            { size: size + 1000, cosignature: mine },
            { as: registry },
          )
        ).status,
        404,
      );
      assert.equal(
        (
          await t.api.post(
            '/api/v1/log/cosignatures',
            { size, cosignature: mine },
            { as: device(t.network, 'de.officer') },
          )
        ).status,
        403,
      );
      const future = await witnessCosign(registry, note, 1_772_445_600 + 3600);
      assert.equal(
        (await t.api.post('/api/v1/log/cosignatures', { size, cosignature: future }, { as: registry }))
          .status,
        422,
      );
    });

    test('a witness alert is an audit event every security officer sees; only witnesses raise one', async () => {
      const registry = device(t.network, 'de.registry');
      const { note } = await checkpointNow();
      const seq = await lastAuditSeq(t.store);
      const raised = await t.api.post(
        '/api/v1/log/alerts',
        { reason: 'SPLIT_VIEW', note, previous: note },
        { as: registry },
      );
      assert.equal(raised.status, 201, raised.text);
      assert.deepEqual(await auditTypesAfter(t.store, seq), ['log.alert']);
      const [alert] = await t.store.log.leaves(raised.json.leaf, raised.json.leaf + 1);
      const event = parseLogEvent(alert!.event);
      assert.equal(event.detail.reason, 'SPLIT_VIEW');
      assert.equal(event.actor.device, registry.id);
      const frOfficer = await t.api.get('/api/v1/audit/events?type=log.alert', {
        as: device(t.network, 'fr.officer'),
      });
      assert.ok(frOfficer.json.items.some((i: { leaf: number }) => i.leaf === raised.json.leaf));
      assert.equal(
        (
          await t.api.post(
            '/api/v1/log/alerts',
            { reason: 'ROLLBACK', note },
            { as: device(t.network, 'de.anna') },
          )
        ).status,
        403,
      );
    });

    test('GET /directory?size= serves the directory committed at that size, each entry with its event and proof', async () => {
      const { size, note } = await checkpointNow();
      const checkpoint = parseCheckpoint(parseNote(note).text);
      const response = await t.api.get(`/api/v1/directory?from=0&size=${size}`, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.epoch, directoryEpochOf(checkpoint));
      assert.equal(response.json.entries.length, response.json.leaves.length);
      response.json.entries.forEach((entry: unknown, index: number) => {
        const { leaf, event, proof } = response.json.leaves[index];
        const bytes = new TextEncoder().encode(event);
        assert.ok(
          commitsDirectoryEntry(parseLogEvent(bytes), index, encodeCanonical(toJsonValue(entry) as never)),
        );
        assert.ok(
          verifyInclusion(leafHash(bytes), leaf, size, proofOf(proof), checkpoint.rootHash),
          `entry ${index}`,
        );
      });
      const plain = await t.api.get('/api/v1/directory?from=3', { as: device(t.network, 'fr.claire') });
      assert.deepEqual(
        plain.json.leaves.map((l: { leaf: number }) => l.leaf),
        response.json.leaves.slice(3).map((l: { leaf: number }) => l.leaf),
      );
    });

    test('a security officer reads their organisation’s events with proofs; the authority reads all; members none', async () => {
      const officer = device(t.network, 'fr.officer');
      const page = await t.api.get('/api/v1/audit/events?limit=1000', { as: officer });
      assert.equal(page.status, 200, page.text);
      const checkpoint = parseCheckpoint(parseNote(page.json.checkpoint.note).text);
      assert.ok(page.json.items.length > 0);
      for (const item of page.json.items) {
        const bytes = new TextEncoder().encode(item.event);
        const event = parseLogEvent(bytes);
        assert.ok(
          event.actor.org === 'FR' || event.object.org === 'FR' || event.type === 'log.alert',
          `${item.event} is FR's`,
        );
        assert.ok(
          verifyInclusion(
            leafHash(bytes),
            item.leaf,
            checkpoint.size,
            proofOf(item.proof),
            checkpoint.rootHash,
          ),
        );
      }
      const all = await t.api.get('/api/v1/audit/events?limit=1000', {
        as: device(t.network, 'cy.authority'),
      });
      assert.ok(all.json.items.length > page.json.items.length);
      assert.equal(
        (await t.api.get('/api/v1/audit/events', { as: device(t.network, 'fr.claire') })).status,
        403,
      );
      assert.equal((await t.api.get('/api/v1/audit/events?org=DE', { as: officer })).status, 403);
      const paged = await t.api.get('/api/v1/audit/events?limit=2', {
        as: device(t.network, 'cy.authority'),
      });
      assert.equal(paged.json.items.length, 2);
      const next = await t.api.get(`/api/v1/audit/events?limit=2&after=${paged.json.next}`, {
        as: device(t.network, 'cy.authority'),
      });
      assert.equal(next.json.items[0].leaf, paged.json.items[1].leaf + 1);
    });

    test('leaves and checkpoints for audits: an officer gets its events and only hashes of the others', async () => {
      const officer = device(t.network, 'cy.officer');
      const leaves = await t.api.get('/api/v1/log/leaves?from=0', { as: officer });
      assert.equal(leaves.status, 200, leaves.text);
      assert.equal(leaves.json.items.length, await t.store.log.size());
      const stored = await t.store.log.leaves(0, leaves.json.items.length);
      leaves.json.items.forEach((item: { leaf: number; event?: string; hash?: string }, i: number) => {
        assert.equal(item.leaf, i);
        if (item.event !== undefined) {
          const event = parseLogEvent(new TextEncoder().encode(item.event));
          assert.ok(event.actor.org === 'CY' || event.object.org === 'CY' || event.type === 'log.alert');
        } else assert.equal(item.hash, toBase64url(leafHash(stored[i]!.event)));
      });
      const checkpoints = await t.api.get('/api/v1/log/checkpoints', { as: officer });
      assert.ok(checkpoints.json.items.length >= 3);
      for (const c of checkpoints.json.items)
        assert.deepEqual(await verifyNote(c.note, [logVerifier]), ['valise.test/log']);
      // A witness reads every leaf, but as its hash only, never an event.
      const witnessed = await t.api.get('/api/v1/log/leaves?from=0', {
        as: device(t.network, 'de.registry'),
      });
      assert.equal(witnessed.status, 200, witnessed.text);
      assert.ok(
        witnessed.json.items.every(
          (item: { event?: string; hash?: string }) => item.event === undefined && item.hash,
        ),
      );
      assert.equal((await t.api.get('/api/v1/log/leaves', { as: device(t.network, 'de.bob') })).status, 403);
    });

    test('a request refused for authorisation is on record with its actor', async () => {
      const bob = device(t.network, 'de.bob');
      const seq = await lastAuditSeq(t.store);
      assert.equal((await t.api.get('/api/v1/devices?org=DE', { as: bob })).status, 403);
      const events = (await t.store.auditEvents(seq, 100)).map((e) => parseLogEvent(e.event));
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'request.refused');
      assert.deepEqual(events[0]!.actor, { org: 'DE', user: 'de.bob', device: bob.id });
      assert.deepEqual(events[0]!.object, { kind: 'request', id: 'GET /api/v1/devices' });
      assert.equal(events[0]!.detail.code, 'FORBIDDEN');
    });
  });
}
