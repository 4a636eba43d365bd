import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiClient } from '../../src/client/api-client.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { syncDirectory } from '../../src/client/sync-directory.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import type { OrgCertificate, SignedEntry } from '../../src/core/identity/certificate.ts';
import type { NetworkRoot } from '../../src/core/identity/directory.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { errorResponse, fakeFetch, jsonResponse } from './fake-fetch.ts';
import { type FakeLog, fakeLog } from './fake-log.ts';
import { T0, testNetwork } from './test-network.ts';

/**
 * A directory server whose answers the test changes between syncs. Its audit log is
 * rebuilt from whatever it serves (fake-log.ts), as a lying server's must be.
 */
function directoryServer(
  state: {
    root: NetworkRoot;
    entries: SignedEntry[];
    pageSize?: number;
    epoch?: number;
  },
  log: FakeLog,
) {
  return fakeFetch(async (request) => {
    const epoch = state.epoch ?? state.entries.length;
    if (request.url.pathname === '/api/v1/network') {
      return jsonResponse(200, {
        network: state.root.network,
        rootKey: toBase64url(state.root.key),
        accreditation: state.root.accreditation,
        serverKey: toBase64url(new Uint8Array(32)),
        epoch,
      });
    }
    const logged = await log.handle(request, state.entries, {
      ...(state.pageSize !== undefined ? { pageSize: state.pageSize } : {}),
      ...(state.epoch !== undefined ? { epoch: state.epoch } : {}),
    });
    return logged ?? errorResponse(404, 'NOT_FOUND', 'no such route');
  });
}

async function smallNetwork() {
  const net = await testNetwork();
  const log = await fakeLog(net.root.network);
  await net.addOrg('DE');
  await net.addUser('DE', 'de.anna', { groups: ['COEST'] });
  const anna = await net.addDevice('DE', 'de.anna');
  await net.addOrg('FR');
  await net.addUser('FR', 'fr.paul');
  return { net, anna, log };
}

function api(fetch: ReturnType<typeof fakeFetch>['fetch']) {
  return new ApiClient({ server: 'http://127.0.0.1:1', fetch, clock: fixedClock(T0) });
}

