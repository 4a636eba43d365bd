/**
 * CLI benchmark: the `valise` command as a user runs it, one process per command
 * (`node bin/valise.mjs ...`), against a real server on loopback with a fresh SQLite file.
 * The network (three organisations of ten devices each, 30 devices: two security officers and
 * eight people) and 50 cables are set up in-process first, as the CLI suites found their
 * organisations (test/cli/found-organisation.ts: the second officer confirms the first's
 * held invitations and approvals); then, each the median of several runs:
 * - help_ms: `valise --help`, the floor of any command (start, load, print);
 * - inbox_ms: `valise inbox` for one recipient of the 50 cables, warm (run once before), with
 *   the profile's key agent running (`valise agent start`), as a user works through a day;
 * - send_ms: `valise send` of a RESTREINT UE cable to the three organisations (30 devices),
 *   with the agent too;
 * - inbox_no_agent_ms, send_no_agent_ms: the same with no agent, each paying for one scrypt
 *   unlock of the key file (the first command of a day, or a copy of the profile).
 * The timed commands with the agent get no passphrase at all, so they can only have used it.
 * BENCH_VALISE names another entry script to measure (e.g. an older bin), BENCH_RUNS the
 * number of runs (default 7), VALISE_NODE_FLAGS node flags for the timed commands. Measures and
 * prints; never fails on a time.
 * Key files are encrypted (scrypt, docs/design.md §5): the two timed profiles (AA-1, BB-3) are
 * made with the real work factor, so each timed command without the agent pays for one unlock
 * as a user's does, and each agent's start pays for one; the other profiles of the setup use a low one, only to keep the setup short.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliEnvironment } from '../src/cli/cli-environment.ts';
import { passphraseFromEnvironment } from '../src/cli/passphrase-from-environment.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { enrolPerson, foundOrganisation, type Ok } from '../test/cli/found-organisation.ts';
import type { Figures } from './run.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ORGS = ['AA', 'BB', 'CC'];
const DEVICES_PER_ORG = 10;
/** Each organisation's security officers, of its ten devices (test/cli/found-organisation.ts). */
const OFFICERS = 2;
const CABLES = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOALS = { help_ms: 250, inbox_ms: 600, send_ms: 800 };
/** VALISE_NODE_FLAGS adds node flags to each timed command, e.g. `--cpu-prof` to profile it. */
const NODE_FLAGS = (process.env.VALISE_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const PASSPHRASE = 'benchmark passphrase, not a secret';
const TIMED_PROFILES = ['AA-1', 'BB-3'];
const SETUP_WORK_FACTOR = 10;

/** In-process `valise`, for the setup only: fast, and the same code as the command. */
function inProcess(configDir: string) {
  const environment = (
    stdin: string,
    out: string[],
    err: string[],
    timedProfile: boolean,
  ): CliEnvironment => ({
    configDir,
    defaultProfile: 'default',
    fetch: (input, init) => globalThis.fetch(input, init),
    clock: { nowSeconds: () => Math.floor(Date.now() / 1000) },
    uid: process.getuid?.(),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => new TextEncoder().encode(stdin),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    writeNewFile: (path, data) => writeFile(path, data, { flag: 'wx', mode: 0o600 }),
    passphrase: passphraseFromEnvironment({ VALISE_PASSPHRASE: PASSPHRASE }, undefined),
    ...(timedProfile ? {} : { keyFileWorkFactor: SETUP_WORK_FACTOR }),
    serve: async () => {
      throw new Error('the benchmark runs its own server');
    },
  });
  return async (argv: readonly string[], stdin = ''): Promise<Record<string, unknown>> => {
    const out: string[] = [];
    const err: string[] = [];
    const timedProfile = TIMED_PROFILES.some((p) => argv.includes(p));
    // `--json` first: an argument list may end with `--` and a code.
    const code = await runCli(['--json', ...argv], environment(stdin, out, err, timedProfile));
    if (code !== 0) throw new Error(`valise ${argv.join(' ')} failed: ${err.join('')}`);
    return JSON.parse(out.join('')) as Record<string, unknown>;
  };
}

function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the server did not say it was listening within 120 s:\n${output}`));
    }, 120_000);
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ url: match[1]!, child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
}

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc/self/stat
 * (Linux; undefined elsewhere): on a busy machine it says what a command costs, where the
 * wall-clock time mostly says how long it waited for a core.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // cutime and cstime, fields 16 and 17 of proc(5): the 14th and 15th after the name.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number | undefined;
}

/** One spawned command, timed from spawn to exit; fails the setup (not the bench) if it fails. */
function timed(entry: string, argv: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(process.execPath, [...NODE_FLAGS, entry, ...argv], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: env.VALISE_CONFIG_DIR ?? '/nonexistent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      const cpuAfter = childrenCpuMs();
      const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      if (code === 0) done({ wallMs, cpuMs });
      else fail(new Error(`valise ${argv.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

const middle = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The median wall-clock and CPU times of RUNS runs. */
async function median(label: string, run: () => Promise<Run>, log: (line: string) => void) {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  const walls = runs.map((r) => r.wallMs).sort((a, b) => a - b);
  const cpus = runs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
  const cpu = cpus.length === runs.length ? Math.round(middle(cpus)) : null;
  const cpuText = cpu === null ? '' : `, CPU ${cpu} ms`;
  log(
    `${label}: median ${middle(walls).toFixed(0)} ms of ${RUNS} (min ${walls[0]!.toFixed(0)}, max ${walls.at(-1)!.toFixed(0)})${cpuText}`,
  );
  return { wall: Math.round(middle(walls)), cpu };
}

export async function run(log: (line: string) => void): Promise<Figures> {
  const entry = resolve(ROOT, process.env.BENCH_VALISE ?? 'bin/valise.mjs');
  const configDir = mkdtempSync(join(tmpdir(), 'valise-bench-cli-config-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'valise-bench-cli-data-'));
  let server: ChildProcess | undefined;
  const agents: string[] = [];
  try {
    const valise = inProcess(configDir);
    const init = await valise([
      '--profile',
      'authority',
      'network',
      'init',
      '--network',
      'bench',
      '--accreditation',
      'RESTREINT UE',
    ]);
    const rootKey = String(init.rootKey);
    const started = await startServer({
      VALISE_DATA_DIR: dataDir,
      VALISE_NETWORK: 'bench',
      VALISE_ROOT_KEY: rootKey,
    });
    server = started.child;
    const url = started.url;
    log(`server at ${url}; setting up ${ORGS.length} organisations of ${DEVICES_PER_ORG} devices`);
    const ok: Ok = (profile, argv) => valise(['--profile', profile, ...argv]);
    const enrol = ['--server', url, '--root', rootKey, '--label', 'laptop'];
    for (const org of ORGS) {
      // As the CLI suites found theirs: two officers on the day, the second confirming the
      // first's officer acts (a command-line officer's invitation and approval are held).
      const confirmHeld = await foundOrganisation(ok, {
        org,
        name: `Ministry ${org}`,
        configDir,
        server: url,
        rootKey,
      });
      for (let d = 1; d <= DEVICES_PER_ORG - OFFICERS; d++) {
        await enrolPerson(ok, confirmHeld, {
          officer: `${org.toLowerCase()}-so`,
          profile: `${org}-${d}`,
          invite: [
            '--user',
            `${org.toLowerCase()}.person${d}`,
            '--name',
            `Person ${d} of ${org}`,
            '--clearance',
            'RESTREINT UE',
            '--expires',
            '1h',
          ],
          enrol,
        });
      }
    }
    const bodyFile = join(configDir, 'body.txt');
    writeFileSync(bodyFile, 'The Council is invited to take note of the attached report. '.repeat(20));
    const send = [
      'send',
      '--subject',
      'Benchmark cable',
      '--classification',
      'RESTREINT UE',
      '--to',
      'AA',
      '--to',
      'BB',
      '--to',
      'CC',
      '--body-file',
      bodyFile,
    ];
    for (let i = 0; i < CABLES; i++) await valise(['--profile', 'AA-1', ...send]);
    log(`${CABLES} cables sent to ${ORGS.length * DEVICES_PER_ORG} devices; timing ${entry}`);

    const env = { VALISE_CONFIG_DIR: configDir, VALISE_PASSPHRASE: PASSPHRASE };
    const help = await median('valise --help', () => timed(entry, ['--help'], env), log);
    await timed(entry, ['--profile', 'BB-3', 'inbox'], env); // warm: the first run syncs
    const inboxNoAgent = await median(
      `valise inbox (${CABLES} cables), no agent`,
      () => timed(entry, ['--profile', 'BB-3', 'inbox'], env),
      log,
    );
    await timed(entry, ['--profile', 'AA-1', ...send], env);
    const sendNoAgent = await median(
      `valise send (${ORGS.length * DEVICES_PER_ORG} devices), no agent`,
      () => timed(entry, ['--profile', 'AA-1', ...send], env),
      log,
    );
    // The agents start in the background and outlive `agent start`; stopped in `finally`.
    for (const profile of TIMED_PROFILES) {
      agents.push(profile);
      await timed(entry, ['--profile', profile, 'agent', 'start', '--idle', '30m'], env);
    }
    const noPassphrase = { VALISE_CONFIG_DIR: configDir };
    const inbox = await median(
      `valise inbox (${CABLES} cables), agent running`,
      () => timed(entry, ['--profile', 'BB-3', 'inbox'], noPassphrase),
      log,
    );
    const sending = await median(
      `valise send (${ORGS.length * DEVICES_PER_ORG} devices), agent running`,
      () => timed(entry, ['--profile', 'AA-1', ...send], noPassphrase),
      log,
    );
    const figures = { help_ms: help.wall, inbox_ms: inbox.wall, send_ms: sending.wall };
    for (const [name, goal] of Object.entries(GOALS)) {
      const value = figures[name as keyof typeof figures];
      log(`${name} ${value} ms, goal < ${goal} ms: ${value < goal ? 'met' : 'missed'}`);
    }
    log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores`,
    );
    return {
      ...figures,
      inbox_no_agent_ms: inboxNoAgent.wall,
      send_no_agent_ms: sendNoAgent.wall,
      help_cpu_ms: help.cpu,
      inbox_cpu_ms: inbox.cpu,
      send_cpu_ms: sending.cpu,
      inbox_no_agent_cpu_ms: inboxNoAgent.cpu,
      send_no_agent_cpu_ms: sendNoAgent.cpu,
      load_average: Number((loadavg()[0] ?? 0).toFixed(2)),
      runs: RUNS,
      node: process.version,
    };
  } finally {
    for (const profile of agents) {
      await timed(entry, ['--profile', profile, 'agent', 'stop'], { VALISE_CONFIG_DIR: configDir }).catch(
        () => undefined,
      );
    }
    if (server && server.exitCode === null) {
      const exited = new Promise((done) => server!.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(configDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
