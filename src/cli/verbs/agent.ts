/**
 * `valise agent start | stop | status`: the profile's key agent (docs/design.md §5, "The key
 * agent"), as `ssh-agent` and `ssh-add` are for SSH keys. `start` asks the passphrase once,
 * opens the key file and serves the device's private-key operations on a Unix socket in the
 * profile's 0700 `agent/` folder; every later command of the profile uses it instead of the
 * passphrase and scrypt, until it has been idle too long, reaches its lifetime, is stopped,
 * or its key file changes. Without --foreground it runs in the background (its own session):
 * the command returns once it listens, or with its failure (a wrong passphrase).
 */
import { appendFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentClient } from '../../client/agent-client.ts';
import type { AgentStatus } from '../../client/agent-protocol.ts';
import {
  agentFolder,
  agentLogPath,
  agentSocketPath,
  checkSocketPathLength,
  makeAgentFolder,
} from '../../client/agent-socket.ts';
import { CLIENT_ERROR_CODES, ClientError, type LocalErrorCode } from '../../client/client-error.ts';
import { profileFolder } from '../../client/file-key-store.ts';
import {
  DEFAULT_AGENT_IDLE_SECONDS,
  DEFAULT_AGENT_LIFETIME_SECONDS,
  startKeyAgent,
} from '../../client/key-agent.ts';
import type { PassphraseSource } from '../../client/passphrase-source.ts';
import { readPrivateFile } from '../../client/private-file.ts';
import { isSealedKeyFile } from '../../client/sealed-key-file.ts';
import { constantTimeEqual } from '../../core/encoding/bytes.ts';
import { nodeSuites } from '../../platform/node-suites.ts';
import type { CliEnvironment } from '../cli-environment.ts';
import { duration, flag, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb, VerbOutput } from '../verb.ts';

/** How often a running agent checks its clock and its key file without a request. */
const TICK_MS = 5_000;
/** How long `stop` waits for the socket to go. */
const STOP_WAIT_MS = 5_000;

interface AgentPlace {
  readonly dir: string;
  readonly keyFile: string;
  readonly socket: string;
}

function placeOf(cli: CliEnvironment, profile: string): AgentPlace {
  const dir = profileFolder(cli.configDir, profile);
  const given = cli.agentSocket;
  const socket = given && given !== 'none' ? given : agentSocketPath(dir);
  return { dir, keyFile: `${dir}/keys.json`, socket };
}

function describe(status: AgentStatus, now: number): string {
  const minutes = Math.max(0, Math.round((status.stopsAt - now) / 60));
  return `key agent of profile ${status.profile} (device ${status.device}, pid ${status.pid}) on ${status.socket}; stops in ${minutes} min unless used (idle ${status.idleSeconds / 60} min, lifetime ${status.lifetimeSeconds / 3600} h)`;
}

