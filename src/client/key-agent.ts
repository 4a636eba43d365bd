/**
 * The key agent (`valise agent`, docs/design.md §5 "The key agent"): holds one profile's
 * opened device keys in memory and performs their private-key operations for the commands
 * of the same user, as ssh-agent does, so a command skips the passphrase and scrypt. The key
 * file stays encrypted: a copy of the folder still needs the passphrase.
 * On every request, in order:
 * - past its idle time or its lifetime (from the injected clock)? refuse and stop;
 * - its key file changed or gone? refuse and stop (a new or re-encrypted file needs the
 *   passphrase again);
 * - a key operation names another key file than the one opened? refuse (and keep serving);
 * - then sign or unwrap, and count the request as use (idle time restarts).
 * `tick` runs the first two checks without a request; the owner calls it on a timer.
 * Stopping closes the socket, removes it and wipes the key bytes it holds. Its log says what
 * it did and why it stopped, never a key, a message or a passphrase.
 */

import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { type UnwrapRequest, unwrapContentKey } from '../core/cable/key-wrap.ts';
import type { HpkeSuite } from '../core/crypto/hpke/hpke-suite.ts';
import { XWingKem } from '../core/crypto/hpke/x-wing.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { decodeCanonical } from '../core/encoding/decode.ts';
import {
  type AgentProfile,
  type AgentRefusal,
  type AgentRequest,
  type AgentStatus,
  agentLine,
  decodeAgentRequest,
  MAX_AGENT_LINE_BYTES,
} from './agent-protocol.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import { type DeviceKeys, type HeldDeviceKeys, heldKeys, type Profile } from './key-store.ts';
import { networkToFile } from './profile-file.ts';

export const DEFAULT_AGENT_IDLE_SECONDS = 15 * 60;
export const DEFAULT_AGENT_LIFETIME_SECONDS = 12 * 3600;

export interface KeyAgentOptions {
  /** The profile's name, for status and the log. */
  readonly name: string;
  readonly socketPath: string;
  /** The profile opened from `keyFileBytes` (its device keys held here). */
  readonly profile: Profile;
  /** The bytes of keys.json as opened: the agent answers for this file only. */
  readonly keyFileBytes: Uint8Array;
  /** Reads keys.json now (undefined when it is gone), to notice a change. */
  readonly readKeyFile: () => Promise<Uint8Array | undefined>;
  readonly clock: Clock;
  readonly idleSeconds?: number;
  readonly lifetimeSeconds?: number;
  readonly pid: number;
  readonly log: (line: string) => void;
  /** The X-Wing suite on this platform's primitives (`nodeSuites`); the portable one by default. */
  readonly suite?: HpkeSuite;
}

export interface KeyAgent {
  readonly socketPath: string;
  status(): AgentStatus;
  /** Stops when expired or when the key file changed; resolves true if it still runs. */
  tick(): Promise<boolean>;
  stop(reason: string): Promise<void>;
  /** Resolves with the reason once the agent has stopped. */
  readonly stopped: Promise<string>;
}

