/**
 * Runs in a dedicated worker of headless Chromium, as the app's device worker does: seals a
 * cable for 150 devices over fan-out workers (src/web/wrap-fan-out.ts, with the app's
 * wrap-worker.ts served as /wrap-worker.js), then opens it on every recipient's
 * non-extractable key (WebCrypto's ML-KEM path) and on some with the portable path; then
 * with a fan-out worker that cannot load, and one that answers for other devices. Posts
 * what it saw to the page.
 */

import { openCable } from '../../../src/core/cable/open-cable.ts';
import type { ContentKeyWrapper } from '../../../src/core/cable/seal-cable.ts';
import { inThreadWrapperFor, sealCable } from '../../../src/core/cable/seal-cable.ts';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { NOBLE_PRIMITIVES } from '../../../src/core/crypto/hpke/noble-primitives.ts';
import { valiseSuites } from '../../../src/core/crypto/hpke/valise-suites.ts';
import { WEB_CRYPTO_PRIMITIVES } from '../../../src/core/crypto/hpke/web-crypto-primitives.ts';
import type { XWingPrivateKey } from '../../../src/core/crypto/hpke/x-wing.ts';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import type { SignedEntry } from '../../../src/core/identity/certificate.ts';
import { openDirectory } from '../../../src/core/identity/directory.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { FanOutWrapper } from '../../../src/web/fan-out-wrapper.ts';

const DEVICES = 150;
const web = valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing;
const portable = valiseSuites(NOBLE_PRIMITIVES).xwing;

export interface FanOutResult {
  readonly wraps: number;
  readonly fanOutShares: number;
  readonly localShares: number;
  readonly openedOnWebCrypto: number;
  readonly openedOnPortable: number;
  readonly bodiesMatch: boolean;
  readonly brokenWorkerOpened: boolean;
  readonly secondOpened: boolean;
  /** The error code of a cable one of whose fan-out workers answered for other devices. */
  readonly liarError: string;
  readonly error?: string;
}

async function network() {
  const now = Math.floor(Date.now() / 1000);
  const root = await generateSigner();
  const orgKey = await generateSigner();
  const entries: SignedEntry[] = [
    await issueCertificate(
      {
        v: 1,
        kind: 'org',
        network: 'fan-out',
        org: 'DE',
        name: 'DE',
        accreditation: 'RESTREINT UE',
        key: orgKey.publicKey,
        issuedAt: now,
      },
      root,
    ),
  ];
  const users = 15;
  for (let u = 0; u < users; u++) {
    entries.push(
      await issueCertificate(
        {
          v: 1,
          kind: 'user',
          org: 'DE',
          user: `u${u}`,
          name: `User ${u}`,
          clearance: 'RESTREINT UE',
          role: 'member',
          groups: [],
          issuedAt: now,
        },
        orgKey,
      ),
    );
  }
  const keys = new Map<string, XWingPrivateKey>();
  const sender = { user: 'u0', device: '', signer: await generateSigner() };
  for (let d = 0; d < DEVICES; d++) {
    // As the app makes them: non-extractable, the X25519 half inside WebCrypto.
    const kem = await web.kem.generateKeyPair();
    const signer = d === 0 ? sender.signer : await generateSigner();
    const device = toBase64url(randomBytes(16));
    if (d === 0) sender.device = device;
    keys.set(device, kem.privateKey);
    entries.push(
      await issueCertificate(
        {
          v: 1,
          kind: 'device',
          org: 'DE',
          user: `u${d % users}`,
          device,
          label: `d${d}`,
          signingKey: signer.publicKey,
          kemKey: kem.publicKey,
          issuedAt: now,
          expiresAt: now + 86400,
        },
        orgKey,
      ),
    );
  }
  const directory = await openDirectory(
    { network: 'fan-out', key: root.publicKey, accreditation: 'RESTREINT UE' },
    entries,
  );
  return { directory, keys, sender, now };
}

