import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CableError } from '../../../src/core/cable/cable-error.ts';
import { cableHash } from '../../../src/core/cable/cable-header.ts';
import type { KemPrivateKey } from '../../../src/core/cable/key-wrap.ts';
import { openCable } from '../../../src/core/cable/open-cable.ts';
import type { CableDraft } from '../../../src/core/cable/seal-cable.ts';
import { resignCable, sealCable } from '../../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../../src/core/cable/sealed-cable.ts';
import { decodeSealedCable, encodeSealedCable, forDevice } from '../../../src/core/cable/sealed-cable.ts';
import type { Directory } from '../../../src/core/identity/directory.ts';
import { buildCableNetwork } from '../fixtures/cable-network.ts';
import type { FixtureDevice, FixtureNetwork } from '../fixtures/network.ts';
import { T0 } from '../fixtures/network.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);

let net: FixtureNetwork;
let dir: Directory;
const device = (user: string, n = 0): FixtureDevice => net.devicesOf(user)[n]!;
const recipient = (d: FixtureDevice) => ({ device: d.id, privateKey: d.kem.privateKey as KemPrivateKey });
const sender = (d: FixtureDevice) => ({ user: d.user, device: d.id, signer: d.signer });

const RESTREINT_TO_FR_COEST: CableDraft = {
  classification: 'RESTREINT UE',
  precedence: 'PRIORITY',
  distribution: [{ org: 'FR', role: 'action' }],
  groups: ['COEST'],
  sentAt: T0,
};

async function seal(
  draft: CableDraft = RESTREINT_TO_FR_COEST,
  body = 'The Council will meet on Monday.',
): Promise<SealedCable> {
  return sealCable({
    draft,
    content: { subject: 'Eastern partnership: instructions', tags: ['COEST'], body },
    sender: sender(device('de.anna')),
    directory: dir,
    series: { serial: 1 },
  });
}

async function openCode(cable: SealedCable, d: FixtureDevice, d2: Directory = dir): Promise<string> {
  try {
    await openCable(cable, { directory: d2, recipient: recipient(d) });
    return 'OPENED';
  } catch (e) {
    if (e instanceof CableError) return e.code;
    throw e;
  }
}

before(async () => {
  net = await buildCableNetwork();
  dir = await net.directory();
});

