/**
 * The audit listing against a server that rewrites one event in its answers (docs/design.md
 * §8), played by a proxy in front of the real app: the rewritten event is marked as failed,
 * with what failed, and every other event is still listed, proven. Rewritten in the events'
 * answer only, it fails its inclusion proof and the run of leaves still rebuilds the
 * checkpoint; rewritten in the leaves' answer only, the event shown is not the leaf served,
 * and the run no longer rebuilds, which is said too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fetch } from '../../src/client/api-client.ts';
import { auditEvents } from '../../src/client/audit-events.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { backends } from '../server/fixtures/backends.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch } from './app-fetch.ts';
import { appSession, deviceStore } from './app-session.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

/** A proxy that rewrites the event at `leaf` in the answers of `path`, as a hostile server would. */
function rewriting(fetch: Fetch, path: string, leaf: number): Fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (new URL(input).pathname !== path || response.status !== 200) return response;
    const body = (await response.json()) as { items: { leaf: number; event?: string }[] };
    for (const item of body.items) {
      if (item.leaf === leaf && item.event) item.event = item.event.replace('"thief"', '"colleague"');
    }
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}

describe('the audit listing when the server rewrites one event', { skip: sqlite.skip }, () => {
  let t: TestApp;
  let officer: MemoryKeyStore;
  let victim: number;

  before(async () => {
    t = await startTestApp(sqlite);
    officer = await deviceStore(t.network, device(t.network, 'de.officer'));
    for (let i = 0; i < 5; i++) {
      await t.store.appendAudit(
        auditRecord({
          at: T0,
          type: 'cable.fetched',
          actor: { org: 'DE', user: 'de.anna', device: 'thief' },
          object: { kind: 'cable', id: `cable-${i}`, org: 'DE' },
          detail: {},
        }),
      );
    }
    victim = (await t.store.log.size()) - 3;
  });
  after(async () => {
    await t?.close();
  });

  const list = async (fetch: Fetch) =>
    auditEvents({ session: await appSession(officer, fetch), limit: 1000 });

  test('rewritten in the events answer: that row fails its proof, every other event is listed, the run rebuilds', async () => {
    const honest = await list(appFetch(t.app));
    assert.deepEqual(honest.failed, []);
    const listed = await list(rewriting(appFetch(t.app), '/api/v1/audit/events', victim));
    assert.deepEqual(listed.failed, [{ leaf: victim, failure: 'NOT_PROVEN' }]);
    assert.deepEqual(
      listed.items.map((e) => e.leaf),
      honest.items.map((e) => e.leaf).filter((leaf) => leaf !== victim),
    );
    assert.equal(listed.unproven, undefined, 'the leaves served rebuild the checkpoint');
  });

  test('rewritten in the leaves answer: the event shown is not the leaf served, and the run does not rebuild', async () => {
    const listed = await list(rewriting(appFetch(t.app), '/api/v1/log/leaves', victim));
    assert.deepEqual(listed.failed, [{ leaf: victim, failure: 'NOT_THE_LEAF' }]);
    assert.ok(!listed.items.some((e) => e.leaf === victim));
    assert.ok(
      listed.items.some((e) => e.leaf === victim - 1) && listed.items.some((e) => e.leaf === victim + 1),
    );
    assert.deepEqual(listed.unproven, listed.range);
  });
});
