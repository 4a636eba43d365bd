/**
 * The in-memory directory: refuses a store that does not replay from the configured root,
 * and catches up with entries another app process wrote (a revocation is in force at once,
 * on every process). On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import type { Revocation } from '../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { buildApp } from '../../src/server/app.ts';
import { DirectoryCache } from '../../src/server/directory-cache.ts';
import type { SqlStore } from '../../src/server/store/sql-store.ts';
import { StoreError } from '../../src/server/store/store-error.ts';
import { backends } from './fixtures/backends.ts';
import { confirmedAct, secondOfficer } from './fixtures/enrol.ts';
import { device, T0 } from './fixtures/network.ts';
import { injectTransport, TestApi } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';

for (const backend of await backends()) {
  describe(`directory cache on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let second: SqlStore;
    before(async () => {
      t = await startTestApp(backend);
      second = await t.database.open();
    });
    after(async () => {
      await second?.close();
      await t?.close();
    });

    test('a store whose entries do not replay from the configured root is refused at start', async () => {
      const otherRoot = { ...t.network.root, key: (await generateSigner()).publicKey };
      await assert.rejects(DirectoryCache.open(otherRoot, second), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.code, 'CORRUPT');
        assert.match(error.message, /VALISE_ROOT_KEY/);
        return true;
      });
    });

    test('a revocation written through one app process is in force on another at once', async () => {
      const other = await buildApp({
        origin: 'http://valise.test',
        store: second,
        root: t.network.root,
        serverSigner: t.serverSigner,
        clock: t.clock,
        checkpointer: t.checkpointer,
      });
      try {
        const api2 = new TestApi(injectTransport(other), t.clock);
        const carl = device(t.network, 'de.carl');
        assert.equal((await api2.get('/api/v1/inbox', { as: carl })).status, 200);
        const revocation: Revocation = {
          v: 1,
          kind: 'revocation',
          org: 'DE',
          subject: 'device',
          id: carl.id,
          reason: 'x',
          issuedAt: T0,
        };
        const entry = await issueCertificate(revocation, t.network.orgs.DE!.signer);
        const officer = device(t.network, 'de.officer');
        const revoked = await confirmedAct(
          t.api,
          officer,
          secondOfficer(t.network, officer),
          '/api/v1/directory',
          {
            entry,
          },
        );
        assert.equal(revoked.status, 201, revoked.text);
        const refused = await api2.get('/api/v1/inbox', { as: carl });
        assert.equal(refused.status, 403);
        assert.equal(refused.json.error.code, 'DEVICE_REVOKED');
        const served = await api2.get('/api/v1/directory', { as: device(t.network, 'de.anna') });
        assert.equal(served.json.epoch, t.network.entries.length + 1);
      } finally {
        await other.close();
      }
    });
  });
}
