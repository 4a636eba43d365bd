/**
 * The server never logs bodies, signatures or secrets: a full exchange (enrolment with its
 * secret, a signed cable, a fetch) is run with the logger at its most verbose, and the log
 * must contain none of them.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { backends } from './fixtures/backends.ts';
import { invite, newDeviceKeys, secondOfficer } from './fixtures/enrol.ts';
import { device, T0 } from './fixtures/network.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

describe('logging', () => {
  let t: TestApp;
  let log = '';
  before(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        log += chunk;
        done();
      },
    });
    t = await startTestApp(sqlite, { deps: { logger: { level: 'trace', stream } } });
  });
  after(async () => {
    await t?.close();
  });

  test('bodies, signatures, secrets and keys stay out of the log', async () => {
    const secrets: string[] = [];
    const officer = device(t.network, 'de.officer');
    const invitation = await invite(t.api, officer, 'de.bob', T0 + 600, secondOfficer(t.network, officer));
    secrets.push(toBase64url(invitation.secret));
    const keys = await newDeviceKeys('x');
    await t.api.post('/api/v1/enrolments', {
      invitation: invitation.id,
      secret: invitation.secret,
      device: keys.id,
      label: 'x',
      signingKey: keys.signer.publicKey,
      kemKey: keys.kem.publicKey,
      binding: randomBytes(32),
    });
    secrets.push(toBase64url(keys.kem.publicKey).slice(0, 40));
    const anna = device(t.network, 'de.anna');
    const cable = await testCable(t.directory, {
      sender: anna,
      distribution: [{ org: 'FR', role: 'action' }],
      ...(await nextPosition(t.api, anna)),
    });
    await t.api.post('/api/v1/cables', cableBody(cable), {
      as: anna,
      tamper: (headers) => {
        secrets.push(headers.Signature!.slice(6, 40), headers['Content-Digest']!.slice(9, 40));
        return headers;
      },
    });
    secrets.push(toBase64url(cable.content).slice(0, 40), toBase64url(cable.signature).slice(0, 40));
    secrets.push(toBase64url(cable.wraps[0]!.enc).slice(0, 40));
    await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: device(t.network, 'fr.claire') });
    // A failing request, whose error must not echo the body either.
    const junk = toBase64url(randomBytes(24));
    secrets.push(junk);
    await t.api.post('/api/v1/invitations', { id: junk }, { as: officer });
    assert.ok(log.includes('incoming request'), 'the logger is on');
    for (const secret of secrets) assert.equal(log.includes(secret), false, `the log contains ${secret}`);
  });
});
