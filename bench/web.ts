/**
 * Web app benchmark, in headless Chromium:
 * - first_load_kb: the compressed (Brotli, as the node serves it) JS + CSS + HTML a first
 *   visit loads, the device worker included (the fan-out worker is not: it loads only to
 *   seal a large cable);
 * - inbox_first_sync_ms / inbox_open_ms: Claire's browser, enrolled with a virtual passkey on a
 *   real node, with 10,000 cables in her inbox: the first sync (every header's signature
 *   checked in the worker), then opening the inbox again from the encrypted local snapshot
 *   (reload to the first row shown, sign-in session resumed);
 * - seal_600_ms: sealing a 10 KiB cable for 600 devices in a worker, as the app seals (on
 *   WebCrypto's ML-KEM where the browser has it: seal_webcrypto_ml_kem is 1; over
 *   seal_fan_out_workers fan-out workers, started beforehand as compose starts them, where the
 *   machine has four logical processors or more), with seal_600_cpu_ms the CPU time Chromium spent on it (all its threads, from /proc: the
 *   machine may be shared, and a wall-clock figure alone measures the neighbours too) and
 *   seal_600_busiest_thread_ms the CPU time of its busiest thread (what the seal would take
 *   on an idle machine with a core per worker);
 *   seal_600_one_worker_ms the same on the device worker alone, seal_600_fan_out_ms over at
 *   least one fan-out worker started beforehand, and seal_600_cold_fan_out_ms with the workers
 *   started for the cable (counted in); medians of 3 alternating runs; and the longest task
 *   the main thread ran meanwhile (PerformanceObserver, long tasks are > 50 ms);
 * - search_p95_ms: the app's search index over 10,000 cables, prefix and typo queries, and
 *   loading it from its encrypted at-rest form.
 *
 * Claire's device is approved by FR's officer device made here from the demo link and, as
 * the server holds a command-line officer's act, confirmed by a second FR officer founded
 * here with the organisation key (its device is one more FR wrap on each cable).
 * The 10,000 cables come from a DE officer device made here (the demo link carries DE's
 * organisation key): one cable is sealed for real and its header re-signed with a fresh id,
 * serial and prev for each copy (as bench/ingest.ts does), written through the store. The
 * inbox lists and verifies headers only; the copies' wraps would not open, and are never opened.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { build } from 'esbuild';
import type { CableHeader } from '../src/core/cable/cable-header.ts';
import { cableHash, encodeHeader } from '../src/core/cable/cable-header.ts';
import { PRECEDENCES } from '../src/core/cable/precedence.ts';
import { sealCable } from '../src/core/cable/seal-cable.ts';
import { generateSigner, type Signer, signerFromSeed, signLabelled } from '../src/core/crypto/ed25519.ts';
import { XWing } from '../src/core/crypto/hpke/x-wing.ts';
import { LABELS } from '../src/core/crypto/labels.ts';
import { fromBase64url, randomBytes, toBase64url } from '../src/core/encoding/bytes.ts';
import { encodeCanonical, type JsonValue } from '../src/core/encoding/canonical-json.ts';
import { yearOf } from '../src/core/encoding/date-time-group.ts';
import { toJsonValue } from '../src/core/encoding/to-json.ts';
import type { DeviceCertificate, UserCertificate } from '../src/core/identity/certificate.ts';
import { openDirectory } from '../src/core/identity/directory.ts';
import { bindEnrolment, invitationKeys } from '../src/core/identity/enrolment-binding.ts';
import { issueCertificate } from '../src/core/identity/issue-certificate.ts';
import { signRequest } from '../src/core/wire/sign-request.ts';
import { auditRecord } from '../src/server/audit-event.ts';
import { openSqliteStore } from '../src/server/store/open-sqlite.ts';
import { launchChromium } from '../test/e2e/chromium.ts';
import { buildWebApp, startWebNode, type WebNode } from '../test/e2e/fixtures/web-node.ts';
import { enrol, newPerson, signIn } from '../test/e2e/fixtures/web-person.ts';
import { startCpuSampler } from './web-browser/process-cpu.ts';

const INBOX = Number(process.env.BENCH_INBOX ?? 10_000);

interface NodeDevice {
  readonly id: string;
  readonly user: string;
  readonly org: string;
  readonly signer: Signer;
  readonly orgKey: Signer;
}

/** Each bench device's request sequence numbers (docs/design.md §9): one higher per request. */
const sequences = new Map<string, number>();
function nextSequence(device: string): number {
  const next = (sequences.get(device) ?? 0) + 1;
  sequences.set(device, next);
  return next;
}

