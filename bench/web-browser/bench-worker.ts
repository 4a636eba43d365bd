/**
 * The worker half of `npm run bench -- web` (bundled by bench/web.ts): seals a 10 KiB cable
 * for 600 devices with core's sealCable, as the app's device worker does (over its fan-out
 * workers, src/web/wrap-fan-out.ts, started afresh for each cable) and on this worker alone,
 * and runs the app's search index (src/web/search-index.ts) over 10,000 cables, including
 * its encrypted save and load. Each step is one message; it posts its figures back.
 */

import { type ContentKeyWrapper, inThreadWrapperFor, sealCable } from '../../src/core/cable/seal-cable.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { valiseSuites } from '../../src/core/crypto/hpke/valise-suites.ts';
import {
  hasWebCryptoMlKem,
  WEB_CRYPTO_PRIMITIVES,
} from '../../src/core/crypto/hpke/web-crypto-primitives.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import type { SignedEntry } from '../../src/core/identity/certificate.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { FAN_OUT_MIN_DEVICES, FanOutWrapper, fanOutWorkers } from '../../src/web/fan-out-wrapper.ts';
import { SearchIndex } from '../../src/web/search-index.ts';
import { syntheticCable } from './synthetic-text.ts';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<string>) => void) | null;
  postMessage(m: unknown): void;
};
const id = () => toBase64url(randomBytes(16));

async function directoryFor(devices: number) {
  const now = Math.floor(Date.now() / 1000);
  const root = await generateSigner();
  const orgKey = await generateSigner();
  const entries: SignedEntry[] = [];
  entries.push(
    await issueCertificate(
      {
        v: 1,
        kind: 'org',
        network: 'bench',
        org: 'DE',
        name: 'DE',
        accreditation: 'RESTREINT UE',
        key: orgKey.publicKey,
        issuedAt: now,
      },
      root,
    ),
  );
  const sender = await generateSigner();
  const senderKem = await XWing.generateKeyPair();
  const senderId = id();
  const users = Math.ceil(devices / 10);
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
  entries.push(
    await issueCertificate(
      {
        v: 1,
        kind: 'device',
        org: 'DE',
        user: 'u0',
        device: senderId,
        label: 's',
        signingKey: sender.publicKey,
        kemKey: senderKem.publicKey,
        issuedAt: now,
        expiresAt: now + 86400,
      },
      orgKey,
    ),
  );
  for (let d = 1; d < devices; d++) {
    const kem = await XWing.generateKeyPair();
    const signer = await generateSigner();
    entries.push(
      await issueCertificate(
        {
          v: 1,
          kind: 'device',
          org: 'DE',
          user: `u${d % users}`,
          device: id(),
          label: 'd',
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
    { network: 'bench', key: root.publicKey, accreditation: 'RESTREINT UE' },
    entries,
  );
  return { directory, sender, senderId, now, devices };
}

type Prepared = Awaited<ReturnType<typeof directoryFor>>;

/**
 * The app's wrapper (src/web/device-context.ts), its fan-out workers served from the bench; at
 * least one, so that the fan-out is measured where the app would not use it.
 */
function appWrapper(): FanOutWrapper {
  return new FanOutWrapper({
    local: inThreadWrapperFor(valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing),
    workers: Math.max(1, fanOutWorkers(navigator.hardwareConcurrency)),
    minDevices: FAN_OUT_MIN_DEVICES,
    start: () => new Worker('/bench-wrap-worker.js', { type: 'module' }),
  });
}

/** One seal as the app's compose desk seals (src/web/compose-desk.ts), timed. */
async function seal(prepared: Prepared, wrapper: ContentKeyWrapper): Promise<number> {
  const { directory, sender, senderId, now, devices } = prepared;
  const started = performance.now();
  const cable = await sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'ROUTINE',
      distribution: [{ org: 'DE', role: 'action' }],
      sentAt: now,
    },
    content: { subject: 'bench', body: 'x'.repeat(10 * 1024) },
    sender: { user: 'u0', device: senderId, signer: sender },
    directory,
    series: { serial: 1 },
    wrapper,
  });
  const ms = performance.now() - started;
  if (cable.wraps.length !== devices)
    throw new Error(`sealed for ${cable.wraps.length} devices, not ${devices}`);
  return ms;
}

async function search(count: number) {
  const index = new SearchIndex();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const c = syntheticCable(i);
    index.add(
      {
        id: `c${i}`,
        reference: `DE/${i + 1}/26`,
        subject: c.subject,
        from: 'DE Anna Schmidt',
        sentAt: 1_772_000_000 + i,
        classification: 'RESTREINT UE',
        precedence: 'ROUTINE',
      },
      c.body,
    );
  }
  const buildMs = performance.now() - started;
  // At rest: one AES-GCM record, as src/web/local-archive.ts keeps it.
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const saved = new TextEncoder().encode(JSON.stringify(index.save()));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, saved);
  const loadStarted = performance.now();
  const opened = JSON.parse(
    new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed)),
  );
  const loaded = SearchIndex.fromSaved(opened);
  const loadMs = performance.now() - loadStarted;
  const queries = [
    'sanctions',
    'sanc',
    'sanctoins',
    'ukraine grain',
    'ministerial',
    'minsterial meeting',
    'coest',
    'DE/42/26',
    'energy secur',
    'humanitarian corridor',
    'belarus',
    'georgia visa',
    'moldova',
    'ceasefire',
    'cyber',
  ];
  const times: number[] = [];
  let hits = 0;
  for (let round = 0; round < 20; round++) {
    for (const q of queries) {
      const t = performance.now();
      hits += loaded.search(q, 50).length;
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return {
    buildMs,
    loadMs,
    indexBytes: sealed.byteLength,
    p50: times[Math.floor(times.length * 0.5)]!,
    p95: times[Math.floor(times.length * 0.95)]!,
    hits,
  };
}

let prepared: Prepared | undefined;
// Kept across seals, as the device worker keeps its own: started by a first seal or by `warm`.
const warmWrapper = appWrapper();

scope.onmessage = async (event) => {
  try {
    if (event.data === 'prepare') {
      prepared = await directoryFor(600);
      scope.postMessage({
        webCryptoMlKem: hasWebCryptoMlKem(),
        fanOutWorkers: fanOutWorkers(navigator.hardwareConcurrency),
        cores: navigator.hardwareConcurrency,
      });
    } else if (event.data === 'warm') {
      // As compose does when a draft reaches FAN_OUT_MIN_DEVICES devices; ready a moment later.
      warmWrapper.warm();
      await new Promise((resolve) => setTimeout(resolve, 500));
      scope.postMessage({});
    } else if (event.data.startsWith('seal-')) {
      if (!prepared) throw new Error('prepare first');
      const wrapper =
        event.data === 'seal-one-worker'
          ? inThreadWrapperFor(valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing)
          : event.data === 'seal-fan-out-cold'
            ? appWrapper()
            : warmWrapper;
      scope.postMessage({ sealMs: await seal(prepared, wrapper) });
      if (wrapper instanceof FanOutWrapper && wrapper !== warmWrapper) wrapper.close();
    } else scope.postMessage({ search: await search(10_000) });
  } catch (error) {
    scope.postMessage({ error: String(error) });
  }
};
