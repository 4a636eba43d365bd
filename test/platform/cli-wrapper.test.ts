/**
 * The CLI's sealing path end to end: a cable sealed with `cliWrapper` (node:crypto's
 * primitives from Node 24.7, the portable ones before) opens for every entitled device on
 * the portable path and on Node's, and for nobody else; and the wrap pool gives the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliWrapper } from '../../src/client/cli-wrapper.ts';
import { startWorkerWrapPool, type WorkerWrapPool } from '../../src/client/worker-wrap-pool.ts';
import { CableError } from '../../src/core/cable/cable-error.ts';
import type { KemPrivateKey } from '../../src/core/cable/key-wrap.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import { type ContentKeyWrapper, sealCable } from '../../src/core/cable/seal-cable.ts';
import { forDevice, type SealedCable } from '../../src/core/cable/sealed-cable.ts';
import type { HpkeSuite } from '../../src/core/crypto/hpke/hpke-suite.ts';
import type { Directory } from '../../src/core/identity/directory.ts';
import { nodeSuites } from '../../src/platform/node-suites.ts';
import { buildCableNetwork } from '../core/fixtures/cable-network.ts';
import type { FixtureNetwork } from '../core/fixtures/network.ts';
import { T0 } from '../core/fixtures/network.ts';

let net: FixtureNetwork;
let dir: Directory;
let pool: WorkerWrapPool | undefined;

before(async () => {
  net = await buildCableNetwork();
  dir = await net.directory();
});
after(async () => {
  await pool?.close();
});

async function seal(wrapper: ContentKeyWrapper): Promise<SealedCable> {
  const sender = net.devicesOf('de.anna')[0]!;
  return sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'ROUTINE',
      distribution: [
        { org: 'FR', role: 'action' },
        { org: 'DE', role: 'info' },
      ],
      sentAt: T0,
    },
    content: { subject: 'Instructions', body: 'The Council will meet on Monday.' },
    sender: { user: sender.user, device: sender.id, signer: sender.signer },
    directory: dir,
    series: { serial: 1 },
    wrapper,
  });
}

async function openAs(cable: SealedCable, device: string, privateKey: KemPrivateKey, suite?: HpkeSuite) {
  return openCable(forDevice(cable, device), {
    directory: dir,
    recipient: { device, privateKey },
    ...(suite ? { suite } : {}),
  });
}

async function checkOpensForExactlyTheWrapped(cable: SealedCable): Promise<void> {
  const native = (await nodeSuites()).xwing;
  const wrapped = new Set(cable.wraps.map((w) => w.device));
  assert.ok(wrapped.size >= 3, 'the cable went to several devices');
  for (const device of net.devices) {
    const privateKey = device.kem.privateKey as KemPrivateKey;
    for (const suite of [undefined, native]) {
      if (wrapped.has(device.id)) {
        const opened = await openAs(cable, device.id, privateKey, suite);
        assert.equal(opened.content.body, 'The Council will meet on Monday.');
      } else {
        await assert.rejects(
          openAs(cable, device.id, privateKey, suite),
          (e) => e instanceof CableError && e.code === 'NOT_A_RECIPIENT',
        );
      }
    }
  }
}

describe("the CLI's sealing path", () => {
  test('a cable sealed as the CLI seals opens for exactly its recipients, on either path', async () => {
    await checkOpensForExactlyTheWrapped(await seal(await cliWrapper()));
  });

  test('a cable sealed on the worker pool opens the same way', { timeout: 120_000 }, async () => {
    // Two workers, and no in-thread shortcut: every wrap crosses a thread.
    pool = await startWorkerWrapPool(2, 1);
    await checkOpensForExactlyTheWrapped(await seal(pool));
  });
});
