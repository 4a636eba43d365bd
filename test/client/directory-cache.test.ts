/**
 * The device's signed record of the directory it verified (src/client/directory-cache.ts):
 * each sync resumes from it and extends it, and a record that does not check out is refused
 * and every entry verified again. The refusal is shown on a directory file with one entry's
 * signature broken: a record this device signed for it is trusted (the entry is not checked
 * again, which is the point of the record), the same record with one byte changed is not, and
 * the full replay then finds the broken entry.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiClient } from '../../src/client/api-client.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { DirectoryCache } from '../../src/client/directory-cache.ts';
import {
  chainEntries,
  EMPTY_CHAIN,
  recallVerified,
  sealDirectoryCache,
} from '../../src/client/directory-cache.ts';
import { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { syncDirectory } from '../../src/client/sync-directory.ts';
import { generateSigner, type Signer } from '../../src/core/crypto/ed25519.ts';
import { toBase64url } from '../../src/core/encoding/bytes.ts';
import type { SignedEntry } from '../../src/core/identity/certificate.ts';
import { errorResponse, fakeFetch, jsonResponse } from './fake-fetch.ts';
import { fakeLog } from './fake-log.ts';
import { T0, testNetwork } from './test-network.ts';

/** A record kept in memory, as the CLI keeps it in a file. */
function memoryCache(): DirectoryCache & { data: Uint8Array | undefined; writes: number } {
  const cache = {
    data: undefined as Uint8Array | undefined,
    writes: 0,
    read: async () => cache.data,
    write: async (data: Uint8Array) => {
      cache.data = data;
      cache.writes++;
    },
  };
  return cache;
}

async function setUp() {
  const net = await testNetwork();
  const log = await fakeLog(net.root.network);
  await net.addOrg('DE');
  await net.addUser('DE', 'de.anna', { groups: ['COEST'] });
  const anna = await net.addDevice('DE', 'de.anna');
  await net.addOrg('FR');
  await net.addUser('FR', 'fr.paul');
  await net.addDevice('FR', 'fr.paul');
  const { fetch } = fakeFetch(async (request) => {
    if (request.url.pathname === '/api/v1/network') {
      return jsonResponse(200, {
        network: net.root.network,
        rootKey: toBase64url(net.root.key),
        accreditation: net.root.accreditation,
        serverKey: toBase64url(new Uint8Array(32)),
        epoch: net.entries.length,
      });
    }
    return (await log.handle(request, net.entries)) ?? errorResponse(404, 'NOT_FOUND', 'no such route');
  });
  const api = new ApiClient({ server: 'http://127.0.0.1:1', fetch, clock: fixedClock(T0) });
  const store = new MemoryKeyStore();
  const signer = await generateSigner();
  const cache = memoryCache();
  const sync = () =>
    syncDirectory({ api, store, root: net.root, log: log.pin, cache: { file: cache, signer } });
  return { net, anna, store, signer, cache, sync };
}

/** The stored directory with entry `index`'s signature broken (its body untouched). */
function breakSignature(entries: readonly SignedEntry[], index: number): SignedEntry[] {
  return entries.map((entry, i) => {
    if (i !== index) return entry;
    const signature = Uint8Array.from(entry.signature);
    signature[7]! ^= 0x01;
    return { body: entry.body, signature };
  });
}

/** A record this device signs for `entries`, as a sync would have written it. */
function recordFor(
  signer: Signer,
  root: Parameters<typeof sealDirectoryCache>[1],
  entries: readonly SignedEntry[],
) {
  return sealDirectoryCache(signer, root, {
    epoch: entries.length,
    chain: chainEntries(EMPTY_CHAIN, entries),
    log: { size: entries.length, rootHash: new Uint8Array(32) },
  });
}

const isCode = (code: string) => (error: unknown) => error instanceof ClientError && error.code === code;