async function call(node: WebNode, method: string, path: string, body?: JsonValue, as?: NodeDevice) {
  const bytes = body === undefined ? undefined : encodeCanonical(body);
  const headers: Record<string, string> = bytes ? { 'content-type': 'application/json' } : {};
  if (as) {
    Object.assign(
      headers,
      await signRequest(
        { method, url: `${node.origin}${path}`, headers, ...(bytes ? { body: bytes } : {}) },
        {
          keyId: as.id,
          signer: as.signer,
          now: Math.floor(Date.now() / 1000),
          nonce: toBase64url(randomBytes(16)),
          sequence: nextSequence(as.id),
        },
      ),
    );
  }
  const answer = await fetch(`${node.origin}${path}`, {
    method,
    headers,
    ...(bytes ? { body: bytes as Uint8Array<ArrayBuffer> } : {}),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return JSON.parse(text);
}

/** A security officer's device made here from the demo link (which carries the org key), certified by bootstrap. */
async function officerDevice(node: WebNode, user: string): Promise<NodeDevice> {
  const match = /#\/enrol\/([^.]+)\.([^/]+)\/org-key\/(.+)$/.exec(node.links.get(user)!)!;
  const orgKey = await signerFromSeed(fromBase64url(match[3]!)!);
  const signer = await generateSigner();
  const kem = await XWing.generateKeyPair();
  const id = toBase64url(randomBytes(16));
  const org = user.split('.')[0]!.toUpperCase();
  // As a device enrols (docs/design.md §5): the redeem half of the secret, and the keys bound
  // to the invitation by the binding half.
  const { redeem, binding } = invitationKeys(fromBase64url(match[2]!)!);
  const bound = {
    invitation: match[1]!,
    device: id,
    label: 'bench',
    signingKey: signer.publicKey,
    kemKey: kem.publicKey,
  };
  await call(node, 'POST', '/api/v1/enrolments', {
    invitation: match[1]!,
    secret: toBase64url(redeem),
    device: id,
    label: 'bench',
    signingKey: toBase64url(signer.publicKey),
    kemKey: toBase64url(kem.publicKey),
    binding: toBase64url(bindEnrolment(binding, bound)),
  });
  const now = Math.floor(Date.now() / 1000);
  const cert: DeviceCertificate = {
    v: 1,
    kind: 'device',
    org,
    user,
    device: id,
    label: 'bench',
    signingKey: signer.publicKey,
    kemKey: kem.publicKey,
    issuedAt: now,
    expiresAt: now + 86400,
  };
  await call(node, 'POST', '/api/v1/directory', { entry: toJsonValue(await issueCertificate(cert, orgKey)) });
  return { id, user, org, signer, orgKey };
}

/**
 * The organisation's second security officer, founded on its first day with the org key as
 * a command-line officer would be (user and device certificates posted unsigned: the
 * directory's bootstrap for a second officer), so that it can confirm `first`'s held acts.
 */
async function secondOfficerDevice(node: WebNode, first: NodeDevice): Promise<NodeDevice> {
  const user = `${first.user}.2`;
  const now = Math.floor(Date.now() / 1000);
  const certified: UserCertificate = {
    v: 1,
    kind: 'user',
    org: first.org,
    user,
    name: 'Second officer',
    clearance: 'RESTREINT UE',
    role: 'security-officer',
    groups: [],
    issuedAt: now,
  };
  await call(node, 'POST', '/api/v1/directory', {
    entry: toJsonValue(await issueCertificate(certified, first.orgKey)),
  });
  const signer = await generateSigner();
  const kem = await XWing.generateKeyPair();
  const cert: DeviceCertificate = {
    v: 1,
    kind: 'device',
    org: first.org,
    user,
    device: toBase64url(randomBytes(16)),
    label: 'bench',
    signingKey: signer.publicKey,
    kemKey: kem.publicKey,
    issuedAt: now,
    expiresAt: now + 86400,
  };
  await call(node, 'POST', '/api/v1/directory', {
    entry: toJsonValue(await issueCertificate(cert, first.orgKey)),
  });
  return { id: cert.device, user, org: first.org, signer, orgKey: first.orgKey };
}

/**
 * `officer` approves `user`'s pending device; the officer's device has no passkey, so the
 * server holds the act (202) until `confirmer`, the organisation's other officer, confirms it.
 */
async function approveFromNode(
  node: WebNode,
  officer: NodeDevice,
  confirmer: NodeDevice,
  user: string,
): Promise<string> {
  const pending = (
    await call(node, 'GET', '/api/v1/enrolments?status=pending', undefined, officer)
  ).items.find((p: { user: string }) => p.user === user);
  const now = Math.floor(Date.now() / 1000);
  const cert: DeviceCertificate = {
    v: 1,
    kind: 'device',
    org: officer.org,
    user,
    device: pending.device,
    label: pending.label,
    signingKey: fromBase64url(pending.signingKey)!,
    kemKey: fromBase64url(pending.kemKey)!,
    issuedAt: now,
    expiresAt: now + 86400,
  };
  const held = await call(
    node,
    'POST',
    '/api/v1/directory',
    { entry: toJsonValue(await issueCertificate(cert, officer.orgKey)) },
    officer,
  );
  await call(node, 'POST', `/api/v1/officer-acts/${held.held.id}/confirm`, {}, confirmer);
  return pending.device;
}

/** 10,000 cables from DE to FR in the store, each a signed header over one sealed content. */
async function fillInbox(node: WebNode, sender: NodeDevice, log: (line: string) => void): Promise<void> {
  const page = await call(node, 'GET', '/api/v1/directory', undefined, sender);
  const root = await call(node, 'GET', '/api/v1/network');
  const { decodeSignedEntries } = await import('../src/core/identity/certificate.ts');
  const directory = await openDirectory(
    { network: root.network, key: fromBase64url(root.rootKey)!, accreditation: root.accreditation },
    decodeSignedEntries(page.entries, 'entries'),
  );
  const start = Math.floor(Date.now() / 1000) - INBOX;
  const sealed = await sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'ROUTINE',
      distribution: [{ org: 'FR', role: 'action' }],
      sentAt: start,
    },
    content: { subject: 'bench', body: 'x'.repeat(2000) },
    sender: { user: sender.user, device: sender.id, signer: sender.signer },
    directory,
    series: { serial: 1 },
  });
  const store = await openSqliteStore({
    path: node.sqlitePath,
    onFatal: (e) => {
      throw e;
    },
  });
  const started = performance.now();
  let prev: Uint8Array | undefined;
  try {
    for (let i = 0; i < INBOX; i++) {
      const { prev: _p, ...rest } = sealed.header;
      const header: CableHeader = {
        ...rest,
        id: toBase64url(randomBytes(16)),
        serial: i + 1,
        sentAt: start + i,
        precedence: PRECEDENCES[i % 97 === 0 ? 3 : i % 13 === 0 ? 2 : i % 5 === 0 ? 1 : 0]!,
        ...(prev ? { prev } : {}),
      };
      const signature = await signLabelled(sender.signer, LABELS.cableHeader, encodeHeader(header));
      const hash = cableHash(header, signature);
      // The node writes to the same file meanwhile (the browser's session and its audit
      // events): a write that meets its lock is tried again.
      const outcome = await retryWhileBusy(() =>
        store.acceptCable(
          {
            id: header.id,
            org: header.org,
            year: yearOf(header.sentAt),
            serial: header.serial,
            prev,
            senderDevice: sender.id,
            senderUser: sender.user,
            distribution: header.distribution,
            header: encodeHeader(header),
            signature,
            content: sealed.content,
            hash,
            classification: header.classification,
            precedence: header.precedence,
            sentAt: header.sentAt,
            acceptedAt: header.sentAt,
          },
          sealed.wraps.map((w) => ({ device: w.device, enc: w.enc, key: w.key })),
          auditRecord({
            at: header.sentAt,
            type: 'cable.accepted',
            actor: {},
            object: { kind: 'cable', id: header.id },
            detail: {},
          }),
        ),
      );
      if (outcome.kind !== 'accepted') throw new Error(`cable ${i} not accepted: ${outcome.kind}`);
      prev = hash;
      if ((i + 1) % 2500 === 0)
        log(`  stored ${i + 1} cables (${Math.round(performance.now() - started)} ms)`);
    }
  } finally {
    await store.close();
  }
}

