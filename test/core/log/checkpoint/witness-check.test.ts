/**
 * The witness's decision (docs/design.md §8): cosign only a checkpoint signed by the log that
 * extends the last one cosigned. Rollbacks, split views and forks are refused with the
 * reason a witness reports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../../../../src/core/encoding/bytes.ts';
import {
  type Checkpoint,
  checkpoint,
  ed25519Signer,
  ed25519Verifier,
  formatCheckpoint,
  type Signer,
  signNote,
  type WitnessCheckInput,
  witnessCheck,
} from '../../../../src/core/log/checkpoint/index.ts';
import { emptyRoot, leafHash, MemoryHashStore } from '../../../../src/core/log/merkle/index.ts';
import { freshKeyPair } from './fixtures.ts';

const ORIGIN = 'valise.example/audit';
const SIZE = 500;

const logKeys = await freshKeyPair();
const logSigner = ed25519Signer(ORIGIN, logKeys.privateKey, logKeys.publicKey);
const logVerifier = ed25519Verifier(ORIGIN, logKeys.publicKey);
const strangerKeys = await freshKeyPair();
const stranger = ed25519Signer(ORIGIN, strangerKeys.privateKey, strangerKeys.publicKey);

const log = new MemoryHashStore();
log.appendAll(Array.from({ length: SIZE }, (_, i) => leafHash(utf8(`event ${i}`))));

/** Another history: the same events except one, at `at`. */
function forkOf(at: number): MemoryHashStore {
  const fork = new MemoryHashStore();
  fork.appendAll(
    Array.from({ length: SIZE }, (_, i) => leafHash(utf8(i === at ? 'rewritten' : `event ${i}`))),
  );
  return fork;
}

function head(size: number, store: MemoryHashStore = log, origin = ORIGIN): Checkpoint {
  return checkpoint({ origin, size, rootHash: store.root(size) });
}

function sign(value: Checkpoint, signer: Signer = logSigner): Promise<string> {
  return signNote(formatCheckpoint(value), [signer]);
}

async function check(fields: Partial<WitnessCheckInput> & Pick<WitnessCheckInput, 'note'>) {
  return witnessCheck({ origin: ORIGIN, logVerifier, previous: null, proof: [], ...fields });
}

const growing = fc
  .integer({ min: 1, max: SIZE })
  .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)))
  .filter(([a, b]) => a < b);

describe('witnessCheck', () => {
  test('the first checkpoint seen is accepted and returned', async () => {
    const verdict = await check({ note: await sign(head(10)) });
    assert.deepEqual(verdict, { ok: true, checkpoint: head(10) });
  });

  test('a checkpoint that extends the cosigned one with a valid proof is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(growing, async ([size1, size2]) => {
        const verdict = await check({
          previous: head(size1),
          note: await sign(head(size2)),
          proof: log.consistencyProof(size1, size2),
        });
        assert.deepEqual(verdict, { ok: true, checkpoint: head(size2) });
      }),
      { numRuns: 300 },
    );
  });

  test('the same checkpoint again is accepted with an empty proof', async () => {
    assert.equal((await check({ previous: head(42), note: await sign(head(42)) })).ok, true);
  });

  test('a smaller checkpoint than the cosigned one is ROLLBACK', async () => {
    await fc.assert(
      fc.asyncProperty(growing, async ([size1, size2]) => {
        const verdict = await check({ previous: head(size2), note: await sign(head(size1)) });
        assert.deepEqual(verdict, { ok: false, reason: 'ROLLBACK' });
      }),
      { numRuns: 200 },
    );
  });

  test('the same size with another root is SPLIT_VIEW', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: SIZE }), fc.nat(), async (size, at) => {
        const other = head(size, forkOf(at % size));
        const verdict = await check({ previous: head(size), note: await sign(other) });
        assert.deepEqual(verdict, { ok: false, reason: 'SPLIT_VIEW' });
      }),
      { numRuns: 100 },
    );
  });

  test('a larger checkpoint of a rewritten history is INCONSISTENT, whatever proof comes with it', async () => {
    await fc.assert(
      fc.asyncProperty(growing, fc.nat(), async ([size1, size2], at) => {
        const fork = forkOf(at % size1);
        const note = await sign(head(size2, fork));
        for (const proof of [fork.consistencyProof(size1, size2), log.consistencyProof(size1, size2)]) {
          const verdict = await check({ previous: head(size1), note, proof });
          assert.deepEqual(verdict, { ok: false, reason: 'INCONSISTENT' });
        }
      }),
      { numRuns: 100 },
    );
  });

  test('a bad or missing proof is INCONSISTENT', async () => {
    const note = await sign(head(300));
    const proof = log.consistencyProof(100, 300);
    const flipped = proof.map((hash, i) => (i === 1 ? hash.map((b, j) => (j === 0 ? b ^ 1 : b)) : hash));
    for (const bad of [[], flipped, proof.slice(1), [...proof, proof[0]!], log.consistencyProof(101, 300)]) {
      assert.deepEqual(await check({ previous: head(100), note, proof: bad }), {
        ok: false,
        reason: 'INCONSISTENT',
      });
    }
    assert.deepEqual(await check({ previous: head(42), note: await sign(head(42)), proof: [emptyRoot()] }), {
      ok: false,
      reason: 'INCONSISTENT',
    });
  });

  test('a checkpoint not signed by the pinned log key is BAD_SIGNATURE, before any size check', async () => {
    const forged = await sign(head(10), stranger);
    assert.deepEqual(await check({ note: forged }), { ok: false, reason: 'BAD_SIGNATURE' });
    assert.deepEqual(await check({ previous: head(100), note: forged }), {
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    const tampered = (await sign(head(10))).replace('\n10\n', '\n11\n');
    assert.deepEqual(await check({ note: tampered }), { ok: false, reason: 'BAD_SIGNATURE' });
  });

  test('a checkpoint of another log is WRONG_ORIGIN', async () => {
    const other = head(10, log, 'other.example/log');
    const otherSigner = ed25519Signer('other.example/log', logKeys.privateKey, logKeys.publicKey);
    assert.deepEqual(await check({ note: await sign(other, otherSigner) }), {
      ok: false,
      reason: 'WRONG_ORIGIN',
    });
    assert.deepEqual(
      await check({ previous: other, note: await sign(head(20)), proof: log.consistencyProof(10, 20) }),
      { ok: false, reason: 'WRONG_ORIGIN' },
    );
  });

  test('a request that is not a signed checkpoint is MALFORMED', async () => {
    const text = formatCheckpoint(head(10));
    for (const note of [
      text,
      `${text}\n`,
      'garbage',
      await signNote('not\na checkpoint\n', [logSigner]),
      '',
    ]) {
      assert.deepEqual(await check({ note }), { ok: false, reason: 'MALFORMED' });
    }
  });

  test('the empty tree must have the empty root, and every tree extends it with an empty proof', async () => {
    const bogusEmpty = checkpoint({ origin: ORIGIN, size: 0, rootHash: new Uint8Array(32) });
    assert.deepEqual(await check({ note: await sign(bogusEmpty) }), { ok: false, reason: 'INCONSISTENT' });
    const empty = head(0);
    assert.equal((await check({ note: await sign(empty) })).ok, true);
    assert.equal((await check({ previous: empty, note: await sign(head(7)) })).ok, true);
    assert.deepEqual(await check({ previous: empty, note: await sign(head(7)), proof: [emptyRoot()] }), {
      ok: false,
      reason: 'INCONSISTENT',
    });
  });
});