describe('sealCable / openCable', () => {
  test('exactly the entitled devices can open a RESTREINT UE cable to FR and COEST', async () => {
    const cable = await seal();
    const outcome: Record<string, string> = {};
    for (const d of net.devices)
      outcome[`${d.user}#${net.devicesOf(d.user).indexOf(d)}`] = await openCode(cable, d);
    assert.deepEqual(outcome, {
      'de.anna#0': 'OPENED', // the sender
      'de.anna#1': 'OPENED', // the sender's other device
      'de.registry#0': 'OPENED', // the sender's registry keeps the record
      'fr.bruno#0': 'OPENED', // addressee org, cleared, in COEST
      'fr.claire#0': 'NOT_A_RECIPIENT', // addressee org, cleared, not in COEST
      'fr.uncleared#0': 'NOT_A_RECIPIENT', // in COEST but below the classification
      'fr.registry#0': 'OPENED', // the addressee's registry sees all its org's traffic
      'cy.dora#0': 'NOT_A_RECIPIENT', // another org
      'pl.ewa#0': 'NOT_A_RECIPIENT', // another org
    });
  });

  test('the opened cable gives back the content and says who signed', async () => {
    const cable = await seal();
    const opened = await openCable(forDevice(cable, device('fr.bruno').id), {
      directory: dir,
      recipient: recipient(device('fr.bruno')),
    });
    assert.equal(opened.content.body, 'The Council will meet on Monday.');
    assert.equal(opened.content.subject, 'Eastern partnership: instructions');
    assert.equal(opened.signedBy.user.user, 'de.anna');
    assert.equal(opened.signedBy.org.org, 'DE');
    assert.equal(opened.signedBy.device.device, device('de.anna').id);
    assert.deepEqual(opened.hash, cableHash(cable.header, cable.signature));
  });

  test('open(seal(x)) = x for random content and distributions; outsiders get NOT_A_RECIPIENT', async () => {
    const orgs = ['DE', 'FR', 'CY', 'PL'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          subject: fc.string({ minLength: 1, maxLength: 80 }),
          body: fc.string({ unit: 'grapheme', maxLength: 400 }),
          tags: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
          classification: fc.constantFrom('UNCLASSIFIED', 'RESTREINT UE', 'CONFIDENTIEL UE') as fc.Arbitrary<
            CableDraft['classification']
          >,
          to: fc.subarray([...orgs], { minLength: 1 }),
          groups: fc.subarray(['COEST', 'CONUN']),
          reader: fc.nat(),
        }),
        async (x) => {
          const draft: CableDraft = {
            classification: x.classification,
            precedence: 'ROUTINE',
            distribution: x.to.map((org) => ({ org, role: 'info' as const })),
            groups: x.groups,
            sentAt: T0,
          };
          const cable = await sealCable({
            draft,
            content: { subject: x.subject, body: x.body, tags: x.tags },
            sender: sender(device('de.anna')),
            directory: dir,
            series: { serial: 7, prev: new Uint8Array(32).fill(1) },
          });
          const reader = net.devices[x.reader % net.devices.length]!;
          const entitled = cable.header.recipients.includes(reader.id);
          if (!entitled) {
            assert.equal(await openCode(cable, reader), 'NOT_A_RECIPIENT');
            return;
          }
          const opened = await openCable(forDevice(cable, reader.id), {
            directory: dir,
            recipient: recipient(reader),
          });
          assert.equal(opened.content.body, x.body);
          assert.equal(opened.content.subject, x.subject);
          assert.deepEqual([...opened.content.tags], x.tags);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('decode(encode(x)) = x for sealed cables', async () => {
    const cable = await seal();
    const json = JSON.parse(JSON.stringify(encodeSealedCable(cable)));
    assert.deepEqual(decodeSealedCable(json, 'cable'), cable);
  });

  test('a flipped bit anywhere in header, content, wrap or signature is a typed error, never plaintext', async () => {
    const reader = device('fr.bruno');
    const cable = forDevice(await seal(), reader.id);
    const json = encodeSealedCable(cable) as { header: Record<string, unknown>; [k: string]: unknown };
    const wire = JSON.stringify(json);
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: wire.length - 1 }),
        fc.integer({ min: 0, max: 6 }),
        async (at, bit) => {
          const flipped =
            wire.slice(0, at) + String.fromCharCode(wire.charCodeAt(at) ^ (1 << bit)) + wire.slice(at + 1);
          if (flipped === wire) return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(flipped);
          } catch {
            return; // not JSON any more: refused before any of our code runs
          }
          let result: SealedCable;
          try {
            result = decodeSealedCable(parsed, 'cable');
          } catch (e) {
            assert.ok(e instanceof Error && 'code' in e, 'decoder errors are typed');
            codes.add('decoder');
            return;
          }
          const code = await openCode(result, reader);
          // A flip inside a JSON key or an equivalent spelling may decode to the same cable.
          if (code === 'OPENED') {
            assert.deepEqual(result, decodeSealedCable(json, 'cable'), 'only an unchanged cable opens');
            return;
          }
          codes.add(code);
        },
      ),
      { numRuns: RUNS },
    );
    for (const expected of ['SIGNATURE_INVALID', 'CIPHERTEXT_MISMATCH', 'decoder']) {
      assert.ok(codes.has(expected), `saw ${expected} among ${[...codes].join(', ')}`);
    }
  });

  test('every single-bit flip of the wrap, content or signature bytes is refused', async () => {
    const reader = device('fr.bruno');
    const cable = forDevice(await seal(), reader.id);
    const wrap = cable.wraps[0]!;
    const parts = {
      enc: wrap.enc.length,
      key: wrap.key.length,
      content: cable.content.length,
      signature: cable.signature.length,
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(parts) as (keyof typeof parts)[])),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (part, at, bit) => {
          const i = at % parts[part];
          const flip = (b: Uint8Array) => {
            const c = b.slice();
            c[i]! ^= 1 << bit;
            return c;
          };
          const bad: SealedCable =
            part === 'enc' || part === 'key'
              ? { ...cable, wraps: [{ ...wrap, [part]: flip(wrap[part]) }] }
              : { ...cable, [part]: flip(cable[part]) };
          const code = await openCode(bad, reader);
          const expected = {
            enc: 'WRAP_INVALID',
            key: 'WRAP_INVALID',
            content: 'CIPHERTEXT_MISMATCH',
            signature: 'SIGNATURE_INVALID',
          }[part];
          assert.equal(code, expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a server-injected device in the wrapped set is refused with WRAPPED_SET_MISMATCH', async () => {
    // A malicious server cannot add a recipient without re-signing: the header is signed.
    // But a malicious *sender device* could wrap for an extra, uncleared device and sign.
    const cable = await seal();
    const uncleared = device('fr.uncleared');
    const header = { ...cable.header, recipients: [...cable.header.recipients, uncleared.id].sort() };
    const forged = await resignCable({ ...cable, header }, { serial: 1 }, device('de.anna').signer);
    assert.equal(await openCode(forged, device('fr.bruno')), 'WRAPPED_SET_MISMATCH');
  });

  test('a cable missing an entitled device is refused with WRAPPED_SET_MISMATCH', async () => {
    const cable = await seal();
    const header = {
      ...cable.header,
      recipients: cable.header.recipients.filter((d) => d !== device('fr.registry').id),
    };
    const forged = await resignCable({ ...cable, header }, { serial: 1 }, device('de.anna').signer);
    assert.equal(await openCode(forged, device('fr.bruno')), 'WRAPPED_SET_MISMATCH');
  });

  test('re-signing for a new serial keeps the wraps valid and changes the hash', async () => {
    const cable = await seal();
    const moved = await resignCable(
      cable,
      { serial: 2, prev: new Uint8Array(32).fill(9) },
      device('de.anna').signer,
    );
    assert.equal(moved.header.serial, 2);
    assert.deepEqual(moved.wraps, cable.wraps);
    assert.equal(await openCode(moved, device('fr.bruno')), 'OPENED');
    assert.notDeepEqual(cableHash(moved.header, moved.signature), cableHash(cable.header, cable.signature));
  });

  test('a cable signed by a device that is not the named sender fails SIGNATURE_INVALID', async () => {
    const cable = await seal();
    const forged = await resignCable(cable, { serial: 1 }, device('cy.dora').signer);
    assert.equal(await openCode(forged, device('fr.bruno')), 'SIGNATURE_INVALID');
  });

  test('a sender below the classification cannot seal it', async () => {
    await assert.rejects(
      sealCable({
        draft: { ...RESTREINT_TO_FR_COEST, classification: 'CONFIDENTIEL UE' },
        content: { subject: 's', body: 'b' },
        sender: sender(device('fr.bruno')),
        directory: dir,
        series: { serial: 1 },
      }),
      (e: unknown) => e instanceof CableError && e.code === 'SENDER_NOT_CLEARED',
    );
  });

  test('a classification above the network cap is refused on both sides', async () => {
    const { openDirectory } = await import('../../../src/core/identity/directory.ts');
    const capped = await openDirectory({ ...net.root, accreditation: 'RESTREINT UE' }, net.entries);
    await assert.rejects(
      sealCable({
        draft: { ...RESTREINT_TO_FR_COEST, classification: 'SECRET UE' },
        content: { subject: 's', body: 'b' },
        sender: sender(device('de.anna')),
        directory: capped,
        series: { serial: 1 },
      }),
      (e: unknown) => e instanceof CableError && e.code === 'CLASSIFICATION_REFUSED',
    );
    const secret = await seal({
      ...RESTREINT_TO_FR_COEST,
      classification: 'SECRET UE',
      distribution: [{ org: 'DE', role: 'info' }],
    });
    assert.equal(await openCode(secret, device('de.registry'), capped), 'CLASSIFICATION_REFUSED');
  });

  test('a cable from a device revoked before its epoch fails DEVICE_REVOKED', async () => {
    const { issueCertificate } = await import('../../../src/core/identity/issue-certificate.ts');
    const { openDirectory } = await import('../../../src/core/identity/directory.ts');
    const anna = device('de.anna', 1);
    const rev = await issueCertificate(
      {
        v: 1,
        kind: 'revocation',
        org: 'DE',
        subject: 'device',
        id: anna.id,
        reason: 'phished',
        issuedAt: T0,
      },
      net.orgSigners.get('DE')!,
    );
    const after = await openDirectory(net.root, [...net.entries, rev]);
    // Sealed at the new epoch by the revoked device:
    await assert.rejects(
      sealCable({
        draft: RESTREINT_TO_FR_COEST,
        content: { subject: 's', body: 'b' },
        sender: sender(anna),
        directory: after,
        series: { serial: 1 },
      }),
      (e: unknown) => e instanceof CableError && e.code === 'UNKNOWN_DEVICE',
    );
    const old = await sealCable({
      draft: RESTREINT_TO_FR_COEST,
      content: { subject: 's', body: 'b' },
      sender: sender(anna),
      directory: dir,
      series: { serial: 1 },
    });
    const claimed = await resignCable(
      { ...old, header: { ...old.header, epoch: after.epoch } },
      { serial: 1 },
      anna.signer,
    );
    assert.equal(await openCode(claimed, device('fr.bruno'), after), 'DEVICE_REVOKED');
    // ...while what it sent before the revocation still opens.
    assert.equal(await openCode(old, device('fr.bruno'), after), 'OPENED');
  });

  test('a cable naming a newer epoch than the reader has asks for a directory sync', async () => {
    const { openDirectory } = await import('../../../src/core/identity/directory.ts');
    const stale = await openDirectory(net.root, net.entries.slice(0, net.entries.length - 1));
    const cable = await seal();
    assert.equal(await openCode(cable, device('fr.bruno'), stale), 'UNKNOWN_DEVICE');
  });

  test('expectedPrev: a cable that does not follow the last one seen fails SERIES_GAP', async () => {
    const first = await seal();
    const firstHash = cableHash(first.header, first.signature);
    const second = await resignCable(await seal(), { serial: 2, prev: firstHash }, device('de.anna').signer);
    const r = recipient(device('fr.bruno'));
    await openCable(second, { directory: dir, recipient: r, expectedPrev: firstHash });
    const third = await resignCable(
      await seal(),
      { serial: 3, prev: new Uint8Array(32) },
      device('de.anna').signer,
    );
    await assert.rejects(
      openCable(third, {
        directory: dir,
        recipient: r,
        expectedPrev: cableHash(second.header, second.signature),
      }),
      (e: unknown) => e instanceof CableError && e.code === 'SERIES_GAP',
    );
  });
});