/** `write`, tried again (up to 50 times, 100 ms apart) while SQLite answers that the file is locked. */
async function retryWhileBusy<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 50 || (error as { code?: string }).code !== 'UNAVAILABLE') throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function firstLoadKb(appDir: string): number {
  let bytes = brotliCompressSync(readFileSync(join(appDir, 'index.html'))).length;
  for (const name of readdirSync(join(appDir, 'assets'))) {
    // The fan-out worker is fetched only when a large cable is sealed (docs/design.md §12).
    if (/\.(js|css)$/.test(name) && !name.startsWith('wrap-worker-'))
      bytes += brotliCompressSync(readFileSync(join(appDir, 'assets', name))).length;
  }
  return Math.round(bytes / 102.4) / 10;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function workerFigures(log: (line: string) => void): Promise<Record<string, number>> {
  const dir = join(import.meta.dirname, 'web-browser');
  const bundle = async (entry: string) =>
    (
      await build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
      })
    ).outputFiles[0]!.contents;
  const files = new Map([
    ['/bench-page.js', await bundle(join(dir, 'bench-page.ts'))],
    ['/bench-worker.js', await bundle(join(dir, 'bench-worker.ts'))],
    // The app's own fan-out worker.
    ['/bench-wrap-worker.js', await bundle(join(import.meta.dirname, '../src/web/wrap-worker.ts'))],
  ]);
  const server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (file) res.writeHead(200, { 'content-type': 'text/javascript' }).end(file);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bench-page.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => (window as unknown as { benchStep?: unknown }).benchStep !== undefined);
    /** One step in the bench worker, with the CPU time Chromium spent on it. */
    const step = async (what: string) => {
      const sampler = startCpuSampler();
      const answer = (await tab.evaluate(
        (w) => (window as unknown as { benchStep(w: string): Promise<unknown> }).benchStep(w),
        what,
      )) as Record<string, unknown> & { error?: string };
      const cpu = sampler.stop();
      if (answer.error) throw new Error(answer.error);
      return { ...answer, cpu };
    };
    const prepared = (await step('prepare')) as unknown as {
      webCryptoMlKem: boolean;
      fanOutWorkers: number;
      cores: number;
    };
    // The device worker's pool is started as compose starts it, when a draft reaches 100 devices.
    await step('warm');
    // Three rounds, alternating, and the median of each: the machine may be shared.
    type Run = { ms: number; cpu: number; busiest: number; longest: number };
    const variants = ['seal-fan-out', 'seal-fan-out-cold', 'seal-one-worker'] as const;
    const runs = new Map<string, Run[]>(variants.map((v) => [v, []]));
    for (let round = 0; round < 3; round++) {
      for (const name of variants) {
        const r = (await step(name)) as unknown as {
          sealMs: number;
          cpu?: { totalMs: number; busiestThreadMs: number };
          mainThreadLongestTaskMs: number;
        };
        runs.get(name)?.push({
          ms: r.sealMs,
          cpu: r.cpu?.totalMs ?? Number.NaN,
          busiest: r.cpu?.busiestThreadMs ?? Number.NaN,
          longest: r.mainThreadLongestTaskMs,
        });
      }
    }
    const search = (
      (await step('search')) as unknown as {
        search: {
          buildMs: number;
          loadMs: number;
          indexBytes: number;
          p50: number;
          p95: number;
          hits: number;
        };
      }
    ).search;
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const ml = prepared.webCryptoMlKem
      ? "WebCrypto's ML-KEM"
      : "noble's ML-KEM: this browser's WebCrypto has none";
    const figures = (name: (typeof variants)[number]) => {
      const of = runs.get(name) ?? [];
      return {
        ms: Math.round(median(of.map((r) => r.ms))),
        runs: of.map((r) => Math.round(r.ms)).join(', '),
        cpu: Math.round(median(of.map((r) => r.cpu))),
        busiest: Math.round(median(of.map((r) => r.busiest))),
        longest: Math.max(...of.map((r) => r.longest)),
      };
    };
    const warm = figures('seal-fan-out');
    const cold = figures('seal-fan-out-cold');
    const one = figures('seal-one-worker');
    const line = (f: typeof warm) =>
      `${f.ms} ms (runs ${f.runs}; Chromium CPU ${f.cpu} ms, busiest thread ${f.busiest} ms)`;
    log(
      `seal for 600 devices (${ml}), medians of 3, ${prepared.cores} logical processors, load average ${load}: over the device worker and ${Math.max(1, prepared.fanOutWorkers)} fan-out worker(s) started beforehand ${line(warm)}; started for the cable ${line(cold)}; on the device worker alone ${line(one)}; the app fans out here over ${prepared.fanOutWorkers} worker(s); main thread longest task meanwhile: ${Math.max(warm.longest, cold.longest, one.longest)} ms`,
    );
    log(
      `search over 10,000 cables: p50 ${search.p50.toFixed(2)} ms, p95 ${search.p95.toFixed(2)} ms; index built in ${search.buildMs.toFixed(0)} ms, ${Math.round(search.indexBytes / 1024)} KiB encrypted, loaded in ${search.loadMs.toFixed(0)} ms`,
    );
    // The app seals over its fan-out workers on four logical processors or more (none here
    // otherwise); compose starts them as soon as a draft reaches 100 devices.
    const app = prepared.fanOutWorkers > 0 ? warm : one;
    return {
      seal_600_ms: app.ms,
      seal_600_cpu_ms: app.cpu,
      seal_600_busiest_thread_ms: app.busiest,
      seal_600_fan_out_ms: warm.ms,
      seal_600_fan_out_cpu_ms: warm.cpu,
      seal_600_fan_out_busiest_thread_ms: warm.busiest,
      seal_600_cold_fan_out_ms: cold.ms,
      seal_600_cold_fan_out_cpu_ms: cold.cpu,
      seal_600_cold_fan_out_busiest_thread_ms: cold.busiest,
      seal_600_one_worker_ms: one.ms,
      seal_600_one_worker_cpu_ms: one.cpu,
      seal_600_one_worker_busiest_thread_ms: one.busiest,
      seal_fan_out_workers: prepared.fanOutWorkers,
      seal_webcrypto_ml_kem: prepared.webCryptoMlKem ? 1 : 0,
      main_thread_longest_task_ms: Math.max(warm.longest, cold.longest, one.longest),
      search_p95_ms: Math.round(search.p95 * 100) / 100,
      search_p50_ms: Math.round(search.p50 * 100) / 100,
      search_index_load_ms: Math.round(search.loadMs),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

export async function run(log: (line: string) => void): Promise<Record<string, number | null>> {
  const appDir = buildWebApp();
  try {
    const first_load_kb = firstLoadKb(appDir);
    log(`first load: ${first_load_kb} KB (Brotli: HTML, JS including the device worker, CSS)`);
    const figures = await workerFigures(log);

    const node = await startWebNode({ appDir });
    const browser = await launchChromium();
    try {
      const de = await officerDevice(node, 'de.officer');
      const fr = await officerDevice(node, 'fr.officer');
      const claire = await newPerson(browser);
      await enrol(claire, node.links.get('fr.claire')!);
      await approveFromNode(node, fr, await secondOfficerDevice(node, fr), 'fr.claire');
      await signIn(claire, node.origin);
      log(`filling an inbox of ${INBOX} cables…`);
      await fillInbox(node, de, log);

      const synced = claire.page.locator('[data-testid="sync-state"]', { hasText: `${INBOX} cables` });
      let t = performance.now();
      await claire.page.reload();
      await synced.waitFor({ timeout: 600_000 });
      const inbox_first_sync_ms = Math.round(performance.now() - t);
      log(`first sync of ${INBOX} headers (fetched and verified in the worker): ${inbox_first_sync_ms} ms`);
      await claire.page.waitForTimeout(1000); // the snapshot is written after a quiet moment

      const opens: number[] = [];
      for (let i = 0; i < 3; i++) {
        t = performance.now();
        await claire.page.reload();
        await claire.page.locator('[data-testid="inbox-row"]').first().waitFor({ timeout: 120_000 });
        opens.push(performance.now() - t);
      }
      const inbox_open_ms = Math.round(Math.min(...opens));
      log(
        `inbox of ${INBOX} opened again from the local snapshot (reload → first row): ${opens.map((o) => Math.round(o)).join(', ')} ms`,
      );
      return { inbox_open_ms, inbox_first_sync_ms, ...figures, first_load_kb };
    } finally {
      await browser.close();
      await node.stop();
    }
  } finally {
    // buildWebApp's folder is the caller's to remove.
    rmSync(dirname(appDir), { recursive: true, force: true });
  }
}
