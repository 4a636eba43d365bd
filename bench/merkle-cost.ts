/**
 * What the audit log's tree maths costs at the scale of a busy network (docs/design.md §8): in a
 * 1,000,000-leaf log held in memory, the microseconds to generate and verify one inclusion
 * proof and one consistency proof, and the seconds to recompute the root from all leaf
 * entries. It measures and returns figures; it prints nothing and asserts nothing.
 */
import { utf8 } from '../src/core/encoding/bytes.ts';
import {
  inclusionProof,
  leafHash,
  MemoryHashStore,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../src/core/log/merkle/index.ts';

export interface MerkleCostOptions {
  /** Leaves in the log (default 1,000,000). */
  readonly leaves?: number;
  /** Proofs generated and verified per figure (default 2,000). */
  readonly samples?: number;
  /** Seed of the index choice, for repeatable runs. */
  readonly seed?: number;
}

export interface MerkleCostFigures {
  readonly bench: 'merkle-cost';
  readonly leaves: number;
  readonly samples: number;
  /** Hashing every entry and appending it to the in-memory store (every full-subtree node kept). */
  readonly buildSeconds: number;
  /** Hashing every leaf entry and folding the root, from scratch. */
  readonly rootRecomputeSeconds: number;
  readonly inclusionGenerateMicros: number;
  readonly inclusionVerifyMicros: number;
  /** Generation through the async HashReader path a SQL store uses, minus the I/O. */
  readonly inclusionGenerateAsyncMicros: number;
  readonly inclusionProofNodes: number;
  readonly consistencyGenerateMicros: number;
  readonly consistencyVerifyMicros: number;
  readonly consistencyProofNodes: number;
  /** Whether every proof generated verified (a benchmark of wrong answers is worthless). */
  readonly allVerified: boolean;
}

/** A small seeded generator (xorshift32): benchmarks take no randomness from the platform. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % below;
  };
}

/**
 * The root from scratch, as an auditor replaying the whole log does: every entry hashed,
 * then folded. The entries are made before the clock starts and dropped on return, so they
 * do not weigh on the heap (and the garbage collector) during the proof figures.
 */
function rootFromScratch(
  leaves: number,
  entry: (i: number) => Uint8Array,
): { root: Uint8Array; seconds: number } {
  const entries = Array.from({ length: leaves }, (_, i) => entry(i));
  const start = performance.now();
  const root = rootFromLeafHashes(entries.map(leafHash));
  return { root, seconds: (performance.now() - start) / 1000 };
}

export async function merkleCost(options: MerkleCostOptions = {}): Promise<MerkleCostFigures> {
  const leaves = options.leaves ?? 1_000_000;
  const samples = options.samples ?? 2_000;
  const next = generator(options.seed ?? 2018);

  // Entries shaped like audit events: about a hundred bytes each.
  const entry = (i: number): Uint8Array =>
    utf8(
      `{"kind":"cable.fetched","seq":${i},"device":"d-${i % 9973}","cable":"c-${(i * 7919) % 1_000_003}"}`,
    );

  const { root, seconds: rootRecomputeSeconds } = rootFromScratch(leaves, entry);

  // The log as a server holds it: every full-subtree node in flat buffers.
  const store = new MemoryHashStore();
  let start = performance.now();
  for (let i = 0; i < leaves; i++) store.append(leafHash(entry(i)));
  const buildSeconds = (performance.now() - start) / 1000;
  let allVerified = store.root().every((byte, i) => byte === root[i]);

  const indices = Array.from({ length: samples }, () => next(leaves));
  const sampledLeaves = indices.map((index) => leafHash(entry(index)));
  // Warm-up: the first calls of each path run unoptimised code.
  for (let i = 0; i < Math.min(200, samples); i++) {
    const index = indices[i]!;
    verifyInclusion(sampledLeaves[i]!, index, leaves, store.inclusionProof(index, leaves), root);
    verifyConsistency(
      index + 1,
      leaves,
      store.consistencyProof(index + 1, leaves),
      store.root(index + 1),
      root,
    );
  }
  start = performance.now();
  const inclusionProofs = indices.map((index) => store.inclusionProof(index, leaves));
  const inclusionGenerateMicros = ((performance.now() - start) * 1000) / samples;
  start = performance.now();
  for (let i = 0; i < samples; i++) {
    const index = indices[i]!;
    allVerified &&= verifyInclusion(sampledLeaves[i]!, index, leaves, inclusionProofs[i]!, root);
  }
  const inclusionVerifyMicros = ((performance.now() - start) * 1000) / samples;
  start = performance.now();
  for (const index of indices) await inclusionProof(store, index, leaves);
  const inclusionGenerateAsyncMicros = ((performance.now() - start) * 1000) / samples;

  const oldSizes = Array.from({ length: samples }, () => 1 + next(leaves - 1));
  start = performance.now();
  const consistencyProofs = oldSizes.map((size) => store.consistencyProof(size, leaves));
  const consistencyGenerateMicros = ((performance.now() - start) * 1000) / samples;
  const oldRoots = oldSizes.map((size) => store.root(size));
  start = performance.now();
  for (let i = 0; i < samples; i++) {
    allVerified &&= verifyConsistency(oldSizes[i]!, leaves, consistencyProofs[i]!, oldRoots[i]!, root);
  }
  const consistencyVerifyMicros = ((performance.now() - start) * 1000) / samples;

  const longest = (proofs: Uint8Array[][]) => proofs.reduce((max, proof) => Math.max(max, proof.length), 0);
  return {
    bench: 'merkle-cost',
    leaves,
    samples,
    buildSeconds,
    rootRecomputeSeconds,
    inclusionGenerateMicros,
    inclusionVerifyMicros,
    inclusionGenerateAsyncMicros,
    inclusionProofNodes: longest(inclusionProofs),
    consistencyGenerateMicros,
    consistencyVerifyMicros,
    consistencyProofNodes: longest(consistencyProofs),
    allVerified,
  };
}

export default merkleCost;
