/**
 * What `valise agent` and a command say to each other over the agent's Unix socket
 * (docs/design.md §5, "The key agent"): one request per connection, one canonical JSON line
 * each way, bytes in base64url, read back through strict decoders like every file and answer.
 * Decisions:
 * - The agent answers for one key file. Every key operation names the SHA-256 of the
 *   `keys.json` the command read (`keyFile`), and the agent answers only if it is the file it
 *   opened: a command of another profile, or of a file changed since, never gets its keys.
 * - The operations are ssh-agent's kind: sign a message with the device's Ed25519 key, open
 *   one content-key wrap with its X-Wing key. The private keys never leave the agent.
 * - `profile` hands out what a command needs besides the keys: the profile's public part
 *   (server, pinned root and log, device ids, public keys) and the key of the local record of
 *   opened cables (a symmetric key: whoever may ask the agent to open wraps reads the same
 *   cables; docs/design.md §5 says why it is handed out).
 */

import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import type { Decoder, Infer } from '../core/encoding/decode.ts';
import {
  bytes,
  decodeCanonical,
  enumOf,
  integer,
  literal,
  object,
  optional,
  string,
} from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import {
  decodeDeviceId,
  decodeEd25519PublicKey,
  decodeOrgId,
  decodeUserId,
} from '../core/encoding/identifiers.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import { ClientError } from './client-error.ts';
import { decodePinnedNetworkFile, decodeServerUrl } from './profile-file.ts';

/** The longest line either side reads: a message to sign is a request or a header, never more. */
export const MAX_AGENT_LINE_BYTES = 1024 * 1024;

export const AGENT_OPS = ['status', 'profile', 'sign', 'unwrap', 'stop'] as const;
export type AgentOp = (typeof AGENT_OPS)[number];

const digest = bytes({ length: 32 });

export const decodeAgentRequest = object({
  v: literal(1),
  op: enumOf(AGENT_OPS),
  /** SHA-256 of the keys.json the command read; required by profile, sign and unwrap. */
  keyFile: optional(digest),
  /** sign: the message (already labelled by the caller, as for any Signer). */
  message: optional(bytes({ min: 1, max: 512 * 1024 })),
  /** unwrap: the wrap and what it is bound to. */
  cableId: optional(string({ min: 1, max: 200 })),
  device: optional(string({ min: 1, max: 200 })),
  envelopeHash: optional(bytes({ length: 32 })),
  enc: optional(bytes({ min: 1, max: 4096 })),
  key: optional(bytes({ min: 1, max: 4096 })),
});
export type AgentRequest = Infer<typeof decodeAgentRequest>;

/** Why an agent refuses; the command falls back to the passphrase on each. */
export const AGENT_REFUSALS = [
  /** The request names another key file than the one the agent opened. */
  'OTHER_KEY_FILE',
  /** The agent's key file changed or went away: it stops. */
  'KEY_FILE_CHANGED',
  /** Idle too long or past its lifetime: it stops. */
  'EXPIRED',
  /** Malformed request. */
  'BAD_REQUEST',
] as const;
export type AgentRefusal = (typeof AGENT_REFUSALS)[number];

const decodeRefusal = object({
  v: literal(1),
  ok: literal(false),
  refusal: enumOf(AGENT_REFUSALS),
  message: string({ min: 1, max: 1000 }),
});

export const decodeAgentProfile = object({
  server: optional(decodeServerUrl),
  network: optional(decodePinnedNetworkFile),
  device: object({
    device: decodeDeviceId,
    label: string({ min: 1, max: 80 }),
    signingKey: decodeEd25519PublicKey,
    kemKey: bytes({ length: 1216 }),
    user: optional(decodeUserId),
    org: optional(decodeOrgId),
  }),
  archiveKey: optional(bytes({ length: 32 })),
  orgKeyFile: optional(string({ min: 1, max: 4096 })),
});
export type AgentProfile = Infer<typeof decodeAgentProfile>;

export const decodeAgentStatus = object({
  profile: string({ min: 1, max: 64 }),
  device: decodeDeviceId,
  pid: integer({ min: 0, max: 2 ** 31 }),
  socket: string({ min: 1, max: 4096 }),
  startedAt: integer({ min: 0, max: 2 ** 40 }),
  lastUsedAt: integer({ min: 0, max: 2 ** 40 }),
  idleSeconds: integer({ min: 1, max: 2 ** 31 }),
  lifetimeSeconds: integer({ min: 1, max: 2 ** 31 }),
  /** When it stops unless used again: the earlier of idle and lifetime. */
  stopsAt: integer({ min: 0, max: 2 ** 40 }),
});
export type AgentStatus = Infer<typeof decodeAgentStatus>;

/** The answers, one decoder per operation. */
export const AGENT_ANSWERS = {
  status: object({ v: literal(1), ok: literal(true), status: decodeAgentStatus }),
  profile: object({ v: literal(1), ok: literal(true), profile: decodeAgentProfile }),
  sign: object({ v: literal(1), ok: literal(true), signature: bytes({ length: 64 }) }),
  unwrap: object({ v: literal(1), ok: literal(true), contentKey: optional(bytes({ length: 32 })) }),
  stop: object({ v: literal(1), ok: literal(true) }),
} as const satisfies Record<AgentOp, Decoder<unknown>>;

/** One line: canonical JSON and a newline. */
export function agentLine(value: unknown): Uint8Array {
  const body = encodeCanonical(toJsonValue(value));
  const line = new Uint8Array(body.length + 1);
  line.set(body);
  line[body.length] = 0x0a;
  return line;
}

/** The answer to `op`, or AGENT_REFUSED with the agent's reason. */
export function decodeAgentAnswer<Op extends AgentOp>(
  op: Op,
  line: Uint8Array,
): Infer<(typeof AGENT_ANSWERS)[Op]> {
  try {
    const ok = decodeCanonical(line, (value, field) => {
      if (typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false)
        return { refused: decodeRefusal(value, field) };
      return { answer: AGENT_ANSWERS[op](value, field) as Infer<(typeof AGENT_ANSWERS)[Op]> };
    });
    if ('refused' in ok) {
      throw new ClientError(
        'AGENT_REFUSED',
        `the key agent refused (${ok.refused.refusal}): ${ok.refused.message}`,
      );
    }
    return ok.answer;
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'AGENT_UNAVAILABLE',
      `the key agent answered something malformed (${cause.message})`,
      {
        cause,
      },
    );
  }
}