function isClientError(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('syncDirectory', () => {
  test('the first sync verifies every entry against the pinned root and keeps them', async () => {
    const { net, anna, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const { fetch } = directoryServer({ root: net.root, entries: [...net.entries] }, log);
    const directory = await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    assert.equal(directory.epoch, net.entries.length);
    assert.equal(directory.device(anna.device)?.user.user, 'de.anna');
    assert.deepEqual(await store.loadDirectory(), net.entries);
  });

  test('a later sync asks only from the last entry seen (overlapping it) and appends', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch, sent } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    const seen = net.entries.length;
    const paul = await net.addDevice('FR', 'fr.paul');
    state.entries = [...net.entries];
    const directory = await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    assert.equal(directory.epoch, seen + 1);
    assert.ok(directory.device(paul.device));
    const froms = sent
      .filter((r) => r.url.pathname === '/api/v1/directory')
      .map((r) => r.url.searchParams.get('from'));
    assert.deepEqual(froms, ['0', String(seen - 1)]);
    assert.equal((await store.loadDirectory()).length, seen + 1);
  });

  test('pages are followed until the epoch is reached', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const { fetch } = directoryServer({ root: net.root, entries: [...net.entries], pageSize: 2 }, log);
    assert.equal(
      (await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin })).epoch,
      net.entries.length,
    );
  });

  test('a directory that shrank (rollback) is refused and nothing is saved', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    state.entries = net.entries.slice(0, -2);
    await assert.rejects(
      syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin }),
      isClientError('DIRECTORY_ROLLBACK'),
    );
    assert.deepEqual(await store.loadDirectory(), net.entries);
  });

  test('a rollback hidden behind an honest-looking /network epoch is still refused', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state: { root: NetworkRoot; entries: SignedEntry[]; epoch?: number } = {
      root: net.root,
      entries: [...net.entries],
    };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    // /network claims the old epoch, /directory answers a shorter one.
    const seen = net.entries.length;
    state.entries = net.entries.slice(0, -2);
    let calls = 0;
    const lying = fakeFetch(async (request) => {
      calls++;
      const answer = await fetch(request.url.href, { method: request.method });
      if (request.url.pathname !== '/api/v1/network') return answer;
      const info = (await answer.json()) as Record<string, unknown>;
      return jsonResponse(200, { ...(info as Record<string, never>), epoch: seen });
    });
    // The audit log it must shrink with it gives it away (docs/design.md §8).
    await assert.rejects(
      syncDirectory({ api: api(lying.fetch), store, root: net.root, log: log.pin }),
      isClientError('LOG_ROLLBACK'),
    );
    assert.ok(calls >= 2);
  });

  test('a changed entry at the tip (rewritten history) is refused', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    // Same user, same org key: a valid entry, but not the one this device saw.
    const rewritten = await issueCertificate(
      {
        v: 1,
        kind: 'user',
        org: 'FR',
        user: 'fr.paul',
        name: 'Someone else',
        clearance: 'RESTREINT UE',
        role: 'member',
        groups: [],
        issuedAt: T0,
      },
      net.orgKeys.get('FR')!,
    );
    state.entries = [...net.entries.slice(0, -1), rewritten];
    // Rewriting the directory means rewriting the log: the checkpoint of the same size has
    // another root (docs/design.md §8).
    await assert.rejects(
      syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin }),
      isClientError('LOG_FORKED'),
    );
  });

  test('a full sync catches history changed anywhere, not only at the tip', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    const changed = await issueCertificate(
      {
        v: 1,
        kind: 'user',
        org: 'DE',
        user: 'de.anna',
        name: 'Anna',
        clearance: 'SECRET UE',
        role: 'registry',
        groups: [],
        issuedAt: T0,
      },
      net.orgKeys.get('DE')!,
    );
    state.entries = [...net.entries];
    state.entries[1] = changed;
    await assert.rejects(
      syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin, full: true }),
      isClientError('LOG_FORKED'),
    );
  });

  test('history changed while the log is kept: the entry seen before no longer matches (full sync)', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    await net.addUser('DE', 'de.carl');
    state.entries = [...net.entries];
    // Proven against its own log, entry 1 is served changed: the device's copy disagrees.
    const lying = fakeFetch(async (request) => {
      const served = [...net.entries];
      served[1] = net.entries[2]!;
      const logged = await log.handle(request, net.entries, { served });
      return logged ?? fetch(request.url.href, { method: request.method });
    });
    await assert.rejects(
      syncDirectory({ api: api(lying.fetch), store, root: net.root, log: log.pin, full: true }),
      (error: unknown) =>
        error instanceof ClientError && ['DIRECTORY_FORKED', 'LOG_PROOF_INVALID'].includes(error.code),
    );
  });

  test('key transparency: an entry the log does not commit is refused, and nothing is saved', async () => {
    const { net, anna, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    // The org (or a server holding its key) certifies a device, shows it to this device
    // only, and leaves the log as every other device sees it.
    const shadow = await issueCertificate(
      {
        v: 1,
        kind: 'device',
        org: 'DE',
        user: 'de.anna',
        device: toBase64url(randomBytes(16)),
        label: 'shadow',
        signingKey: anna.signer.publicKey,
        kemKey: anna.kemPublicKey,
        issuedAt: T0,
        expiresAt: T0 + 86_400,
      },
      net.orgKeys.get('DE')!,
    );
    await net.addUser('FR', 'fr.zoe');
    const logged = [...net.entries];
    const served = [...net.entries.slice(0, -1), shadow];
    const lying = fakeFetch(async (request) => {
      const answer = await log.handle(request, logged, { served });
      return answer ?? fetch(request.url.href, { method: request.method });
    });
    state.entries = logged;
    await assert.rejects(
      syncDirectory({ api: api(lying.fetch), store, root: net.root, log: log.pin }),
      isClientError('LOG_PROOF_INVALID'),
    );
    assert.equal((await store.loadDirectory()).length, net.entries.length - 1);
  });

  test('a checkpoint not signed by the pinned log key is refused', async () => {
    const { net, log } = await smallNetwork();
    const other = await fakeLog(net.root.network);
    const { fetch } = directoryServer({ root: net.root, entries: [...net.entries] }, other);
    await assert.rejects(
      syncDirectory({ api: api(fetch), store: new MemoryKeyStore(), root: net.root, log: log.pin }),
      isClientError('LOG_UNSIGNED'),
    );
  });

  test('the newest checkpoint verified is kept for the next sync', async () => {
    const { net, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    assert.ok((await store.loadCheckpoint('seen'))?.startsWith('valise.test/log\n'));
  });

  test('a server that names another root is refused before any entry is read', async () => {
    const { net, log } = await smallNetwork();
    const other = await testNetwork(net.root.network);
    await other.addOrg('DE');
    const store = new MemoryKeyStore();
    const { fetch, sent } = directoryServer({ root: other.root, entries: [...other.entries] }, log);
    await assert.rejects(
      syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin }),
      isClientError('ROOT_MISMATCH'),
    );
    assert.ok(sent.every((r) => r.url.pathname === '/api/v1/network'));
    assert.deepEqual(await store.loadDirectory(), []);
  });

  test('entries signed by a swapped root are refused even when the server names the pinned one', async () => {
    const { net, log } = await smallNetwork();
    const other = await testNetwork(net.root.network);
    await other.addOrg('DE');
    await other.addUser('DE', 'de.mallory');
    await other.addDevice('DE', 'de.mallory');
    const store = new MemoryKeyStore();
    const { fetch } = directoryServer({ root: net.root, entries: [...other.entries] }, log);
    await assert.rejects(
      syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin }),
      isClientError('DIRECTORY_INVALID'),
    );
    assert.deepEqual(await store.loadDirectory(), []);
  });

  test('a device certificate injected by the server (not signed by its org) is refused', async () => {
    const { net, anna, log } = await smallNetwork();
    const store = new MemoryKeyStore();
    const state = { root: net.root, entries: [...net.entries] };
    const { fetch } = directoryServer(state, log);
    await syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin });
    const forger = await generateSigner();
    const injected = await issueCertificate(
      {
        v: 1,
        kind: 'device',
        org: 'DE',
        user: 'de.anna',
        device: toBase64url(randomBytes(16)),
        label: 'server-made',
        signingKey: anna.signer.publicKey,
        kemKey: anna.kemPublicKey,
        issuedAt: T0,
        expiresAt: T0 + 86_400,
      },
      forger,
    );
    state.entries = [...net.entries, injected];
    await assert.rejects(
      syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin }),
      isClientError('DIRECTORY_INVALID'),
    );
    assert.equal((await store.loadDirectory()).length, net.entries.length);
  });

  test('a server that serves an older organisation certificate again, or an org-made network authority, is refused', async () => {
    const { net, log } = await smallNetwork();
    const de = net.entries.find((e) => e.body.kind === 'org' && e.body.org === 'DE')!;
    const downgrade = await issueCertificate(
      { ...(de.body as OrgCertificate), accreditation: 'UNCLASSIFIED' as const, version: 2, issuedAt: T0 },
      net.rootSigner,
    );
    const authority = await issueCertificate(
      {
        v: 1,
        kind: 'user',
        org: 'DE',
        user: 'de.authority',
        name: 'Authority',
        clearance: 'RESTREINT UE',
        role: 'network-authority',
        groups: [],
        issuedAt: T0,
      },
      net.orgKeys.get('DE')!,
    );
    for (const tail of [[downgrade, de], [authority]]) {
      const store = new MemoryKeyStore();
      const { fetch } = directoryServer({ root: net.root, entries: [...net.entries, ...tail] }, log);
      await assert.rejects(
        syncDirectory({ api: api(fetch), store, root: net.root, log: log.pin }),
        isClientError('DIRECTORY_INVALID'),
      );
      assert.deepEqual(await store.loadDirectory(), []);
    }
  });

  test('a page that does not add up to its epoch is BAD_RESPONSE', async () => {
    const { net, log } = await smallNetwork();
    const { fetch } = directoryServer(
      {
        root: net.root,
        entries: [...net.entries],
        epoch: net.entries.length + 3,
        pageSize: 100,
      },
      log,
    );
    await assert.rejects(
      syncDirectory({ api: api(fetch), store: new MemoryKeyStore(), root: net.root, log: log.pin }),
      isClientError('BAD_RESPONSE'),
    );
  });
});
