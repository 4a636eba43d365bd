/**
 * `npm run bench -- seal`: what sealing a 10 KiB cable costs (docs/design.md §4: one KEM per
 * entitled device), for 1 and for 600 devices, against the same payload encrypted with the
 * `age` command (Debian package `age`) in the same run.
 *
 * Figures (medians of several runs), on the primitives the CLI uses (`nodeSuites`: node:crypto's
 * native ML-KEM, X25519, SHA3 and AES-GCM from Node 24.7; the portable ones before):
 * - xwing_ms_1, xwing_ms_600: sealCable end to end (policy, content AEAD, 600 X-Wing wraps,
 *   signature), wrapping as the CLI does (`cliWrapper`)
 * - xwing_us_per_recipient: (600 − 1) / 599 of the above
 * - xwing_cpu_ms_600: the process CPU time of that seal, what it costs on a quiet core when
 *   other work shares the machine
 * - xwing_ms_600_in_thread, xwing_ms_600_workers_1, xwing_ms_600_workers_2: the 600-device seal
 *   on the calling thread and on a warm pool of one and two workers; pool_start_ms_1/2: what
 *   starting that pool costs (a CLI command pays it on every send)
 * - xwing_ms_600_portable, open_ms_portable, classical_us_per_recipient_portable: the same on
 *   core's portable primitives (noble ML-KEM, WebCrypto X25519 and AES-GCM), for comparison
 * - classical_us_per_recipient: the same wrapping code path (sealCable's in-thread wrapper:
 *   wrapContentKey over every entitled device, a bounded window at a time) with DHKEM(X25519)
 *   instead of X-Wing
 * - age_us_per_recipient: (age for 600 recipients − age for 1) / 599
 * - classical_to_age_ratio: classical against age timed in alternating rounds (each round
 *   times both, for 1 and 600 recipients), so that a shared machine's changing speed weighs on
 *   both alike; the three figures are medians over the rounds
 * - open_ms: openCable by one recipient of the 600-device cable (as the server delivers it)
 * - classical_cpu_us_per_recipient, age_cpu_us_per_recipient, classical_to_age_cpu_ratio,
 *   open_cpu_ms: the same in CPU time (this process's; age's from /proc, in clock ticks, so
 *   a mean over runs), which a machine shared with other work does not inflate as it does
 *   the wall-clock figures
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliWrapper } from '../src/client/cli-wrapper.ts';
import { startWorkerWrapPool } from '../src/client/worker-wrap-pool.ts';
import { envelopeHash } from '../src/core/cable/cable-header.ts';
import type { KemPrivateKey } from '../src/core/cable/key-wrap.ts';
import { openCable } from '../src/core/cable/open-cable.ts';
import type { CableDraft, ContentKeyWrapper } from '../src/core/cable/seal-cable.ts';
import { inThreadWrapperFor, sealCable } from '../src/core/cable/seal-cable.ts';
import { forDevice } from '../src/core/cable/sealed-cable.ts';
import type { HpkeSuite } from '../src/core/crypto/hpke/hpke-suite.ts';
import { NOBLE_PRIMITIVES } from '../src/core/crypto/hpke/noble-primitives.ts';
import { type ValiseSuites, valiseSuites } from '../src/core/crypto/hpke/valise-suites.ts';
import { XWingKem, type XWingPrivateKey } from '../src/core/crypto/hpke/x-wing.ts';
import { randomBytes, toBase64url } from '../src/core/encoding/bytes.ts';
import { nodePrimitives } from '../src/platform/node-crypto.ts';
import { realKemKey } from '../test/core/fixtures/cable-network.ts';
import type { FixtureNetwork, UserSpec } from '../test/core/fixtures/network.ts';
import { buildNetwork, T0 } from '../test/core/fixtures/network.ts';
import { AgeShell } from './age-shell.ts';
import type { Figures } from './run.ts';

const RUNS = Number(process.env.VALISE_BENCH_RUNS ?? 5);
const BODY = 'x'.repeat(10 * 1024);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Wall and process CPU milliseconds of `run`, each the median of `runs`. */
async function timeAndCpu(run: () => Promise<unknown>, runs: number): Promise<{ ms: number; cpuMs: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    times.push(await time(run));
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu) };
}

