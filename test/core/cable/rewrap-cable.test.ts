/**
 * core/cable/rewrap-cable: a cable of format 2 or later sealed at one epoch is re-wrapped for a newer
 * directory without encrypting its content again: wraps still due are kept byte for byte, a
 * device entitled since gets one, a device revoked since loses its own, and the result passes
 * the cable's checklist at the new epoch. A format-1 cable, or a sender revoked since, is
 * refused with a typed code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CableError } from '../../../src/core/cable/cable-error.ts';
import { openCable } from '../../../src/core/cable/open-cable.ts';
import { rewrapCable } from '../../../src/core/cable/rewrap-cable.ts';
import { resignCable, sealCableKeepingKey } from '../../../src/core/cable/seal-cable.ts';
import { verifySealedCable } from '../../../src/core/cable/verify-sealed-cable.ts';
import type { Revocation } from '../../../src/core/identity/certificate.ts';
import { openDirectory } from '../../../src/core/identity/directory.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { realKemKey } from '../fixtures/cable-network.ts';
import { buildNetwork, T0 } from '../fixtures/network.ts';

async function setup() {
  const net = await buildNetwork(
    {
      orgs: [{ org: 'DE' }, { org: 'FR' }],
      users: [
        { user: 'de.anna', org: 'DE', clearance: 'RESTREINT UE' },
        { user: 'fr.bruno', org: 'FR', clearance: 'RESTREINT UE' },
        { user: 'fr.claire', org: 'FR', clearance: 'RESTREINT UE' },
        { user: 'fr.late', org: 'FR', clearance: 'RESTREINT UE' },
      ],
      accreditation: 'RESTREINT UE',
    },
    realKemKey,
  );
  const one = (user: string) => net.devicesOf(user)[0]!;
  const anna = one('de.anna');
  const sealedAt = net.entries.slice(0, -2);
  const { cable, contentKey } = await sealCableKeepingKey({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'ROUTINE',
      distribution: [{ org: 'FR', role: 'info' }],
      sentAt: T0,
    },
    content: { subject: 'S', body: 'B' },
    sender: { user: anna.user, device: anna.id, signer: anna.signer },
    directory: await openDirectory(net.root, sealedAt),
    series: { serial: 1 },
  });
  const revoke = async (org: string, id: string) => {
    const body: Revocation = {
      v: 1,
      kind: 'revocation',
      org,
      subject: 'device',
      id,
      reason: 'x',
      issuedAt: T0,
    };
    return issueCertificate(body, net.orgSigners.get(org)!);
  };
  return { net, one, anna, cable, contentKey, revoke };
}

const isCode = (code: string) => (error: unknown) => error instanceof CableError && error.code === code;

describe('rewrapCable', () => {
  test('keeps the wraps still due, wraps for the device entitled since, drops the one revoked since; content unchanged', async () => {
    const { net, one, anna, cable, contentKey, revoke } = await setup();
    const claire = one('fr.claire');
    const late = one('fr.late');
    const directory = await openDirectory(net.root, [...net.entries, await revoke('FR', claire.id)]);
    assert.equal(cable.header.v, 4);
    const rewrapped = await rewrapCable({ cable, contentKey, directory, signer: anna.signer });
    assert.deepEqual(rewrapped.content, cable.content);
    assert.deepEqual(rewrapped.summary, cable.summary);
    assert.equal(rewrapped.header.epoch, directory.epoch);
    assert.ok(rewrapped.header.recipients.includes(late.id));
    assert.ok(!rewrapped.header.recipients.includes(claire.id));
    const kept = cable.wraps.find((w) => w.device === one('fr.bruno').id)!;
    assert.deepEqual(
      rewrapped.wraps.find((w) => w.device === kept.device),
      kept,
    );
    const verdict = await verifySealedCable(rewrapped, directory, { everyWrap: true });
    assert.equal(verdict.ok, true);
    const opened = await openCable(rewrapped, {
      directory,
      recipient: { device: late.id, privateKey: late.kem.privateKey as never },
    });
    assert.equal(opened.content.subject, 'S');
    // The original was wrapped for another set: the one the directory entitled when it was sealed.
    assert.notDeepEqual(cable.header.recipients, rewrapped.header.recipients);
  });

  test('a sender revoked since cannot re-wrap: DEVICE_REVOKED', async () => {
    const { net, anna, cable, contentKey, revoke } = await setup();
    const directory = await openDirectory(net.root, [...net.entries, await revoke('DE', anna.id)]);
    await assert.rejects(
      rewrapCable({ cable, contentKey, directory, signer: anna.signer }),
      isCode('DEVICE_REVOKED'),
    );
  });

  test('a format-1 cable binds its epoch and is refused: UNSUPPORTED_SUITE', async () => {
    const { net, anna, cable, contentKey } = await setup();
    // A format-1 header has no sealed summary.
    const { summaryHash: _hash, ...header } = cable.header;
    const { summary: _summary, ...rest } = cable;
    const v1 = await resignCable({ ...rest, header: { ...header, v: 1 } }, { serial: 1 }, anna.signer);
    const directory = await openDirectory(net.root, net.entries);
    await assert.rejects(
      rewrapCable({ cable: v1, contentKey, directory, signer: anna.signer }),
      isCode('UNSUPPORTED_SUITE'),
    );
    await assert.rejects(
      rewrapCable({ cable, contentKey: new Uint8Array(5), directory, signer: anna.signer }),
      isCode('MALFORMED'),
    );
  });
});
