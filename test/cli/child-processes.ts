/**
 * Real processes for the CLI suites: the server (src/server/main.ts, as `npm start` runs it)
 * on a loopback port, and, for the smoke tests, the `valise` command itself (bin/valise.mjs,
 * exactly as `npx valise` runs it).
 */

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type CliRun, TEST_PASSPHRASE } from './run-valise.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/** A child's environment: these variables only, plus PATH and TMPDIR (so the run's leftover check sees its files). */
function childEnv(env: Record<string, string>): Record<string, string> {
  const { PATH, TMPDIR } = process.env;
  return { PATH: PATH ?? '', ...(TMPDIR ? { TMPDIR } : {}), ...env };
}

/** Runs `node bin/valise.mjs ...argv` as a child process with this environment and standard input. */
export function spawnValise(
  argv: readonly string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/valise.mjs'), ...argv], {
      cwd: ROOT,
      env: childEnv({ HOME: '/nonexistent', VALISE_PASSPHRASE: TEST_PASSPHRASE, ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export interface RunningServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the server printed (its operator's view). */
  log(): string;
  /** Sends SIGTERM and resolves with the exit code once the process is gone (null if a signal ended it). */
  stop(): Promise<number | null>;
}

const SERVER_ENV = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };

/** Starts src/server/main.ts on 127.0.0.1 with PORT=0 and waits for its listening line. */
export function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<RunningServer> {
  return startListening(
    ['--import', 'tsx', resolve(ROOT, 'src/server/main.ts')],
    { ...SERVER_ENV, ...env },
    /Server listening at (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs,
  );
}

/** Runs `valise serve` (bin/valise.mjs) the same way and waits for the address it reports. */
export function startServe(env: Record<string, string>, timeoutMs = 120_000): Promise<RunningServer> {
  return startListening(
    [resolve(ROOT, 'bin/valise.mjs'), 'serve'],
    { HOME: '/nonexistent', ...SERVER_ENV, ...env },
    /^serving on (http:\/\/127\.0\.0\.1:\d+)$/m,
    timeoutMs,
  );
}

function startListening(
  args: readonly string[],
  env: Record<string, string>,
  listening: RegExp,
  timeoutMs: number,
): Promise<RunningServer> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const server: Omit<RunningServer, 'url'> = {
    process: child,
    log: () => output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(
        new Error(`the server did not say it was listening within ${timeoutMs} ms; it printed:\n${output}`),
      );
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      const match = listening.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ ...server, url: match[1]! });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code ?? signal}) before listening; it printed:\n${output}`));
    });
  });
}