/** `orgs` organisations × `perOrg` members; every device is entitled to a cable to all orgs. */
async function network(orgs: number, perOrg: number): Promise<FixtureNetwork> {
  const ids = Array.from({ length: orgs }, (_, i) => `O${String(i).padStart(2, '0')}`);
  const users: UserSpec[] = [];
  for (const org of ids)
    for (let i = 0; i < perOrg; i++)
      users.push({ user: `${org.toLowerCase()}.m${i}`, org, clearance: 'RESTREINT UE' });
  return buildNetwork(
    { orgs: ids.map((org) => ({ org })), users, accreditation: 'RESTREINT UE' },
    realKemKey,
  );
}

function draftFor(net: FixtureNetwork): CableDraft {
  const orgs = [...new Set(net.devices.map((d) => d.org))];
  return {
    classification: 'RESTREINT UE',
    precedence: 'ROUTINE',
    distribution: orgs.map((org) => ({ org, role: 'info' as const })),
    sentAt: T0,
  };
}

async function sealFor(net: FixtureNetwork, wrapper?: ContentKeyWrapper) {
  const directory = await net.directory();
  const sender = net.devices[0]!;
  const draft = draftFor(net);
  const run = () =>
    sealCable({
      draft,
      content: { subject: 'Benchmark', body: BODY },
      sender: { user: sender.user, device: sender.id, signer: sender.signer },
      directory,
      series: { serial: 1 },
      ...(wrapper ? { wrapper } : {}),
    });
  // Warm-up: the JIT needs a few hundred ML-KEM runs in each thread before it settles.
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  const cpu: number[] = [];
  let cable = await run();
  for (let i = 0; i < RUNS; i++) {
    const before = process.cpuUsage();
    times.push(await time(async () => (cable = await run())));
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  // CPU time of the whole process: for an in-thread seal it is what the seal costs on a quiet
  // core, even when other work shares the machine (for a pool it also counts the workers).
  return { ms: median(times), cpuMs: median(cpu), cable, directory };
}

/**
 * The wrapping step of sealCable with the classical suite, over `n` fresh X25519 keys, ready
 * to run (and run once, to warm up).
 */
async function classicalWrap(n: number, suite: HpkeSuite): Promise<() => Promise<unknown>> {
  const keys = await Promise.all(Array.from({ length: n }, () => suite.kem.generateKeyPair()));
  const envelope = envelopeHash({
    v: 1,
    suite: 'bench',
    id: toBase64url(randomBytes(16)),
    org: 'DE',
    sender: { user: 'de.a', device: toBase64url(randomBytes(16)) },
    sentAt: T0,
    classification: 'RESTREINT UE',
    markings: [],
    precedence: 'ROUTINE',
    distribution: [{ org: 'DE', role: 'info' }],
    groups: [],
    epoch: 1,
  });
  const contentKey = randomBytes(32);
  const requests = keys.map((k, i) => ({
    cableId: 'bench',
    device: `d${i}`,
    publicKey: k.publicKey,
    envelopeHash: envelope,
    contentKey,
  }));
  // The wrapper sealCable wraps with on this thread (a bounded window of wraps in flight), not
  // all 600 started at once: that made 600 promise chains and their garbage, which no seal does.
  const wrapper = inThreadWrapperFor(suite);
  const run = () => wrapper.wrap(requests);
  await run();
  return run;
}

async function classicalWrapMs(n: number, suite: HpkeSuite): Promise<{ ms: number; cpuMs: number }> {
  return timeAndCpu(await classicalWrap(n, suite), RUNS);
}

function ageAvailable(): boolean {
  return spawnSync('age', ['--version']).status === 0;
}

async function openMs(sealed: Awaited<ReturnType<typeof sealFor>>, net: FixtureNetwork, suite: HpkeSuite) {
  const reader = net.devices[417]!;
  const delivered = forDevice(sealed.cable, reader.id);
  // As a device's key store does: its X-Wing private key is imported once, then kept.
  const held = reader.kem.privateKey as KemPrivateKey;
  const privateKey = suite.kem instanceof XWingKem ? await suite.kem.prepare(held as XWingPrivateKey) : held;
  const request = { directory: sealed.directory, recipient: { device: reader.id, privateKey }, suite };
  await openCable(delivered, request);
  return timeAndCpu(() => openCable(delivered, request), 20);
}

async function classicalPerRecipient(suite: HpkeSuite): Promise<PerRecipient> {
  const one = await classicalWrapMs(1, suite);
  const many = await classicalWrapMs(600, suite);
  return {
    one: one.ms,
    many: many.ms,
    per: ((many.ms - one.ms) * 1000) / 599,
    cpuPer: ((many.cpuMs - one.cpuMs) * 1000) / 599,
  };
}

/** Seal for 600 on a pool of `size` workers: what starting it costs, and a warm seal. */
async function pooled(net: FixtureNetwork, size: number): Promise<{ startMs: number; ms: number }> {
  const start = performance.now();
  const pool = await startWorkerWrapPool(size);
  const startMs = performance.now() - start;
  try {
    return { startMs, ms: (await sealFor(net, pool)).ms };
  } finally {
    await pool.close();
  }
}

/** Milliseconds for 1 and for 600 recipients, and what one more recipient costs (µs, CPU µs). */
interface PerRecipient {
  readonly one: number;
  readonly many: number;
  readonly per: number;
  readonly cpuPer: number;
}

interface Comparison {
  readonly classical: PerRecipient;
  readonly age: PerRecipient;
  /** Each round's classical / age, wall clock, in order. */
  readonly rounds: readonly number[];
  /** Their median. */
  readonly ratio: number;
}

function classicalLine(classical: PerRecipient): string {
  return `classical (DHKEM X25519) wrapping: 1 device ${classical.one.toFixed(2)} ms, 600 devices ${classical.many.toFixed(1)} ms (${classical.per.toFixed(0)} µs per device; CPU ${classical.cpuPer.toFixed(0)} µs)`;
}

/**
 * Classical wrapping and `age`, per recipient, timed in alternating rounds: each round times
 * both for 1 and for 600 recipients, one after the other, so a machine that speeds up or slows
 * down under other work (a shared host does, by a third within minutes) weighs on both alike.
 * The figures are medians over the rounds; the ratio is the median of the rounds' ratios. CPU
 * time is summed over the rounds (the shell's `times` counts age's in hundredths of a second).
 */
async function classicalAgainstAge(
  suite: HpkeSuite,
  log: (line: string) => void,
): Promise<Comparison | string> {
  if (!ageAvailable()) {
    log(
      'age is not installed, so there is no age comparison this run: install it with `apt-get install age`',
    );
    return 'not installed: apt-get install age';
  }
  const dir = mkdtempSync(join(tmpdir(), 'valise-bench-age-'));
  try {
    writeFileSync(join(dir, 'payload'), BODY);
    const recipients: string[] = [];
    for (let i = 0; i < 600; i++) {
      const out = execFileSync('age-keygen', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      recipients.push(/public key: (age1[0-9a-z]+)/.exec(out)?.[1] ?? /# public key: (\S+)/.exec(out)![1]!);
    }
    const ageFile = (n: number) => {
      const file = join(dir, `recipients-${n}.txt`);
      writeFileSync(file, `${recipients.slice(0, n).join('\n')}\n`);
      return file;
    };
    const payload = join(dir, 'payload');
    const ageOne = ageFile(1);
    const ageMany = ageFile(600);
    const wrapOne = await classicalWrap(1, suite);
    const wrapMany = await classicalWrap(600, suite);
    const shell = AgeShell.start();
    const rounds = Math.max(RUNS, 10);
    const c = { one: [] as number[], many: [] as number[], per: [] as number[], cpuOne: 0, cpuMany: 0 };
    const a = { one: [] as number[], many: [] as number[], per: [] as number[], cpuOne: 0, cpuMany: 0 };
    const ratios: number[] = [];
    const cpuOf = (used: NodeJS.CpuUsage) => (used.user + used.system) / 1000;
    try {
      // Untimed, once each: age, and the wraps after the fork that started the shell.
      await shell.encrypt(ageMany, payload);
      await wrapMany();
      for (let round = 0; round < rounds; round++) {
        let before = process.cpuUsage();
        c.one.push(await time(wrapOne));
        c.cpuOne += cpuOf(process.cpuUsage(before));
        before = process.cpuUsage();
        c.many.push(await time(wrapMany));
        c.cpuMany += cpuOf(process.cpuUsage(before));
        let seconds = await shell.childrenCpuSeconds();
        a.one.push(await shell.encrypt(ageOne, payload));
        a.cpuOne += ((await shell.childrenCpuSeconds()) - seconds) * 1000;
        seconds = await shell.childrenCpuSeconds();
        a.many.push(await shell.encrypt(ageMany, payload));
        a.cpuMany += ((await shell.childrenCpuSeconds()) - seconds) * 1000;
        const classicalPer = ((c.many.at(-1)! - c.one.at(-1)!) * 1000) / 599;
        const agePer = ((a.many.at(-1)! - a.one.at(-1)!) * 1000) / 599;
        c.per.push(classicalPer);
        a.per.push(agePer);
        ratios.push(classicalPer / agePer);
      }
    } finally {
      shell.close();
    }
    const perRecipient = (many: number, one: number) => ((many - one) * 1000) / rounds / 599;
    const ageCpu = perRecipient(a.cpuMany, a.cpuOne);
    const comparison: Comparison = {
      classical: {
        one: median(c.one),
        many: median(c.many),
        per: median(c.per),
        cpuPer: perRecipient(c.cpuMany, c.cpuOne),
      },
      age: {
        one: median(a.one),
        many: median(a.many),
        per: median(a.per),
        cpuPer: ageCpu,
      },
      rounds: ratios,
      ratio: median(ratios),
    };
    return comparison;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(log: (line: string) => void): Promise<Figures> {
  log(
    `sealing a 10 KiB cable; median of ${RUNS} runs (VALISE_BENCH_RUNS to change); Node ${process.version}`,
  );
  const native = await nodePrimitives();
  const suites: ValiseSuites = valiseSuites(native ?? NOBLE_PRIMITIVES);
  const portable = valiseSuites(NOBLE_PRIMITIVES);
  log(
    `primitives: ${native ? native.name : `${NOBLE_PRIMITIVES.name} (no ML-KEM in node:crypto before Node 24.7)`}`,
  );
  log('making 600 device key pairs (X-Wing) and certificates...');
  const small = await network(1, 1);
  const large = await network(30, 20);
  const cli = await cliWrapper();
  const one = await sealFor(small, cli);
  const many = await sealFor(large, cli);
  if (one.cable.wraps.length !== 1 || many.cable.wraps.length !== 600)
    throw new Error('wrong recipient counts');
  const xwingPer = ((many.ms - one.ms) * 1000) / 599;
  log(
    `X-Wing sealCable as the CLI wraps: 1 device ${one.ms.toFixed(2)} ms, 600 devices ${many.ms.toFixed(1)} ms (${xwingPer.toFixed(0)} µs per device); CPU time for 600: ${many.cpuMs.toFixed(1)} ms`,
  );
  const inThread = await sealFor(large, inThreadWrapperFor(suites.xwing));
  const workers1 = await pooled(large, 1);
  const workers2 = await pooled(large, 2);
  log(
    `600 devices: in-thread ${inThread.ms.toFixed(1)} ms; warm pool of 1 worker ${workers1.ms.toFixed(1)} ms (start ${workers1.startMs.toFixed(0)} ms), of 2 workers ${workers2.ms.toFixed(1)} ms (start ${workers2.startMs.toFixed(0)} ms); ${availableParallelism()} cores`,
  );
  const openNative = await openMs(many, large, suites.xwing);
  log(
    `openCable (one recipient of 600, its wrap only): ${openNative.ms.toFixed(2)} ms (CPU ${openNative.cpuMs.toFixed(2)} ms)`,
  );
  const compared = await classicalAgainstAge(suites.classical, log);
  // Without age, the classical figures are still measured, on their own.
  const classical =
    typeof compared === 'string' ? await classicalPerRecipient(suites.classical) : compared.classical;
  log(classicalLine(classical));
  if (typeof compared !== 'string') {
    const { age, rounds } = compared;
    log(
      `age, in the same rounds: 1 recipient ${age.one.toFixed(2)} ms, 600 recipients ${age.many.toFixed(1)} ms (${age.per.toFixed(0)} µs per recipient; CPU ${age.cpuPer.toFixed(0)} µs); classical/age per round: ${rounds.map((r) => r.toFixed(2)).join(' ')}`,
    );
  }

  log('the same on the portable primitives (noble ML-KEM, WebCrypto X25519 and AES-GCM):');
  const manyPortable = await sealFor(large, inThreadWrapperFor(portable.xwing));
  const openPortable = await openMs(manyPortable, large, portable.xwing);
  const classicalPortable = await classicalPerRecipient(portable.classical);
  log(
    `  600 devices ${manyPortable.ms.toFixed(1)} ms (CPU time ${manyPortable.cpuMs.toFixed(1)} ms); open ${openPortable.ms.toFixed(2)} ms; classical ${classicalPortable.per.toFixed(0)} µs per device`,
  );

  const age = typeof compared === 'string' ? compared : compared.age;
  const ratio = typeof compared === 'string' ? null : compared.ratio;
  const cpuRatio = typeof age === 'string' ? null : classical.cpuPer / age.cpuPer;
  log(
    `goals: X-Wing 600 < 150 ms (${many.ms < 150 ? 'met' : 'missed'}); open < 2 ms (${openNative.ms < 2 ? 'met' : 'missed'}); classical/age <= 1.0 (${ratio === null ? 'no age' : `${ratio.toFixed(2)}, ${ratio <= 1 ? 'met' : 'missed'}`}; in CPU time ${cpuRatio === null ? 'not measured' : cpuRatio.toFixed(2)})`,
  );
  return {
    node: process.version,
    primitives: native ? native.name : NOBLE_PRIMITIVES.name,
    xwing_ms_1: round(one.ms),
    xwing_ms_600: round(many.ms),
    xwing_us_per_recipient: round(xwingPer),
    xwing_cpu_ms_600: round(many.cpuMs),
    xwing_cpu_ms_600_portable: round(manyPortable.cpuMs),
    xwing_ms_600_in_thread: round(inThread.ms),
    xwing_ms_600_workers_1: round(workers1.ms),
    xwing_ms_600_workers_2: round(workers2.ms),
    pool_start_ms_1: round(workers1.startMs),
    pool_start_ms_2: round(workers2.startMs),
    xwing_ms_600_portable: round(manyPortable.ms),
    classical_us_per_recipient: round(classical.per),
    classical_cpu_us_per_recipient: round(classical.cpuPer),
    classical_us_per_recipient_portable: round(classicalPortable.per),
    age_us_per_recipient: typeof age === 'string' ? age : round(age.per),
    age_cpu_us_per_recipient: typeof age === 'string' ? null : round(age.cpuPer),
    classical_to_age_ratio: ratio === null ? null : round(ratio),
    classical_to_age_cpu_ratio: cpuRatio === null ? null : round(cpuRatio),
    open_ms: round(openNative.ms),
    open_cpu_ms: round(openNative.cpuMs),
    open_ms_portable: round(openPortable.ms),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
