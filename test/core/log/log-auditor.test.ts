/**
 * core/log: the whole-log audit (LogAuditor) and the rules it shares with clients. Property
 * tests: any log with checkpoints signed along the way audits clean; any single change to
 * one leaf (its bytes, its position, its presence) is the first problem reported, at that
 * leaf when the stored leaf hashes are given, else within the range the report names; a
 * checkpoint not signed by the log key, or counting other directory entries, is caught.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { utf8 } from '../../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../../src/core/encoding/canonical-json.ts';
import { checkpoint } from '../../../src/core/log/checkpoint/checkpoint.ts';
import { cosign } from '../../../src/core/log/checkpoint/cosign.ts';
import { formatCheckpoint } from '../../../src/core/log/checkpoint/format-checkpoint.ts';
import { cosignatureVerifier, ed25519Verifier } from '../../../src/core/log/checkpoint/note-verifier.ts';
import { signNote } from '../../../src/core/log/checkpoint/sign-note.ts';
import { cosignatureSigner, ed25519Signer } from '../../../src/core/log/checkpoint/signer.ts';
import {
  type AuditReport,
  commitsDirectoryEntry,
  directoryEntryHash,
  directoryEpochOf,
  directoryExtension,
  type LeafRecord,
  LogAuditor,
  parseLogEvent,
} from '../../../src/core/log/index.ts';
import { leafHash, rootFromLeafHashes } from '../../../src/core/log/merkle/index.ts';

const ORIGIN = 'valise.test/log';
const logKey = await generateSigner();
const logSigner = ed25519Signer(ORIGIN, logKey.privateKey, logKey.publicKey);
const logVerifier = ed25519Verifier(ORIGIN, logKey.publicKey);
const witnessKey = await generateSigner();
const WITNESS = 'valise.test/witness/DE/w';
const witness = cosignatureVerifier(WITNESS, witnessKey.publicKey);

function event(n: number, directory?: number): Uint8Array {
  return encodeCanonical({
    at: n,
    type: directory === undefined ? 'cable.fetched' : 'directory.entry',
    actor: { org: 'DE' },
    object: { kind: 'cable', id: `c${n}` },
    detail: directory === undefined ? { n } : { index: directory, hash: `h${n}` },
  });
}

async function note(
  leaves: readonly Uint8Array[],
  size: number,
  directory: number,
  cosigned = false,
): Promise<string> {
  const text = formatCheckpoint(
    checkpoint({
      origin: ORIGIN,
      size,
      rootHash: rootFromLeafHashes(leaves.slice(0, size).map(leafHash)),
      extensions: [directoryExtension(directory)],
    }),
  );
  const signed = await signNote(text, [logSigner]);
  if (!cosigned) return signed;
  return (
    signed + (await cosign(text, cosignatureSigner(WITNESS, witnessKey.privateKey, witnessKey.publicKey), 5))
  );
}

async function audit(
  records: readonly LeafRecord[],
  notes: readonly string[],
  batch = 7,
): Promise<AuditReport> {
  const auditor = new LogAuditor({
    origin: ORIGIN,
    logVerifier,
    witnesses: [witness],
    checkpoints: notes,
    fullView: true,
  });
  const started = auditor.start();
  if (started) return { ok: false, leaves: 0, problem: started };
  for (let i = 0; i < records.length; i += batch) {
    if (await auditor.addLeaves(records.slice(i, i + batch))) break;
  }
  return auditor.finish();
}

/** A log of `n` leaves, the first `d` of them directory events, checkpoints at `sizes`. */
async function makeLog(n: number, d: number, sizes: readonly number[]) {
  const leaves = Array.from({ length: n }, (_, i) => (i < d ? event(i, i) : event(i)));
  const notes = await Promise.all(sizes.map((s) => note(leaves, s, Math.min(s, d), s === n)));
  return { leaves, notes };
}

