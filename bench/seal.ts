/**
 * `npm run bench -- seal`: what sealing a 10 KiB cable costs (DESIGN §4: one KEM per
 * entitled device), for 1 and for 600 devices, against the same payload encrypted with the
 * `age` command (Debian package `age`) in the same run.
 *
 * Figures (medians of several runs):
 * - xwing_ms_1, xwing_ms_600: sealCable end to end (policy, content AEAD, 600 X-Wing wraps, signature)
 * - xwing_us_per_recipient: (600 − 1) / 599 of the above
 * - classical_us_per_recipient: the same wrapping code path (wrapContentKey over every
 *   entitled device, concurrently, as sealCable does) with DHKEM(X25519) instead of X-Wing
 * - age_us_per_recipient: (age for 600 recipients − age for 1) / 599
 * - open_ms: openCable by one recipient of the 600-device cable (as the server delivers it)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkerWrapPool } from '../src/client/worker-wrap-pool.ts';
import { envelopeHash } from '../src/core/cable/cable-header.ts';
import type { KemPrivateKey } from '../src/core/cable/key-wrap.ts';
import { wrapContentKey } from '../src/core/cable/key-wrap.ts';
import { openCable } from '../src/core/cable/open-cable.ts';
import type { CableDraft, ContentKeyWrapper } from '../src/core/cable/seal-cable.ts';
import { sealCable } from '../src/core/cable/seal-cable.ts';
import { forDevice } from '../src/core/cable/sealed-cable.ts';
import { DhkemX25519 } from '../src/core/crypto/hpke/dhkem-x25519.ts';
import type { HpkeSuite } from '../src/core/crypto/hpke/hpke-suite.ts';
import { VALISE_SUITE_CLASSICAL } from '../src/core/crypto/hpke/valise-suites.ts';
import { randomBytes, toBase64url } from '../src/core/encoding/bytes.ts';
import { realKemKey } from '../test/core/fixtures/cable-network.ts';
import type { FixtureNetwork, UserSpec } from '../test/core/fixtures/network.ts';
import { buildNetwork, T0 } from '../test/core/fixtures/network.ts';
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
  let cable = await run();
  for (let i = 0; i < RUNS; i++) times.push(await time(async () => (cable = await run())));
  return { ms: median(times), cable, directory };
}

/** The wrapping step of sealCable with the classical suite, over `n` fresh X25519 keys. */
async function classicalWrapMs(n: number): Promise<number> {
  const keys = await Promise.all(Array.from({ length: n }, () => DhkemX25519.generateKeyPair()));
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
  const run = () =>
    Promise.all(
      keys.map((k, i) =>
        wrapContentKey(
          { cableId: 'bench', device: `d${i}`, publicKey: k.publicKey, envelopeHash: envelope, contentKey },
          VALISE_SUITE_CLASSICAL as HpkeSuite,
        ),
      ),
    );
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await time(run));
  return median(times);
}

function ageAvailable(): boolean {
  return spawnSync('age', ['--version']).status === 0;
}

/** Milliseconds for `age` to encrypt the payload to the first `n` recipients (median). */
function ageMs(dir: string, recipients: string[], n: number): number {
  const file = join(dir, `recipients-${n}.txt`);
  writeFileSync(file, `${recipients.slice(0, n).join('\n')}\n`);
  const payload = join(dir, 'payload');
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    execFileSync('age', ['-R', file, '-o', '/dev/null', payload]);
    if (i > 0) times.push(performance.now() - start);
  }
  return median(times);
}

export async function run(log: (line: string) => void): Promise<Figures> {
  log(`sealing a 10 KiB cable; median of ${RUNS} runs (VALISE_BENCH_RUNS to change)`);
  log('making 600 device key pairs (X-Wing) and certificates...');
  const small = await network(1, 1);
  const large = await network(30, 20);
  const one = await sealFor(small);
  const many = await sealFor(large);
  if (one.cable.wraps.length !== 1 || many.cable.wraps.length !== 600)
    throw new Error('wrong recipient counts');
  const xwingPer = ((many.ms - one.ms) * 1000) / 599;
  log(
    `X-Wing sealCable: 1 device ${one.ms.toFixed(2)} ms, 600 devices ${many.ms.toFixed(1)} ms (${xwingPer.toFixed(0)} µs per device)`,
  );
  const pool = startWorkerWrapPool();
  const pooled = await sealFor(large, pool);
  await pool.close();
  log(
    `X-Wing sealCable with the worker pool (${availableParallelism()} threads): 600 devices ${pooled.ms.toFixed(1)} ms`,
  );

  const reader = large.devices[417]!;
  const delivered = forDevice(many.cable, reader.id);
  const recipient = { device: reader.id, privateKey: reader.kem.privateKey as KemPrivateKey };
  await openCable(delivered, { directory: many.directory, recipient });
  const opens: number[] = [];
  for (let i = 0; i < 20; i++)
    opens.push(await time(() => openCable(delivered, { directory: many.directory, recipient })));
  const openMs = median(opens);
  log(`openCable (one recipient of 600, its wrap only): ${openMs.toFixed(2)} ms`);

  const c1 = await classicalWrapMs(1);
  const c600 = await classicalWrapMs(600);
  const classicalPer = ((c600 - c1) * 1000) / 599;
  log(
    `classical (DHKEM X25519) wrapping: 1 device ${c1.toFixed(2)} ms, 600 devices ${c600.toFixed(1)} ms (${classicalPer.toFixed(0)} µs per device)`,
  );

  let agePer: number | null = null;
  if (ageAvailable()) {
    const dir = mkdtempSync(join(tmpdir(), 'valise-bench-age-'));
    try {
      writeFileSync(join(dir, 'payload'), BODY);
      const recipients: string[] = [];
      for (let i = 0; i < 600; i++) {
        const out = execFileSync('age-keygen', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        recipients.push(/public key: (age1[0-9a-z]+)/.exec(out)?.[1] ?? /# public key: (\S+)/.exec(out)![1]!);
      }
      const a1 = ageMs(dir, recipients, 1);
      const a600 = ageMs(dir, recipients, 600);
      agePer = ((a600 - a1) * 1000) / 599;
      log(
        `age: 1 recipient ${a1.toFixed(2)} ms, 600 recipients ${a600.toFixed(1)} ms (${agePer.toFixed(0)} µs per recipient)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    log('age is not installed (apt-get install age): no age comparison this run');
  }
  const ratio = agePer ? classicalPer / agePer : null;
  log(
    `goals: X-Wing 600 < 300 ms (${Math.min(many.ms, pooled.ms) < 300 ? 'met' : 'missed'}); open < 5 ms (${openMs < 5 ? 'met' : 'missed'}); classical/age <= 1.0 (${ratio === null ? 'n/a' : ratio.toFixed(2)})`,
  );
  return {
    xwing_ms_1: round(one.ms),
    xwing_ms_600: round(many.ms),
    xwing_ms_600_worker_pool: round(pooled.ms),
    xwing_us_per_recipient: round(xwingPer),
    classical_us_per_recipient: round(classicalPer),
    age_us_per_recipient: agePer === null ? null : round(agePer),
    classical_to_age_ratio: ratio === null ? null : round(ratio),
    open_ms: round(openMs),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