/** Binds the socket and serves until stopped. The caller made and checked the folder. */
export async function startKeyAgent(options: KeyAgentOptions): Promise<KeyAgent> {
  const device = options.profile.device;
  const held = device && heldKeys(device);
  if (!device || !held) {
    throw new ClientError('NOT_CONFIGURED', `profile ${options.name} has no device keys to serve`);
  }
  const idleSeconds = options.idleSeconds ?? DEFAULT_AGENT_IDLE_SECONDS;
  const lifetimeSeconds = options.lifetimeSeconds ?? DEFAULT_AGENT_LIFETIME_SECONDS;
  const keyFile = sha256(options.keyFileBytes);
  const startedAt = options.clock.nowSeconds();
  let lastUsedAt = startedAt;
  // The X-Wing private key is imported once for the agent's life (x-wing.ts `prepare`), so
  // an unwrap skips the ML-KEM import and its FIPS 203 §7.3 check.
  const kem = options.suite?.kem;
  let keys: HeldDeviceKeys | undefined =
    kem instanceof XWingKem ? { ...held, kemPrivateKey: await kem.prepare(held.kemPrivateKey) } : held;
  let archiveKey = options.profile.archiveKey?.slice();
  const publicProfile = agentProfileOf(options.profile, device);
  let stopping: Promise<void> | undefined;
  let stoppedWith: (reason: string) => void = () => {};
  const stopped = new Promise<string>((done) => {
    stoppedWith = done;
  });

  const stopsAt = () => Math.min(lastUsedAt + idleSeconds, startedAt + lifetimeSeconds);

  const status = (): AgentStatus => ({
    profile: options.name,
    device: device.device,
    pid: options.pid,
    socket: options.socketPath,
    startedAt,
    lastUsedAt,
    idleSeconds,
    lifetimeSeconds,
    stopsAt: stopsAt(),
  });

  /** Why the agent must stop now, if it must. */
  const mustStop = async (): Promise<{ refusal: AgentRefusal; why: string } | undefined> => {
    const now = options.clock.nowSeconds();
    if (now >= startedAt + lifetimeSeconds) return { refusal: 'EXPIRED', why: 'its lifetime is over' };
    if (now >= lastUsedAt + idleSeconds) return { refusal: 'EXPIRED', why: 'it was idle too long' };
    let current: Uint8Array | undefined;
    try {
      current = await options.readKeyFile();
    } catch {
      current = undefined;
    }
    if (!current || !constantTimeEqual(sha256(current), keyFile)) {
      return { refusal: 'KEY_FILE_CHANGED', why: 'its key file changed or was removed' };
    }
    return undefined;
  };

  const answer = async (request: AgentRequest): Promise<unknown> => {
    if (request.op === 'status') return { v: 1, ok: true, status: status() };
    if (request.op === 'stop') {
      void stop('asked to stop');
      return { v: 1, ok: true };
    }
    if (!request.keyFile || !constantTimeEqual(request.keyFile, keyFile)) {
      return refusal(
        'OTHER_KEY_FILE',
        'this agent holds the keys of another key file (another profile, or a changed file)',
      );
    }
    const current = keys;
    if (!current) return refusal('EXPIRED', 'the agent is stopping');
    lastUsedAt = options.clock.nowSeconds();
    if (request.op === 'profile') {
      return { v: 1, ok: true, profile: { ...publicProfile, ...(archiveKey ? { archiveKey } : {}) } };
    }
    if (request.op === 'sign') {
      if (!request.message) return refusal('BAD_REQUEST', 'sign needs a message');
      return { v: 1, ok: true, signature: await current.signer.sign(request.message) };
    }
    const { cableId, device: wrapDevice, envelopeHash, enc, key } = request;
    if (!cableId || !wrapDevice || !envelopeHash || !enc || !key) {
      return refusal('BAD_REQUEST', 'unwrap needs cableId, device, envelopeHash, enc and key');
    }
    const unwrap: UnwrapRequest = {
      cableId,
      device: wrapDevice,
      envelopeHash,
      wrap: { device: wrapDevice, enc, key },
    };
    const contentKey = await unwrapContentKey(unwrap, current.kemPrivateKey, options.suite);
    return { v: 1, ok: true, ...(contentKey ? { contentKey } : {}) };
  };

  const serveOne = async (line: Uint8Array): Promise<unknown> => {
    const problem = await mustStop();
    if (problem) {
      void stop(problem.why);
      return refusal(
        problem.refusal,
        `the key agent stopped: ${problem.why}; start it again (valise agent start)`,
      );
    }
    let request: AgentRequest;
    try {
      request = decodeCanonical(line, decodeAgentRequest);
    } catch {
      return refusal('BAD_REQUEST', 'not a request of this agent');
    }
    try {
      return await answer(request);
    } catch {
      // A malformed wrap or key: say no more than that (the log never carries request bytes).
      return refusal('BAD_REQUEST', `the ${request.op} request could not be carried out`);
    }
  };

  const server: Server = createServer((socket: Socket) => {
    const chunks: Buffer[] = [];
    let length = 0;
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const end = chunk.indexOf(0x0a);
      chunks.push(end < 0 ? chunk : chunk.subarray(0, end));
      length += chunk.length;
      if (length > MAX_AGENT_LINE_BYTES) {
        socket.destroy();
        return;
      }
      if (end < 0) return;
      socket.pause();
      void serveOne(new Uint8Array(Buffer.concat(chunks))).then((reply) => socket.end(agentLine(reply)));
    });
  });

  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      // Wipe what exists as bytes; the CryptoKeys are dropped with their last reference.
      for (const kemKey of [keys?.kemPrivateKey, held.kemPrivateKey]) {
        kemKey?.mlKemSecretKey.fill(0);
        kemKey?.seed?.fill(0);
      }
      archiveKey?.fill(0);
      keys = undefined;
      archiveKey = undefined;
      await new Promise<void>((done) => server.close(() => done()));
      await unlink(options.socketPath).catch(() => undefined);
      options.log(`stopped: ${reason}`);
      stoppedWith(reason);
    })();
    return stopping;
  };

  await new Promise<void>((done, fail) => {
    server.once('error', (cause) =>
      fail(
        new ClientError('LOCAL_IO_FAILED', `cannot listen on ${options.socketPath}: ${cause.message}`, {
          cause,
        }),
      ),
    );
    server.listen(options.socketPath, () => done());
  });
  await chmod(options.socketPath, 0o600);
  options.log(
    `serving profile ${options.name} (device ${device.device}) on ${options.socketPath}; stops after ${idleSeconds} s idle or ${lifetimeSeconds} s in all`,
  );

  return {
    socketPath: options.socketPath,
    status,
    stop,
    stopped,
    tick: async () => {
      if (stopping) return false;
      const problem = await mustStop();
      if (problem) await stop(problem.why);
      return !problem;
    },
  };
}

function refusal(code: AgentRefusal, message: string) {
  return { v: 1, ok: false, refusal: code, message };
}

/** The public part of the profile, as the agent hands it out. */
function agentProfileOf(profile: Profile, device: DeviceKeys): Omit<AgentProfile, 'archiveKey'> {
  return {
    ...(profile.server ? { server: profile.server } : {}),
    ...(profile.network ? { network: networkToFile(profile.network) } : {}),
    device: {
      device: device.device,
      label: device.label,
      signingKey: device.signer.publicKey,
      kemKey: device.kemPublicKey,
      ...(device.user ? { user: device.user } : {}),
      ...(device.org ? { org: device.org } : {}),
    },
    ...(profile.orgKeyFile ? { orgKeyFile: profile.orgKeyFile } : {}),
  };
}
