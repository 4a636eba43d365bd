/**
 * End to end over real HTTP on loopback, on every backend: a network of three
 * organisations built entirely through the API (root-signed organisations, bootstrapped
 * officers, five devices enrolled with invitations), one RESTREINT UE cable really sealed
 * for two organisations and one working group, and then: exactly the entitled devices can
 * fetch and open it; an uncleared user of a recipient organisation, a device of the third
 * organisation, and whoever holds the server's database cannot.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CableError } from '../../src/core/cable/cable-error.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import { decodeSealedCable } from '../../src/core/cable/sealed-cable.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { fromBase64url, randomBytes, toBase64url, utf8 } from '../../src/core/encoding/bytes.ts';
import type { UserCertificate } from '../../src/core/identity/certificate.ts';
import { decodeSignedEntries } from '../../src/core/identity/certificate.ts';
import type { Classification } from '../../src/core/identity/classification.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { verifyReceipt } from '../../src/server/receipt.ts';
import { backends, rawRows } from './fixtures/backends.ts';
import { addUser, enrolDevice } from './fixtures/enrol.ts';
import { ISSUED_AT, makeDevice, makeNetwork, T0, type TestDevice } from './fixtures/network.ts';
import { httpTransport, TestApi } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { cableBody, sealTestCable } from './fixtures/test-cable.ts';

function user(
  org: string,
  name: string,
  clearance: Classification,
  role: UserCertificate['role'],
  groups: string[],
): UserCertificate {
  return { v: 1, kind: 'user', org, user: name, name, clearance, role, groups, issuedAt: ISSUED_AT };
}

for (const backend of await backends()) {
  describe(`end to end over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let api: TestApi;
    const devices: Record<string, TestDevice> = {};
    const marker = `needle-${toBase64url(randomBytes(12))}`;
    let cableId = '';

    before(async () => {
      const network = await makeNetwork('RESTREINT UE');
      // Signatures name the node's origin: the address it listens on below (port 0: the one it gets).
      t = await startTestApp(backend, { network, seed: false, deps: { origin: 'http://127.0.0.1:0' } });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      assert.ok(address && typeof address === 'object');
      api = new TestApi(httpTransport(`http://127.0.0.1:${address.port}`), t.clock);
    });
    after(async () => {
      await t?.close();
    });

    test('the network authority adds three organisations and each founds its two security officers', async () => {
      const { network } = t;
      for (const org of ['DE', 'FR', 'CY']) {
        // Certified now: the organisation key founds its first two officers within a day (docs/design.md §5).
        const posted = await api.post('/api/v1/directory', {
          entry: await issueCertificate({ ...network.orgs[org]!.cert, issuedAt: T0 }, network.rootSigner),
        });
        assert.equal(posted.status, 201, posted.text);
        for (const name of [`${org.toLowerCase()}.so`, `${org.toLowerCase()}.so.2`]) {
          const officer = user(org, name, 'RESTREINT UE', 'security-officer', []);
          const certified = await api.post('/api/v1/directory', {
            entry: await issueCertificate(officer, network.orgs[org]!.signer),
          });
          assert.equal(certified.status, 201, certified.text);
          const { device, entry } = await makeDevice(officer.user, officer, network.orgs[org]!.signer);
          const founded = await api.post('/api/v1/directory', { entry });
          assert.equal(founded.status, 201, founded.text);
          devices[officer.user] = device;
        }
      }
    });

    test('officers enrol five devices with one-time invitations', async () => {
      const people = [
        user('DE', 'de.anna', 'RESTREINT UE', 'member', ['COEST']),
        user('DE', 'de.max', 'RESTREINT UE', 'member', ['COEST']),
        user('FR', 'fr.claire', 'RESTREINT UE', 'member', ['COEST']),
        user('FR', 'fr.bob', 'UNCLASSIFIED', 'member', ['COEST']),
        user('CY', 'cy.eva', 'RESTREINT UE', 'member', ['COEST']),
      ];
      // Each officer's act from the command line is confirmed by the organisation's second officer.
      const network = { ...t.network, devices };
      for (const person of people) {
        const officer = devices[`${person.org.toLowerCase()}.so`]!;
        await addUser(api, network, officer, person);
        devices[person.user] = await enrolDevice(api, network, officer, person, `${person.user} laptop`);
      }
      const listed = await api.get('/api/v1/devices', { as: devices['fr.so']! });
      assert.deepEqual(
        listed.json.items.map((d: { status: string }) => d.status),
        ['active', 'active', 'active', 'active'],
      );
    });

    test('a RESTREINT UE cable to DE and FR for COEST is sealed, accepted and receipted', async () => {
      const anna = devices['de.anna']!;
      // The client verifies the directory from the pinned root before it wraps a key (docs/design.md §4).
      const served = await api.get('/api/v1/directory', { as: anna });
      const directory = await openDirectory(
        t.network.root,
        decodeSignedEntries(served.json.entries, 'entries'),
      );
      assert.equal(directory.rejected.size, 0);
      const cable = await sealTestCable(
        directory,
        {
          sender: anna,
          classification: 'RESTREINT UE',
          distribution: [
            { org: 'DE', role: 'info' },
            { org: 'FR', role: 'action' },
          ],
          groups: ['COEST'],
          serial: 1,
        },
        { subject: 'Eastern partnership', body: `The text of the cable. ${marker}` },
      );
      const entitled = [devices['de.anna']!, devices['de.max']!, devices['fr.claire']!]
        .map((d) => d.id)
        .sort();
      assert.deepEqual([...cable.header.recipients], entitled);
      const response = await api.post('/api/v1/cables', cableBody(cable), { as: anna });
      assert.equal(response.status, 201, response.text);
      const info = await api.get('/api/v1/network');
      const r = response.json.receipt;
      const receipt = { ...r, hash: fromBase64url(r.hash)!, signature: fromBase64url(r.signature)! };
      assert.equal(await verifyReceipt(fromBase64url(info.json.serverKey)!, receipt), true);
      assert.equal(r.reference, 'DE/1/26');
      cableId = cable.header.id;
    });

    test('exactly the entitled devices can fetch and open it, and they see who signed it', async () => {
      const served = await api.get('/api/v1/directory', { as: devices['de.max']! });
      const directory = await openDirectory(
        t.network.root,
        decodeSignedEntries(served.json.entries, 'entries'),
      );
      for (const name of ['de.anna', 'de.max', 'fr.claire']) {
        const reader = devices[name]!;
        const inbox = await api.get('/api/v1/inbox', { as: reader });
        assert.deepEqual(
          inbox.json.items.map((i: { id: string }) => i.id),
          [cableId],
          name,
        );
        const fetched = await api.get(`/api/v1/cables/${cableId}`, { as: reader });
        assert.equal(fetched.status, 200, name);
        const sealed = decodeSealedCable(fetched.json.cable, 'cable');
        assert.deepEqual(
          sealed.wraps.map((w) => w.device),
          [reader.id],
        );
        const opened = await openCable(sealed, {
          directory,
          recipient: { device: reader.id, privateKey: reader.kemPrivateKey },
        });
        assert.equal(opened.content.body, `The text of the cable. ${marker}`);
        assert.equal(opened.signedBy.user.user, 'de.anna');
        assert.equal(opened.signedBy.org.org, 'DE');
      }
    });

    test('an uncleared user of a recipient org, a device of the third org and the officers cannot', async () => {
      const full = await api.get(`/api/v1/cables/${cableId}`, { as: devices['fr.claire']! });
      const served = await api.get('/api/v1/directory', { as: devices['fr.claire']! });
      const directory = await openDirectory(
        t.network.root,
        decodeSignedEntries(served.json.entries, 'entries'),
      );
      for (const name of ['fr.bob', 'cy.eva', 'de.so', 'fr.so', 'cy.so', 'de.so.2']) {
        const outsider = devices[name]!;
        assert.deepEqual((await api.get('/api/v1/inbox', { as: outsider })).json.items, [], name);
        assert.equal((await api.get(`/api/v1/cables/${cableId}`, { as: outsider })).status, 404, name);
        // Even handed the ciphertext a recipient received, it holds no key for it.
        const sealed = decodeSealedCable(full.json.cable, 'cable');
        await assert.rejects(
          openCable(sealed, {
            directory,
            recipient: { device: outsider.id, privateKey: outsider.kemPrivateKey },
          }),
          (error: unknown) => error instanceof CableError && error.code === 'NOT_A_RECIPIENT',
        );
      }
    });

    test('the server holds no readable copy: the plaintext is nowhere in its store, and no key it could make opens a wrap', async () => {
      const tables = [
        'directory_entries',
        'invitations',
        'enrolments',
        'cables',
        'wraps',
        'acks',
        'audit_events',
        'nonces',
      ];
      const needle = utf8(marker);
      const contains = (haystack: Uint8Array) => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
      for (const table of tables) {
        for (const row of await rawRows(t.database, `SELECT * FROM ${table}`)) {
          for (const value of Object.values(row)) {
            const bytes = value instanceof Uint8Array ? value : utf8(String(value));
            assert.equal(contains(bytes), false, `the plaintext is in ${table}`);
          }
        }
      }
      if (t.database.backend === 'sqlite') {
        for (const suffix of ['', '-wal']) {
          let file: Uint8Array;
          try {
            file = readFileSync(`${t.database.location}${suffix}`);
          } catch {
            continue;
          }
          assert.equal(contains(file), false, `the plaintext is in the database file${suffix}`);
        }
      }
      // An operator with the database can make keys, but a wrap is bound to its device's key.
      const full = await api.get(`/api/v1/cables/${cableId}`, { as: devices['de.anna']! });
      const sealed = decodeSealedCable(full.json.cable, 'cable');
      const served = await api.get('/api/v1/directory', { as: devices['de.anna']! });
      const directory = await openDirectory(
        t.network.root,
        decodeSignedEntries(served.json.entries, 'entries'),
      );
      const operatorKey = await XWing.generateKeyPair();
      await assert.rejects(
        openCable(sealed, {
          directory,
          recipient: { device: devices['de.anna']!.id, privateKey: operatorKey.privateKey },
        }),
        (error: unknown) => error instanceof CableError && error.code === 'WRAP_INVALID',
      );
    });
  });
}