describe('the directory cache', () => {
  test('a sync writes a signed record of what it verified, and the next sync extends it to new entries', async () => {
    const { net, store, signer, cache, sync } = await setUp();
    await sync();
    const first = await recallVerified(cache.data, signer.publicKey, net.root, await store.loadDirectory());
    assert.equal(first?.epoch, net.entries.length);

    // Nothing new: the record is current and is not written again.
    await sync();
    assert.equal(cache.writes, 1);

    await net.addUser('FR', 'fr.claire');
    const claire = await net.addDevice('FR', 'fr.claire');
    const directory = await sync();
    assert.equal(directory.device(claire.device)?.user.user, 'fr.claire');
    const second = await recallVerified(cache.data, signer.publicKey, net.root, await store.loadDirectory());
    assert.equal(second?.epoch, net.entries.length);
    assert.deepEqual(second?.chain, chainEntries(EMPTY_CHAIN, net.entries));
  });

  test('a record signed by this device vouches for its entries: they are not verified again', async () => {
    const { net, anna, store, signer, cache, sync } = await setUp();
    await sync();
    // Entry 2 (de.anna's device) with a broken signature, and a record this device signs for it.
    const broken = breakSignature(await store.loadDirectory(), 2);
    await store.saveDirectory(broken);
    cache.data = await recordFor(signer, net.root, broken);
    const directory = await sync();
    assert.equal(directory.device(anna.device)?.user.user, 'de.anna');
  });

  test('a tampered record is refused and every entry is verified again', async () => {
    const { net, store, signer, cache, sync } = await setUp();
    await sync();
    const good = await store.loadDirectory();
    const broken = breakSignature(good, 2);
    const record = await recordFor(signer, net.root, broken);

    // One byte of the record changed (its epoch, its chain, its signature): refused, so the
    // full replay runs and finds the broken entry.
    for (const at of [20, Math.floor(record.length / 2), record.length - 5]) {
      const tampered = Uint8Array.from(record);
      tampered[at]! ^= 0x04;
      await store.saveDirectory(broken);
      cache.data = tampered;
      await assert.rejects(sync(), isCode('DIRECTORY_INVALID'), `byte ${at} changed`);
    }

    // Signed by another key: refused the same way.
    await store.saveDirectory(broken);
    cache.data = await recordFor(await generateSigner(), net.root, broken);
    await assert.rejects(sync(), isCode('DIRECTORY_INVALID'));

    // With the directory file intact, the tampered record is replaced by a good one.
    await store.saveDirectory(good);
    const tampered = Uint8Array.from(record);
    tampered[record.length - 5]! ^= 0x04;
    cache.data = tampered;
    await sync();
    assert.notDeepEqual(cache.data, tampered);
    const rebuilt = await recallVerified(cache.data, signer.publicKey, net.root, good);
    assert.equal(rebuilt?.epoch, good.length);
  });

  test('a record for other entries, another root or garbage vouches for nothing', async () => {
    const { net, store, signer, cache, sync } = await setUp();
    await sync();
    const entries = await store.loadDirectory();
    const record = cache.data!;
    assert.equal((await recallVerified(record, signer.publicKey, net.root, entries))?.epoch, entries.length);
    // The directory file changed under the record.
    assert.equal(
      await recallVerified(record, signer.publicKey, net.root, breakSignature(entries, 1)),
      undefined,
    );
    assert.equal(await recallVerified(record, signer.publicKey, net.root, entries.slice(0, -1)), undefined);
    // Another root, another device's key, no record, not JSON.
    const otherRoot = { ...net.root, key: (await generateSigner()).publicKey };
    assert.equal(await recallVerified(record, signer.publicKey, otherRoot, entries), undefined);
    assert.equal(
      await recallVerified(record, (await generateSigner()).publicKey, net.root, entries),
      undefined,
    );
    assert.equal(await recallVerified(undefined, signer.publicKey, net.root, entries), undefined);
    assert.equal(
      await recallVerified(new TextEncoder().encode('{"v":1'), signer.publicKey, net.root, entries),
      undefined,
    );
  });

  test('a record proven at a larger log than the server now shows is a rollback', async () => {
    const { net, store, signer, cache, sync } = await setUp();
    await sync();
    const entries = await store.loadDirectory();
    cache.data = await sealDirectoryCache(signer, net.root, {
      epoch: entries.length,
      chain: chainEntries(EMPTY_CHAIN, entries),
      log: { size: entries.length + 10, rootHash: new Uint8Array(32) },
    });
    await assert.rejects(sync(), isCode('LOG_ROLLBACK'));
  });
});
