/**
 * The audit log as a fake server shows it (docs/design.md §8), for client tests: a real Merkle tree
 * (core MemoryHashStore) of one `directory.entry` event per directory entry, rebuilt from
 * whatever directory the test serves, and real checkpoints signed with a log key. A test
 * that rewrites its directory therefore rewrites its log too, as a lying server must, and
 * the client's consistency checks see it.
 */
import type { PinnedLog } from '../../src/client/key-store.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { toBase64url } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/canonical-json.ts';
import { toJsonValue } from '../../src/core/encoding/to-json.ts';
import type { SignedEntry } from '../../src/core/identity/certificate.ts';
import { checkpoint } from '../../src/core/log/checkpoint/checkpoint.ts';
import { formatCheckpoint } from '../../src/core/log/checkpoint/format-checkpoint.ts';
import { SIGNATURE_TYPES } from '../../src/core/log/checkpoint/key-id.ts';
import { signNote } from '../../src/core/log/checkpoint/sign-note.ts';
import { ed25519Signer } from '../../src/core/log/checkpoint/signer.ts';
import { formatVerifierKey } from '../../src/core/log/checkpoint/verifier-key.ts';
import { directoryExtension } from '../../src/core/log/directory-extension.ts';
import { directoryEntryHash } from '../../src/core/log/directory-leaf.ts';
import { logOrigin } from '../../src/core/log/log-names.ts';
import { leafHash, MemoryHashStore } from '../../src/core/log/merkle/index.ts';
import type { SentRequest } from './fake-fetch.ts';
import { jsonResponse } from './fake-fetch.ts';
import { T0 } from './test-network.ts';

export interface FakeLog {
  readonly pin: PinnedLog;
  /** The log's events (leaves), one per entry. */
  events(entries: readonly SignedEntry[]): Uint8Array[];
  /** Answers the log routes and GET /directory; undefined for any other route. */
  handle(
    request: SentRequest,
    entries: readonly SignedEntry[],
    options?: {
      readonly pageSize?: number;
      readonly epoch?: number;
      /** Serve this directory while the log commits `entries` (a server lying to one device). */
      readonly served?: readonly SignedEntry[];
    },
  ): Promise<Response | undefined>;
}

export function directoryEvent(entry: SignedEntry, index: number): Uint8Array {
  const body = entry.body;
  const subject =
    body.kind === 'org'
      ? body.org
      : body.kind === 'user'
        ? body.user
        : body.kind === 'device'
          ? body.device
          : body.id;
  return encodeCanonical({
    at: T0,
    type: 'directory.entry',
    actor: {},
    object: { kind: body.kind, id: subject, org: body.org },
    detail: {
      index,
      action: 'issued',
      org: body.org,
      hash: directoryEntryHash(encodeCanonical(toJsonValue(entry))),
    },
  });
}

export async function fakeLog(network: string): Promise<FakeLog> {
  const key = await generateSigner();
  const origin = logOrigin(network);
  const signer = ed25519Signer(origin, key.privateKey, key.publicKey);
  const pin = { origin, key: formatVerifierKey(origin, SIGNATURE_TYPES.ed25519, key.publicKey) };
  const events = (entries: readonly SignedEntry[]) => entries.map((e, i) => directoryEvent(e, i));
  const treeOf = (entries: readonly SignedEntry[]) => {
    const tree = new MemoryHashStore();
    for (const event of events(entries)) tree.append(leafHash(event));
    return tree;
  };
  const noteOf = async (entries: readonly SignedEntry[]) => {
    const tree = treeOf(entries);
    const text = formatCheckpoint(
      checkpoint({
        origin,
        size: tree.size,
        rootHash: tree.root(),
        extensions: [directoryExtension(entries.length)],
      }),
    );
    return signNote(text, [signer]);
  };
  return {
    pin,
    events,
    async handle(request, entries, options = {}) {
      const path = request.url.pathname;
      const query = request.url.searchParams;
      if (path === '/api/v1/log') return jsonResponse(200, pin);
      if (path === '/api/v1/log/checkpoint') {
        return jsonResponse(200, { size: entries.length, note: await noteOf(entries) });
      }
      if (path === '/api/v1/log/proofs/consistency') {
        const from = Number(query.get('from'));
        const to = Number(query.get('to'));
        const proof = treeOf(entries).consistencyProof(from, to);
        return jsonResponse(200, { from, to, proof: proof.map(toBase64url) });
      }
      if (path === '/api/v1/directory' && request.method === 'GET') {
        const from = Number(query.get('from') ?? '0');
        const size = query.get('size');
        const end = options.pageSize === undefined ? undefined : from + options.pageSize;
        const page = (options.served ?? entries).slice(from, end);
        const tree = treeOf(entries);
        const all = events(entries);
        return jsonResponse(200, {
          epoch: options.epoch ?? entries.length,
          entries: page.map((e) => toJsonValue(e)),
          leaves: page.map((_, i) =>
            size === null
              ? { leaf: from + i }
              : {
                  leaf: from + i,
                  event: new TextDecoder().decode(all[from + i]),
                  proof: tree.inclusionProof(from + i, Number(size)).map(toBase64url),
                },
          ),
        });
      }
      return undefined;
    },
  };
}
