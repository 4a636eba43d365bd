import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FileCableArchive } from '../../src/client/cable-archive.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { listInbox } from '../../src/client/list-inbox.ts';
import { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { openSession } from '../../src/client/open-session.ts';
import { readCable } from '../../src/client/read-cable.ts';
import { CableError } from '../../src/core/cable/cable-error.ts';
import { sealCable } from '../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../src/core/cable/sealed-cable.ts';
import { encodeSealedCable, forDevice } from '../../src/core/cable/sealed-cable.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { toJsonValue } from '../../src/core/encoding/to-json.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import type { SentRequest } from './fake-fetch.ts';
import { jsonResponse } from './fake-fetch.ts';
import { fakeServer } from './fake-server.ts';
import { T0, testNetwork } from './test-network.ts';

/** The temporary folders made here, removed when the file's tests end. */
const folders: string[] = [];
after(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});
const folder = async (prefix: string) => {
  const made = await mkdtemp(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};

async function setup(serve: (cable: SealedCable, request: SentRequest) => Response | undefined) {
  const net = await testNetwork();
  await net.addOrg('DE');
  await net.addOrg('FR');
  await net.addUser('DE', 'de.anna', { groups: ['COEST'], name: 'Anna Schmidt' });
  const anna = await net.addDevice('DE', 'de.anna');
  await net.addUser('FR', 'fr.paul', { groups: ['COEST'] });
  const paul = await net.addDevice('FR', 'fr.paul');
  const cable = await sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'FLASH',
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      sentAt: T0,
    },
    content: { subject: 'Pipeline', body: 'The text.' },
    sender: { user: anna.user, device: anna.device, signer: anna.signer },
    directory: await openDirectory(net.root, net.entries),
    series: { serial: 1 },
  });
  const store = new MemoryKeyStore();
  await store.saveProfile({ server: 'http://127.0.0.1:1', network: { root: net.root }, device: paul });
  const { fetch } = fakeServer({ root: net.root, entries: net.entries }, (r) => serve(cable, r));
  const session = await openSession({ store, fetch, clock: fixedClock(T0 + 60) });
  const archive = new FileCableArchive({
    path: join(await folder('valise-read-'), 'opened.jsonl'),
    key: randomBytes(32),
  });
  return { anna, paul, cable, session, archive };
}

const inboxItem = (cable: SealedCable, changes: Record<string, unknown> = {}) => ({
  id: cable.header.id,
  reference: 'DE/1/26',
  header: toJsonValue(cable.header),
  signature: toBase64url(cable.signature),
  acknowledged: false,
  role: 'action',
  ...changes,
});