const withHashes = (leaves: readonly Uint8Array[]) =>
  leaves.map((e, index) => ({ index, event: e, hash: leafHash(e) }));
const bare = (leaves: readonly Uint8Array[]) => leaves.map((e, index) => ({ index, event: e }));

describe('LogAuditor', () => {
  test('a log and its checkpoints audit clean, cosignatures counted', async () => {
    const { leaves, notes } = await makeLog(40, 5, [0, 1, 13, 32, 40]);
    const report = await audit(withHashes(leaves), notes);
    assert.ok(report.ok, JSON.stringify(report));
    assert.equal(report.leaves, 40);
    assert.equal(report.checkpoints, 5);
    assert.equal(report.cosignatures, 1);
    assert.deepEqual(report.root, rootFromLeafHashes(leaves.map(leafHash)));
  });

  test('any single edit, move, removal or insertion of a leaf is the first problem, where it happened', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 4, max: 60 }),
        fc.nat(),
        fc.constantFrom('modify', 'delete', 'reorder', 'insert', 'truncate'),
        fc.boolean(),
        async (n, at, mutation, storedHashes) => {
          const sizes = [...new Set([Math.floor(n / 3), Math.floor((2 * n) / 3), n])];
          const { leaves, notes } = await makeLog(n, 2, sizes);
          const k = at % (n - 1);
          const records: LeafRecord[] = storedHashes ? withHashes(leaves) : bare(leaves);
          let changed: LeafRecord[];
          const bytes = (r: LeafRecord) => r.event!;
          switch (mutation) {
            case 'modify':
              changed = records.map((r) =>
                r.index === k ? { ...r, event: utf8(`${new TextDecoder().decode(bytes(r))} `) } : r,
              );
              break;
            case 'delete':
              changed = records
                .filter((r) => r.index !== k)
                .map((r, i) => ({ ...r, index: i, event: bytes(r) }));
              // The stored hashes stay where they were: an attacker who shifts leaves down.
              if (storedHashes) changed = changed.map((r, i) => ({ ...r, hash: records[i]!.hash! }));
              break;
            case 'reorder':
              changed = records.map((r, i) =>
                i === k
                  ? { ...r, event: bytes(records[k + 1]!) }
                  : i === k + 1
                    ? { ...r, event: bytes(records[k]!) }
                    : r,
              );
              break;
            case 'insert':
              changed = [...records.slice(0, k), { index: k, event: event(9999) }, ...records.slice(k)].map(
                (r, i) => ({
                  ...r,
                  index: i,
                  ...(storedHashes && i < records.length ? { hash: records[i]!.hash! } : {}),
                }),
              );
              break;
            default:
              changed = records.slice(0, k);
          }
          const report = await audit(changed, notes);
          assert.equal(report.ok, false, `${mutation} at ${k} of ${n} went unnoticed`);
          if (report.ok) return;
          const { leaf, range } = report.problem;
          const named = leaf === k || (range !== undefined && range[0] <= k && k < range[1]);
          assert.ok(named, `${mutation} at ${k}: ${JSON.stringify(report.problem)}`);
          if (storedHashes && mutation !== 'truncate') assert.equal(leaf, k, JSON.stringify(report.problem));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a checkpoint not signed by the log key, or counting other directory entries, is caught', async () => {
    const { leaves, notes } = await makeLog(10, 3, [5, 10]);
    const other = await generateSigner();
    const forged = await signNote(
      formatCheckpoint(
        checkpoint({
          origin: ORIGIN,
          size: 5,
          rootHash: rootFromLeafHashes(leaves.slice(0, 5).map(leafHash)),
          extensions: [],
        }),
      ),
      [ed25519Signer(ORIGIN, other.privateKey, other.publicKey)],
    );
    const unsigned = await audit(withHashes(leaves), [forged, notes[1]!]);
    assert.equal(!unsigned.ok && unsigned.problem.code, 'CHECKPOINT_UNSIGNED');
    const miscounted = await audit(withHashes(leaves), [await note(leaves, 5, 2), notes[1]!]);
    assert.equal(!miscounted.ok && miscounted.problem.code, 'DIRECTORY_COUNT_MISMATCH');
    const outOfOrder = [...leaves];
    outOfOrder[1] = event(1, 7);
    const skipped = await audit(withHashes(outOfOrder), []);
    assert.equal(!skipped.ok && skipped.problem.code, 'DIRECTORY_OUT_OF_ORDER');
  });

  test('a cosignature from no known witness, or a bad one, is caught', async () => {
    const { leaves, notes } = await makeLog(6, 0, [6]);
    const stranger = await generateSigner();
    const text = formatCheckpoint(
      checkpoint({
        origin: ORIGIN,
        size: 6,
        rootHash: rootFromLeafHashes(leaves.map(leafHash)),
        extensions: ['directory 0'],
      }),
    );
    const line = await cosign(text, cosignatureSigner('someone', stranger.privateKey, stranger.publicKey), 5);
    const report = await audit(withHashes(leaves), [(await signNote(text, [logSigner])) + line]);
    assert.equal(!report.ok && report.problem.code, 'COSIGNATURE_INVALID');
    assert.ok(notes[0]!.includes(WITNESS));
  });
  test('every leaf must decode as an audit event, exactly as `audit events` reads it, whatever the view', async () => {
    // Braces at both ends are not an event: the auditor and the events reader share one decoder.
    const impostors = ['{}', '{"at":1}', '{ "at": 1 }', '{not json at all}', '{"type":"directory.entry"}'];
    for (const text of impostors) {
      assert.throws(() => parseLogEvent(utf8(text)), text);
      const leaves = [event(0, 0), event(1), utf8(text), event(3)];
      const notes = [await note(leaves, 4, 1)];
      for (const fullView of [true, false]) {
        const auditor = new LogAuditor({
          origin: ORIGIN,
          logVerifier,
          witnesses: [],
          checkpoints: notes,
          fullView,
        });
        assert.equal(auditor.start(), undefined);
        await auditor.addLeaves(withHashes(leaves));
        const report = await auditor.finish();
        assert.equal(!report.ok && report.problem.code, 'EVENT_MALFORMED', `${text} (fullView ${fullView})`);
        assert.equal(!report.ok && report.problem.leaf, 2, text);
      }
    }
  });
});

