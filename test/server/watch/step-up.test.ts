/**
 * Which requests a device the watch stopped may still make (docs/design.md §9): a held device
 * reaches the passkey step-up that releases a browser device and nothing else; a
 * command-line device there is told it has no passkey (it stays held for an officer); a
 * suspended device reaches nothing; and nothing is released or written on the way. (A
 * browser's real passkey touch is exercised in Chromium, test/e2e/watch-page.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditRecord } from '../../../src/server/audit-event.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts } from '../fixtures/counts.ts';
import { device, T0 } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;
const PASSKEY = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  clientExtensionResults: {},
  response: { clientDataJSON: 'AA', authenticatorData: 'AA', signature: 'AA' },
};

describe('a stopped device and the passkey step-up', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite);
  });
  after(async () => {
    await t?.close();
  });

  async function stop(name: string, state: 'held' | 'suspended') {
    const target = device(t.network, name);
    await t.store.watch.setState(
      target.id,
      target.org,
      state,
      T0,
      '16 cables read in a minute (limit 15)',
      auditRecord({
        at: T0,
        type: state === 'held' ? 'watch.held' : 'watch.suspended',
        actor: { org: target.org, user: target.user, device: target.id },
        object: { kind: 'device', id: target.id, org: target.org },
        detail: {},
      }),
    );
    return target;
  }

  test('an active device has nothing to release; a command-line one has no passkey to touch', async () => {
    const anna = device(t.network, 'de.anna');
    const options = await t.api.post('/api/v1/watch/step-up/options', {}, { as: anna });
    assert.equal(options.status, 403);
    assert.equal(options.json.error.code, 'NO_PASSKEY');
  });

  test('a held device reaches the step-up routes only, and a command-line device stays held', async () => {
    const claire = await stop('fr.claire', 'held');
    const before = await actCounts(t.store);
    const inbox = await t.api.get('/api/v1/inbox', { as: claire });
    assert.equal(inbox.status, 403);
    assert.equal(inbox.json.error.code, 'DEVICE_HELD');
    for (const [path, body] of [
      ['/api/v1/watch/step-up/options', {}],
      ['/api/v1/watch/step-up', { passkey: PASSKEY }],
    ] as const) {
      const answer = await t.api.post(path, body, { as: claire });
      assert.equal(answer.status, 403, `${path}: ${answer.text}`);
      assert.equal(answer.json.error.code, 'NO_PASSKEY', path);
    }
    assert.equal((await t.store.watch.device(claire.id))?.state, 'held');
    assert.deepEqual(await actCounts(t.store), before);
  });

  test('a suspended device reaches nothing, not even the step-up', async () => {
    const dan = await stop('fr.dan', 'suspended');
    const before = await actCounts(t.store);
    for (const [path, body] of [
      ['/api/v1/watch/step-up/options', {}],
      ['/api/v1/watch/step-up', { passkey: PASSKEY }],
    ] as const) {
      const answer = await t.api.post(path, body, { as: dan });
      assert.equal(answer.status, 403, `${path}: ${answer.text}`);
      assert.equal(answer.json.error.code, 'DEVICE_SUSPENDED', path);
    }
    assert.equal((await t.store.watch.device(dan.id))?.state, 'suspended');
    assert.deepEqual(await actCounts(t.store), before);
  });
});