export const agentStartVerb: Verb = {
  name: 'agent start',
  summary: 'keep this profile unlocked for a while: later commands need no passphrase',
  synopsis: '[--idle 15m] [--lifetime 12h] [--foreground]',
  help: [
    '--idle <duration>      stop after this long unused (default 15m)',
    '--lifetime <duration>  stop after this long in all (default 12h)',
    '--foreground           serve in this process until stopped (Ctrl-C), e.g. under systemd',
    '--passphrase-stdin     read the passphrase from standard input (how start hands it to its',
    '                       background process)',
    'Asks the passphrase once (prompt, VALISE_PASSPHRASE_FILE or VALISE_PASSPHRASE). The agent',
    'signs and opens key wraps for the commands of this user; it never hands out the keys, and',
    'stops when its key file changes. A copy of the profile folder still needs the passphrase.',
  ],
  options: {
    idle: { type: 'string' },
    lifetime: { type: 'string' },
    foreground: { type: 'boolean' },
    'passphrase-stdin': { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const idle = text(values, 'idle');
    const lifetime = text(values, 'lifetime');
    const idleSeconds = idle ? duration(idle, 'idle') : DEFAULT_AGENT_IDLE_SECONDS;
    const lifetimeSeconds = lifetime ? duration(lifetime, 'lifetime') : DEFAULT_AGENT_LIFETIME_SECONDS;
    const place = placeOf(cli, profile);
    checkSocketPathLength(place.socket);
    const running = await answering(place.socket, cli.uid);
    if (running) {
      throw new ClientError(
        'AGENT_RUNNING',
        `a key agent already runs for profile ${running.profile} (pid ${running.pid}); valise agent stop first`,
      );
    }
    const bytes = await readPrivateFile(place.keyFile, { uid: cli.uid });
    if (!bytes) {
      throw new ClientError(
        'NOT_CONFIGURED',
        `profile ${profile} has no key file; enrol first (valise enrol)`,
      );
    }
    if (!isSealedKeyFile(bytes)) {
      throw new ClientError(
        'INVALID_ARGUMENT',
        `profile ${profile} keeps its keys in clear (a service device): its commands need no agent`,
      );
    }
    const json = flag(values, 'json');
    if (!flag(values, 'foreground')) {
      return startInBackground(cli, profile, { idle, lifetime, json });
    }
    const given = flag(values, 'passphrase-stdin') ? { ...cli, passphrase: await stdinPassphrase(cli) } : cli;
    return serveInForeground(given, profile, place, { idleSeconds, lifetimeSeconds, json });
  },
};

/** The first line of standard input, as the passphrase (never a new one: the file exists). */
async function stdinPassphrase(cli: CliEnvironment): Promise<PassphraseSource> {
  const line = new TextDecoder().decode(await cli.readStdin()).split(/\r?\n/)[0] ?? '';
  const given = async () => {
    if (line === '') throw new ClientError('PASSPHRASE_REQUIRED', 'no passphrase on standard input');
    return line;
  };
  return { unlock: given, choose: given };
}

/** Starts `agent start --foreground` in its own session, the passphrase on its standard input. */
async function startInBackground(
  cli: CliEnvironment,
  profile: string,
  options: { idle: string | undefined; lifetime: string | undefined; json: boolean },
): Promise<VerbOutput> {
  if (!cli.startBackground) {
    throw new ClientError(
      'NOT_CONFIGURED',
      'this command cannot start a background process; use --foreground',
    );
  }
  const passphrase = await cli.passphrase.unlock(`profile ${profile}`);
  const line = await cli.startBackground(
    [
      '--profile',
      profile,
      'agent',
      'start',
      '--foreground',
      '--passphrase-stdin',
      '--json',
      ...(options.idle ? ['--idle', options.idle] : []),
      ...(options.lifetime ? ['--lifetime', options.lifetime] : []),
    ],
    `${passphrase}\n`,
  );
  let answer: { agent?: AgentStatus; error?: { code?: string; message?: string } };
  try {
    answer = JSON.parse(line) as typeof answer;
  } catch {
    throw new ClientError(
      'AGENT_UNAVAILABLE',
      `the key agent did not start (it said ${JSON.stringify(line.slice(0, 200))})`,
    );
  }
  if (answer.error || !answer.agent) {
    const code = answer.error?.code;
    const known = CLIENT_ERROR_CODES.find((c) => c === code);
    throw new ClientError(
      known ?? ('AGENT_UNAVAILABLE' satisfies LocalErrorCode),
      answer.error?.message ?? 'the key agent did not start',
    );
  }
  return {
    json: { agent: answer.agent },
    text: [`started ${describe(answer.agent, cli.clock.nowSeconds())}`],
  };
}

async function serveInForeground(
  cli: CliEnvironment,
  profile: string,
  place: AgentPlace,
  options: { idleSeconds: number; lifetimeSeconds: number; json: boolean },
): Promise<VerbOutput> {
  const store = keyStore(cli, profile, { agent: false });
  const before = await readPrivateFile(place.keyFile, { uid: cli.uid });
  const opened = await store.loadProfile();
  const after = await readPrivateFile(place.keyFile, { uid: cli.uid });
  if (!before || !after || !constantTimeEqual(before, after)) {
    throw new ClientError(
      'KEY_FILE_INVALID',
      `${place.keyFile} changed while it was opened; start the agent again`,
    );
  }
  await makeAgentFolder(agentFolder(place.dir), cli.uid);
  await makeAgentFolder(dirname(place.socket), cli.uid);
  // A socket nobody answers on (an agent that was killed) is left over: take its place.
  await removeDeadSocket(place.socket);
  const logPath = agentLogPath(place.dir);
  const log = (line: string) => {
    const stamp = new Date(cli.clock.nowSeconds() * 1000).toISOString();
    void appendFile(logPath, `${stamp} ${line}\n`, { mode: 0o600 }).catch(() => undefined);
  };
  const agent = await startKeyAgent({
    name: profile,
    socketPath: place.socket,
    profile: opened,
    keyFileBytes: after,
    readKeyFile: () => readPrivateFile(place.keyFile, { uid: cli.uid }),
    clock: cli.clock,
    idleSeconds: options.idleSeconds,
    lifetimeSeconds: options.lifetimeSeconds,
    pid: cli.pid ?? 0,
    log,
    suite: (await nodeSuites()).xwing,
  });
  const status = agent.status();
  cli.stdout(
    options.json ? `${JSON.stringify({ agent: status })}\n` : `${describe(status, cli.clock.nowSeconds())}\n`,
  );
  const timer = setInterval(() => void agent.tick(), TICK_MS);
  const unregister = cli.onStop?.(() => void agent.stop('stopped by a signal'));
  try {
    await agent.stopped;
  } finally {
    clearInterval(timer);
    unregister?.();
  }
  return { json: null, text: [], streamed: true };
}

export const agentStopVerb: Verb = {
  name: 'agent stop',
  summary: "stop this profile's key agent: it forgets the keys; commands ask the passphrase again",
  synopsis: '',
  help: ['Stops the agent of --profile (or of VALISE_AGENT_SOCK) and wipes the keys it held.'],
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ profile }, cli) {
    const place = placeOf(cli, profile);
    const client = new AgentClient({ socketPath: place.socket, uid: cli.uid });
    const status = await running(client, profile);
    await client.stop();
    // The agent answers first, then closes: wait until nobody answers any more.
    const until = Date.now() + STOP_WAIT_MS;
    while (Date.now() < until && (await answering(place.socket, cli.uid))) {
      await new Promise((done) => setTimeout(done, 50));
    }
    return {
      json: { stopped: { profile: status.profile, device: status.device, pid: status.pid } },
      text: [`stopped the key agent of profile ${status.profile} (pid ${status.pid})`],
    };
  },
};