describe('directory commitments', () => {
  test('an event commits an entry only at its index and with its exact bytes', () => {
    const entry = utf8('{"body":{},"signature":"x"}');
    const bytes = encodeCanonical({
      at: 1,
      type: 'directory.entry',
      actor: {},
      object: { kind: 'user', id: 'u', org: 'DE' },
      detail: { index: 4, action: 'issued', org: 'DE', hash: directoryEntryHash(entry) },
    });
    const event = parseLogEvent(bytes);
    assert.ok(commitsDirectoryEntry(event, 4, entry));
    assert.equal(commitsDirectoryEntry(event, 5, entry), false);
    assert.equal(commitsDirectoryEntry(event, 4, utf8('{"body":{},"signature":"y"}')), false);
  });

  test('the directory line is read only when there is exactly one well-formed one', () => {
    const at = (extensions: string[]) =>
      directoryEpochOf(checkpoint({ origin: ORIGIN, size: 1, rootHash: new Uint8Array(32), extensions }));
    assert.equal(at([directoryExtension(12)]), 12);
    assert.equal(at([]), undefined);
    assert.equal(at(['directory 012']), undefined);
    assert.equal(at(['directory 1', 'directory 2']), undefined);
    assert.equal(at(['directory -1']), undefined);
  });

  test('a leaf that is not a canonical event is refused by the decoder', () => {
    assert.throws(() => parseLogEvent(utf8('{"at":1}')));
    assert.throws(() => parseLogEvent(utf8('{ "at": 1 }')));
  });
});
