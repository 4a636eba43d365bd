/**
 * core/cable/verify-sealed-cable: the one checklist of a sealed cable. It answers the first
 * failing code and never throws; opening refuses with exactly the code it answers, so the
 * server, the CLI and the browser refuse a cable for the same reason.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CableError } from '../../../src/core/cable/cable-error.ts';
import { cableHash } from '../../../src/core/cable/cable-header.ts';
import type { KemPrivateKey } from '../../../src/core/cable/key-wrap.ts';
import { openCable } from '../../../src/core/cable/open-cable.ts';
import { resignCable, sealCable } from '../../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../../src/core/cable/sealed-cable.ts';
import {
  decodeSealedCable,
  encodeSealedCable,
  forDevice,
  isDecodedSealedCable,
} from '../../../src/core/cable/sealed-cable.ts';
import { verifySealedCable } from '../../../src/core/cable/verify-sealed-cable.ts';
import type { Directory } from '../../../src/core/identity/directory.ts';
import { buildCableNetwork } from '../fixtures/cable-network.ts';
import type { FixtureDevice, FixtureNetwork } from '../fixtures/network.ts';
import { T0 } from '../fixtures/network.ts';

let net: FixtureNetwork;
let dir: Directory;
let honest: SealedCable;
const device = (user: string, n = 0): FixtureDevice => net.devicesOf(user)[n]!;

before(async () => {
  net = await buildCableNetwork();
  dir = await net.directory();
  const anna = device('de.anna');
  honest = await sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'PRIORITY',
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      sentAt: T0,
    },
    content: { subject: 'Instructions', body: 'The Council will meet on Monday.' },
    sender: { user: anna.user, device: anna.id, signer: anna.signer },
    directory: dir,
    series: { serial: 1 },
  });
});

async function codeOf(cable: unknown, directory: unknown = dir, everyWrap = false): Promise<string> {
  const verdict = await verifySealedCable(cable as SealedCable, directory as Directory, { everyWrap });
  return verdict.ok ? 'OK' : verdict.code;
}

async function openCodeOf(cable: SealedCable): Promise<string> {
  const bruno = device('fr.bruno');
  try {
    await openCable(cable, {
      directory: dir,
      recipient: { device: bruno.id, privateKey: bruno.kem.privateKey as KemPrivateKey },
    });
    return 'OK';
  } catch (error) {
    if (error instanceof CableError) return error.code;
    throw error;
  }
}

describe('verifySealedCable', () => {
  test('an honest cable verifies, naming its certified signer and its hash', async () => {
    const verdict = await verifySealedCable(honest, dir, { everyWrap: true });
    assert.ok(verdict.ok);
    assert.equal(verdict.signedBy.device.device, device('de.anna').id);
    assert.equal(verdict.signedBy.user.user, 'de.anna');
    assert.deepEqual(verdict.hash, cableHash(honest.header, honest.signature));
  });

  test('each broken check is its own first failing code, and opening refuses with the same code', async () => {
    const anna = device('de.anna');
    const flipped = (bytes: Uint8Array) => bytes.map((b, i) => (i === 0 ? b ^ 1 : b));
    const resigned = (header: Partial<SealedCable['header']>) =>
      resignCable({ ...honest, header: { ...honest.header, ...header } }, { serial: 1 }, anna.signer);
    const cases: [string, SealedCable | Promise<SealedCable>, string][] = [
      ['an unknown suite', resigned({ suite: 'valise-v9/unknown' }), 'UNSUPPORTED_SUITE'],
      ['an epoch the reader has not reached', resigned({ epoch: dir.epoch + 1 }), 'UNKNOWN_DEVICE'],
      [
        'a sender named for another person',
        resigned({ sender: { user: 'de.registry', device: anna.id } }),
        'CERTIFICATE_INVALID',
      ],
      [
        'a changed header',
        { ...honest, header: { ...honest.header, precedence: 'FLASH' } },
        'SIGNATURE_INVALID',
      ],
      ['another signature', { ...honest, signature: flipped(honest.signature) }, 'SIGNATURE_INVALID'],
      ['changed content', { ...honest, content: flipped(honest.content) }, 'CIPHERTEXT_MISMATCH'],
      [
        'a recipient left out',
        resigned({ recipients: honest.header.recipients.slice(1) }),
        'WRAPPED_SET_MISMATCH',
      ],
    ];
    for (const [what, cable, code] of cases) {
      const broken = forDevice(await cable, device('fr.bruno').id);
      assert.equal(await codeOf(broken), code, what);
      assert.equal(await openCodeOf(broken), code, `${what}: opening`);
    }
    assert.equal(await openCodeOf(forDevice(honest, device('fr.bruno').id)), 'OK');
    // A network that holds less than the cable's classification refuses it first.
    const { openDirectory } = await import('../../../src/core/identity/directory.ts');
    const capped = await openDirectory({ ...net.root, accreditation: 'UNCLASSIFIED' }, net.entries);
    assert.equal(await codeOf(honest, capped), 'CLASSIFICATION_REFUSED');
  });

  test('the wraps must be recipients; every one of them only when asked (the server holds all)', async () => {
    const one = forDevice(honest, device('fr.bruno').id);
    assert.equal(await codeOf(one), 'OK');
    assert.equal(await codeOf(one, dir, true), 'WRAPPED_SET_MISMATCH');
    assert.equal(await codeOf(honest, dir, true), 'OK');
    const stranger = { ...one.wraps[0]!, device: device('cy.dora').id };
    assert.equal(await codeOf({ ...one, wraps: [stranger] }), 'WRAPPED_SET_MISMATCH');
  });

  test('a cable the decoder built is not decoded twice; any copy of it is held to the format again', async () => {
    const decoded = decodeSealedCable(encodeSealedCable(honest), 'cable');
    assert.equal(isDecodedSealedCable(decoded), true);
    assert.equal(await codeOf(decoded, dir, true), 'OK');
    // Frozen to the bytes: nothing can be swapped in place behind the brand.
    assert.ok(
      Object.isFrozen(decoded) && Object.isFrozen(decoded.wraps) && Object.isFrozen(decoded.wraps[0]),
    );
    assert.ok(Object.isFrozen(decoded.header) && Object.isFrozen(decoded.header.recipients));
    const short = { ...decoded.wraps[0]!, enc: new Uint8Array(5) };
    const copy = { ...decoded, wraps: [short, ...decoded.wraps.slice(1)] };
    assert.equal(isDecodedSealedCable(copy), false);
    assert.equal(await codeOf(copy, dir, true), 'MALFORMED');
    assert.equal(isDecodedSealedCable(honest), false);
  });

  test('never throws: hostile cables and a missing directory are MALFORMED', async () => {
    for (const hostile of [
      null,
      undefined,
      42,
      'cable',
      {},
      [],
      { ...honest, header: null },
      { ...honest, wraps: 'x' },
    ]) {
      assert.equal(await codeOf(hostile), 'MALFORMED', JSON.stringify(hostile ?? null));
    }
    assert.equal(await codeOf(honest, {}), 'MALFORMED');
    assert.equal(await codeOf(honest, null), 'MALFORMED');
  });
});