export const agentStatusVerb: Verb = {
  name: 'agent status',
  summary: "whether this profile's key agent runs, and until when",
  synopsis: '',
  help: ['Exit code 1 (AGENT_UNAVAILABLE) when no agent answers for the profile.'],
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ profile }, cli) {
    const place = placeOf(cli, profile);
    const status = await running(new AgentClient({ socketPath: place.socket, uid: cli.uid }), profile);
    return { json: { agent: status }, text: [describe(status, cli.clock.nowSeconds())] };
  },
};

async function running(client: AgentClient, profile: string): Promise<AgentStatus> {
  try {
    return await client.status();
  } catch (error) {
    if (error instanceof ClientError && error.code === 'AGENT_UNAVAILABLE') {
      throw new ClientError(
        'AGENT_UNAVAILABLE',
        `no key agent runs for profile ${profile}; valise agent start`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** The status of the agent answering on `socket`, or undefined when none answers. */
async function answering(socket: string, uid: number | undefined): Promise<AgentStatus | undefined> {
  try {
    return await new AgentClient({ socketPath: socket, uid }).status();
  } catch (error) {
    if (error instanceof ClientError && error.code === 'AGENT_UNAVAILABLE') return undefined;
    throw error;
  }
}

async function removeDeadSocket(socket: string): Promise<void> {
  await unlink(socket).catch((cause: { code?: string }) => {
    if (cause.code !== 'ENOENT')
      throw new ClientError('LOCAL_IO_FAILED', `cannot remove the old socket ${socket}`, { cause });
  });
}
