/**
 * POST /directory against rollback and role escalation (docs/design.md §5): an older or equal
 * version of a certificate is refused with CERTIFICATE_OUTDATED and not stored, a re-post of
 * a known entry is idempotent (same index, no new log entry), a role is granted only by its
 * issuer, and unsigned posting is limited per source address. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import type {
  DeviceCertificate,
  OrgCertificate,
  UserCertificate,
} from '../../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { backends } from '../fixtures/backends.ts';
import { device, ISSUED_AT, makeNetwork, T0, type TestNetwork } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

function naUser(org: string, user: string): UserCertificate {
  return {
    v: 1,
    kind: 'user',
    org,
    user,
    name: user,
    clearance: 'RESTREINT UE',
    role: 'network-authority',
    groups: [],
    issuedAt: ISSUED_AT,
  };
}

for (const backend of await backends()) {
  describe(`/directory versions and issuers on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let network: TestNetwork;
    before(async () => {
      network = await makeNetwork();
      t = await startTestApp(backend, { network });
    });
    after(async () => {
      await t?.close();
    });

    const epoch = async () =>
      (await t.api.get('/api/v1/directory', { as: device(network, 'de.anna') })).json.epoch;

    test('an older organisation certificate re-posted unsigned after a downgrade is refused and not stored', async () => {
      const original = network.entries.find((e) => e.body.kind === 'org' && e.body.org === 'DE')!;
      const downgrade = await issueCertificate(
        {
          ...(original.body as OrgCertificate),
          accreditation: 'RESTREINT UE' as const,
          version: 2,
          issuedAt: T0,
        },
        network.rootSigner,
      );
      const posted = await t.api.post('/api/v1/directory', { entry: downgrade });
      assert.equal(posted.status, 201, posted.text);
      const logSize = await t.store.log.size();
      const before = await epoch();

      const rollback = await t.api.post('/api/v1/directory', { entry: original });
      assert.equal(rollback.status, 409, rollback.text);
      assert.equal(rollback.json.error.code, 'CERTIFICATE_OUTDATED');
      const equal = await issueCertificate(
        { ...(original.body as OrgCertificate), version: 2, issuedAt: T0 + 1 },
        network.rootSigner,
      );
      const sameVersion = await t.api.post('/api/v1/directory', { entry: equal });
      assert.equal(sameVersion.json.error.code, 'CERTIFICATE_OUTDATED');
      assert.equal(await epoch(), before);
      assert.equal(await t.store.log.size(), logSize);
      const served = await t.api.get(`/api/v1/directory?from=${before - 1}`, {
        as: device(network, 'de.anna'),
      });
      assert.equal(served.json.entries.at(-1).body.accreditation, 'RESTREINT UE');

      // A re-post of the entry in force is idempotent: the same index, no new entry or event.
      const again = await t.api.post('/api/v1/directory', { entry: downgrade });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.index, posted.json.index);
      assert.equal(again.json.epoch, before);
      assert.equal(await epoch(), before);
      assert.equal(await t.store.log.size(), logSize);
    });

    test('a security officer cannot make a network authority, promote to one, or give one a device', async () => {
      const officer = device(network, 'de.officer');
      const de = network.orgs.DE!.signer;
      const made = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(naUser('DE', 'de.mallory'), de) },
        { as: officer },
      );
      assert.equal(made.status, 422, made.text);
      assert.equal(made.json.error.code, 'ROLE_NOT_GRANTABLE');
      const anna = network.users['de.anna']!;
      const promoted = await t.api.post(
        '/api/v1/directory',
        {
          entry: await issueCertificate(
            { ...anna, role: 'network-authority' as const, version: 2, issuedAt: T0 },
            de,
          ),
        },
        { as: officer },
      );
      assert.equal(promoted.json.error.code, 'ROLE_NOT_GRANTABLE');
      const cyOfficer = device(network, 'cy.officer');
      const authorityDevice: DeviceCertificate = {
        ...device(network, 'cy.eva').cert,
        user: 'cy.authority',
        device: 'AAAAAAAAAAAAAAAAAAAAAA',
      };
      const grafted = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(authorityDevice, network.orgs.CY!.signer) },
        { as: cyOfficer },
      );
      assert.equal(grafted.json.error.code, 'ROLE_NOT_GRANTABLE');
      const users = await t.api.get('/api/v1/directory', { as: officer });
      assert.ok(!users.json.entries.some((e: { body: { user?: string } }) => e.body.user === 'de.mallory'));
      // The root grants it, and such an entry may be posted unsigned like the root's others.
      const granted = await t.api.post('/api/v1/directory', {
        entry: await issueCertificate(naUser('DE', 'de.authority'), network.rootSigner),
      });
      assert.equal(granted.status, 201, granted.text);
    });
  });

  describe(`unsigned directory posts on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let network: TestNetwork;
    before(async () => {
      network = await makeNetwork();
      t = await startTestApp(backend, {
        network,
        deps: { unsignedRateLimit: { capacity: 3, refillPerSecond: 0.001 } },
      });
    });
    after(async () => {
      await t?.close();
    });

    test('are limited per source address; signed requests are not affected', async () => {
      const orgs = await Promise.all(
        ['AT', 'BE', 'BG', 'CZ'].map(async (org) => {
          const key = await generateSigner();
          const cert: OrgCertificate = {
            v: 1,
            kind: 'org',
            network: 'test',
            org,
            name: org,
            accreditation: 'RESTREINT UE',
            key: key.publicKey,
            issuedAt: ISSUED_AT,
          };
          return issueCertificate(cert, network.rootSigner);
        }),
      );
      const statuses: number[] = [];
      for (const entry of orgs) statuses.push((await t.api.post('/api/v1/directory', { entry })).status);
      assert.deepEqual(statuses, [201, 201, 201, 429]);
      const signed = await t.api.post(
        '/api/v1/directory',
        { entry: orgs[3]! },
        { as: device(network, 'de.anna') },
      );
      assert.equal(signed.status, 201, signed.text);
    });
  });
}
