/**
 * A command's side of the key agent (docs/design.md §5, "The key agent"): one connection per
 * request to the agent's Unix socket, after checking the socket's folder is this user's and
 * closed to others (agent-socket.ts). It builds the device's keys as the agent's: a signer
 * and a wrap opener that ask the agent, and hold no private key.
 * An agent that is not there, does not answer, or refuses is AGENT_UNAVAILABLE or
 * AGENT_REFUSED; FileKeyStore then falls back to the passphrase.
 */
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import type { ContentKeyUnwrapper, UnwrapRequest } from '../core/cable/key-wrap.ts';
import type { Infer } from '../core/encoding/decode.ts';
import {
  type AGENT_ANSWERS,
  type AgentOp,
  type AgentProfile,
  type AgentRequest,
  type AgentStatus,
  agentLine,
  decodeAgentAnswer,
  MAX_AGENT_LINE_BYTES,
} from './agent-protocol.ts';
import { checkAgentFolder } from './agent-socket.ts';
import { ClientError } from './client-error.ts';
import type { DeviceKeys } from './key-store.ts';

/** Longer than any one signature or unwrap on a busy machine; a hung agent is given up on. */
const ANSWER_TIMEOUT_MS = 30_000;

export class AgentClient {
  readonly socketPath: string;
  readonly #uid: number | undefined;
  #folderChecked: Promise<void> | undefined;

  constructor(options: { readonly socketPath: string; readonly uid?: number | undefined }) {
    this.socketPath = options.socketPath;
    this.#uid = options.uid;
  }

  status(): Promise<AgentStatus> {
    return this.#call('status', {}).then((a) => a.status);
  }

  profile(keyFile: Uint8Array): Promise<AgentProfile> {
    return this.#call('profile', { keyFile }).then((a) => a.profile);
  }

  async sign(keyFile: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    return (await this.#call('sign', { keyFile, message })).signature;
  }

  async unwrap(keyFile: Uint8Array, request: UnwrapRequest): Promise<Uint8Array | undefined> {
    const { cableId, device, envelopeHash, wrap } = request;
    const answer = await this.#call('unwrap', {
      keyFile,
      cableId,
      device,
      envelopeHash,
      enc: wrap.enc,
      key: wrap.key,
    });
    return answer.contentKey;
  }

  async stop(): Promise<void> {
    await this.#call('stop', {});
  }

  async #call<Op extends AgentOp>(
    op: Op,
    fields: Omit<AgentRequest, 'v' | 'op'>,
  ): Promise<Infer<(typeof AGENT_ANSWERS)[Op]>> {
    // The folder is checked before the first connection: the file system is the only gate.
    this.#folderChecked ??= checkAgentFolder(dirname(this.socketPath), this.#uid);
    await this.#folderChecked;
    const line = await exchange(this.socketPath, agentLine({ v: 1, op, ...fields }));
    return decodeAgentAnswer(op, line);
  }
}

/** Sends one line and reads one line back. */
function exchange(path: string, request: Uint8Array): Promise<Uint8Array> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const socket = createConnection(path);
    const finish = (outcome: ClientError | Uint8Array) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (outcome instanceof ClientError) fail(outcome);
      else done(outcome);
    };
    socket.setTimeout(ANSWER_TIMEOUT_MS, () =>
      finish(new ClientError('AGENT_UNAVAILABLE', `the key agent at ${path} did not answer`)),
    );
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      const end = chunk.indexOf(0x0a);
      chunks.push(end < 0 ? chunk : chunk.subarray(0, end));
      length += chunk.length;
      if (end >= 0) finish(new Uint8Array(Buffer.concat(chunks)));
      else if (length > MAX_AGENT_LINE_BYTES)
        finish(new ClientError('AGENT_UNAVAILABLE', `the key agent at ${path} answered too much`));
    });
    socket.on('error', (cause) =>
      finish(
        new ClientError('AGENT_UNAVAILABLE', `no key agent answers at ${path} (${cause.message})`, { cause }),
      ),
    );
    socket.on('close', () =>
      finish(new ClientError('AGENT_UNAVAILABLE', `the key agent at ${path} closed without answering`)),
    );
  });
}

/** The device's keys as the agent holds them: every private-key operation is a request to it. */
export function agentDeviceKeys(
  client: AgentClient,
  keyFile: Uint8Array,
  device: AgentProfile['device'],
): DeviceKeys {
  const unwrapper: ContentKeyUnwrapper = {
    kind: 'ContentKeyUnwrapper',
    unwrap: (request) => client.unwrap(keyFile, request),
  };
  return {
    device: device.device,
    label: device.label,
    signer: { publicKey: device.signingKey, sign: (message) => client.sign(keyFile, message) },
    kemPrivateKey: unwrapper,
    kemPublicKey: device.kemKey,
    ...(device.user ? { user: device.user } : {}),
    ...(device.org ? { org: device.org } : {}),
  };
}