describe('readCable and listInbox', () => {
  test('a cable is opened on the device, says who signed it, and is added to the local record', async () => {
    const { session, archive, cable, anna } = await setup((c, r) =>
      r.url.pathname === `/api/v1/cables/${c.header.id}`
        ? jsonResponse(200, { cable: encodeSealedCable(forDevice(c, session.device.device)) })
        : undefined,
    );
    const read = await readCable(session, cable.header.id, archive);
    assert.equal(read.reference, 'DE/1/26');
    assert.equal(read.cable.content.body, 'The text.');
    assert.equal(read.cable.signedBy.device.device, anna.device);
    assert.equal(read.cable.signedBy.user.name, 'Anna Schmidt');
    const [record] = await archive.list();
    assert.equal(record?.subject, 'Pipeline');
    assert.equal(record?.openedAt, T0 + 60);
  });

  test('a cable the server altered fails with the CableError of the step that caught it, and is not recorded', async () => {
    const { session, archive, cable } = await setup((c, r) => {
      if (!r.url.pathname.startsWith('/api/v1/cables/')) return undefined;
      const content = new Uint8Array(c.content);
      content[0]! ^= 1;
      return jsonResponse(200, {
        cable: encodeSealedCable({ ...forDevice(c, session.device.device), content }),
      });
    });
    await assert.rejects(readCable(session, cable.header.id, archive), (error: unknown) => {
      assert.ok(error instanceof CableError);
      assert.equal(error.code, 'CIPHERTEXT_MISMATCH');
      return true;
    });
    assert.deepEqual(await archive.list(), []);
  });

  test('inbox headers are verified against the directory; a forged one is shown as unverified', async () => {
    const { session, archive, cable } = await setup((c, r) => {
      if (r.url.pathname === `/api/v1/cables/${c.header.id}`) {
        return jsonResponse(200, { cable: encodeSealedCable(forDevice(c, session.device.device)) });
      }
      if (r.url.pathname !== '/api/v1/inbox') return undefined;
      const forged = { ...(toJsonValue(c.header) as Record<string, never>), precedence: 'ROUTINE' };
      return jsonResponse(200, {
        items: [
          inboxItem(c),
          inboxItem(c, { header: forged }),
          inboxItem(c, { reference: 'DE/2/26' }),
          inboxItem(c, { signature: toBase64url(randomBytes(64)) }),
        ],
      });
    });
    const before = await listInbox(session, {}, archive);
    assert.deepEqual(
      before.items.map((i) => i.verified),
      [true, false, false, false],
    );
    assert.equal(before.items[0]!.subject, undefined, 'no subject before the cable is opened');
    await readCable(session, cable.header.id, archive);
    const after = await listInbox(session, {}, archive);
    assert.equal(after.items[0]!.subject, 'Pipeline');
    assert.equal(after.items[1]!.subject, undefined, 'an unverified header never gets a subject');
  });

  test('inbox filters are sent as the query the API documents', async () => {
    const seen: URL[] = [];
    const { session } = await setup((_c, r) => {
      if (r.url.pathname !== '/api/v1/inbox') return undefined;
      seen.push(r.url);
      return jsonResponse(200, { items: [], next: 'abc' });
    });
    const page = await listInbox(session, {
      limit: 10,
      precedence: 'FLASH',
      classification: 'RESTREINT UE',
      unacknowledged: true,
      since: T0,
      before: 'xyz',
    });
    assert.equal(page.next, 'abc');
    assert.deepEqual(Object.fromEntries(seen[0]!.searchParams), {
      limit: '10',
      before: 'xyz',
      precedence: 'FLASH',
      classification: 'RESTREINT UE',
      unacknowledged: '1',
      since: String(T0),
    });
  });

  test('with subjects asked, a format-4 cable shows its subject before opening; a swapped summary is refused, not shown', async () => {
    const asked: unknown[] = [];
    let swap: Uint8Array | undefined;
    const { session, archive, cable } = await setup((c, r) => {
      if (r.url.pathname === '/api/v1/inbox') {
        const forged = { ...(toJsonValue(c.header) as Record<string, never>), precedence: 'ROUTINE' };
        return jsonResponse(200, { items: [inboxItem(c), inboxItem(c, { header: forged })] });
      }
      if (r.url.pathname !== '/api/v1/inbox/summaries') return undefined;
      asked.push(r.json);
      const wrap = c.wraps.find((w) => w.device === session.device.device)!;
      return jsonResponse(200, {
        items: [{ id: c.header.id, summary: toBase64url(swap ?? c.summary!), wrap: toJsonValue(wrap) }],
      });
    });
    const page = await listInbox(session, {}, archive, { subjects: true });
    assert.equal(page.items[0]!.subject, 'Pipeline');
    assert.deepEqual(page.items[0]!.tags, []);
    // Only the verified header's cable was asked for, once.
    assert.deepEqual(asked, [{ ids: [cable.header.id] }]);
    assert.equal(page.items[1]!.subject, undefined);
    swap = randomBytes(cable.summary!.length);
    const swapped = await listInbox(session, {}, archive, { subjects: true });
    assert.equal(swapped.items[0]!.subject, undefined);
    assert.equal(swapped.items[0]!.subjectRefused, 'CIPHERTEXT_MISMATCH');
    // Without the option nothing is listed: no request the server would log.
    await listInbox(session, {}, archive);
    assert.equal(asked.length, 2);
  });
});