async function run(): Promise<FanOutResult> {
  const { directory, keys, sender, now } = await network();
  const seal = (wrapper: ContentKeyWrapper, body: string) =>
    sealCable({
      draft: {
        classification: 'RESTREINT UE',
        precedence: 'ROUTINE',
        distribution: [{ org: 'DE', role: 'action' }],
        sentAt: now,
      },
      content: { subject: 'fan-out', body },
      sender,
      directory,
      series: { serial: 1 },
      wrapper,
    });

  let fanOutShares = 0;
  let localShares = 0;
  let firstAnswer = () => {};
  const answered = new Promise<void>((resolve) => {
    firstAnswer = resolve;
  });
  const start = () => {
    const worker = new Worker('/wrap-worker.js', { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'object' && event.data !== null && 'wraps' in event.data) {
        fanOutShares++;
        firstAnswer();
      }
    });
    return worker;
  };
  // The calling worker lets a fan-out worker answer first (or 30 s pass), so that the cable
  // holds wraps made by both kinds of worker whatever the machine's speed.
  const inThread = inThreadWrapperFor(web);
  let waited = false;
  const local: ContentKeyWrapper = {
    async wrap(requests) {
      if (!waited) {
        await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 30_000))]);
        waited = true;
      }
      localShares++;
      return inThread.wrap(requests);
    },
  };
  const body = `fan-out ${toBase64url(randomBytes(12))}`;
  const fanOut = new FanOutWrapper({ local, workers: 2, minDevices: 100, start });
  const cable = await seal(fanOut, body);

  let openedOnWebCrypto = 0;
  let openedOnPortable = 0;
  let bodiesMatch = true;
  for (const [i, wrap] of cable.wraps.entries()) {
    const privateKey = keys.get(wrap.device);
    if (!privateKey) continue;
    const opened = await openCable(cable, {
      directory,
      recipient: { device: wrap.device, privateKey },
      suite: web,
    });
    openedOnWebCrypto++;
    bodiesMatch &&= opened.content.body === body;
    // Both paths open: noble's ML-KEM on one device of each share.
    if (i % 25 === 24 || i === cable.wraps.length - 1) {
      const again = await openCable(cable, {
        directory,
        recipient: { device: wrap.device, privateKey },
        suite: portable,
      });
      openedOnPortable++;
      bodiesMatch &&= again.content.body === body;
    }
  }

  // The same workers seal a second cable (each share of each cable has its own id).
  const second = await seal(fanOut, `${body} again`);
  fanOut.close();
  const sample = second.wraps[second.wraps.length - 1];
  const sampleKey = sample && keys.get(sample.device);
  const secondOpened =
    sample !== undefined &&
    sampleKey !== undefined &&
    (
      await openCable(second, {
        directory,
        recipient: { device: sample.device, privateKey: sampleKey },
        suite: web,
      })
    ).content.body === `${body} again`;

  // A fan-out worker that cannot load leaves its shares to the calling worker.
  const broken = await seal(
    new FanOutWrapper({
      local: inThread,
      workers: 2,
      minDevices: 100,
      start: () => new Worker('/no-such-worker.js', { type: 'module' }),
    }),
    body,
  );
  const last = broken.wraps[broken.wraps.length - 1];
  const lastKey = last && keys.get(last.device);
  const brokenWorkerOpened =
    broken.wraps.length === DEVICES &&
    last !== undefined &&
    lastKey !== undefined &&
    (
      await openCable(broken, {
        directory,
        recipient: { device: last.device, privateKey: lastKey },
        suite: web,
      })
    ).content.body === body;

  // A fan-out worker that answers wraps for other devices fails the cable: nothing is sent.
  let liarError = '';
  let liarAnswered = () => {};
  const liarSpoke = new Promise<void>((resolve) => {
    liarAnswered = resolve;
  });
  try {
    await seal(
      new FanOutWrapper({
        local: {
          async wrap(requests) {
            await Promise.race([liarSpoke, new Promise((resolve) => setTimeout(resolve, 30_000))]);
            return inThread.wrap(requests);
          },
        },
        workers: 1,
        minDevices: 100,
        start: () => {
          const worker = new Worker('/liar.js');
          worker.addEventListener('message', () => liarAnswered());
          return worker;
        },
      }),
      body,
    );
  } catch (error) {
    liarError = (error as { code?: string }).code ?? String(error);
  }

  return {
    liarError,
    wraps: cable.wraps.length,
    fanOutShares,
    localShares,
    openedOnWebCrypto,
    openedOnPortable,
    bodiesMatch,
    brokenWorkerOpened,
    secondOpened,
  };
}

const scope = self as unknown as { postMessage(message: unknown): void };
run().then(
  (result) => scope.postMessage(result),
  (error: unknown) => scope.postMessage({ error: String((error as Error)?.stack ?? error) }),
);
