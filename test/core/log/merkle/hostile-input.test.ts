/**
 * Hostile input for every exported function of core/log/merkle: wrong types, empty, huge, NaN,
 * negative sizes, `__proto__` keys. Verifiers answer false; everything else either works
 * or throws a MerkleError with a known code; nothing throws a bare Error or TypeError.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as merkle from '../../../../src/core/log/merkle/index.ts';
import { LEAVES, ROOTS, STORE } from './fixtures.ts';

const { MERKLE_ERROR_CODES, MerkleError } = merkle;

const throwingProxy = new Proxy([], {
  get() {
    throw new Error('trap');
  },
});

const HOSTILE: readonly unknown[] = [
  undefined,
  null,
  0,
  -1,
  -0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  Number.MAX_VALUE,
  '',
  '3',
  'x'.repeat(100_000),
  true,
  {},
  [],
  [null],
  Symbol('hostile'),
  3n,
  new Uint8Array(0),
  new Uint8Array(31),
  new Uint8Array(33),
  new Uint8Array(1 << 20),
  new Array(1_000_000),
  Array.from({ length: 200 }, () => new Uint8Array(32)),
  JSON.parse('{"__proto__": {"level": 0, "index": 0, "kind": "CompactRange", "size": 1}}'),
  JSON.parse('{"kind": "NodePlan", "ids": [{"level": 0, "index": 0}], "rehashBegin": 0, "rehashEnd": 5}'),
  Object.create(null),
  () => 0,
];

function isTypedError(error: unknown): boolean {
  return error instanceof MerkleError && (MERKLE_ERROR_CODES as readonly string[]).includes(error.code);
}

/** Calls `fn` with `args`, swapping in each hostile value at each position. */
async function eachHostileCall(
  args: readonly unknown[],
  call: (args: unknown[]) => unknown,
  check: (result: unknown, args: unknown[]) => void,
): Promise<void> {
  for (let position = 0; position < args.length; position++) {
    for (const value of HOSTILE) {
      const hostile = args.slice();
      hostile[position] = value;
      let result: unknown;
      try {
        result = await call(hostile);
      } catch (error) {
        if (!isTypedError(error))
          assert.fail(`argument ${position} = ${describe_(value)} threw ${describe_(error)}`);
        continue;
      }
      check(result, hostile);
    }
  }
}

function describe_(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null)
    return '[null prototype]';
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return typeof value === 'string' ? `"${value.slice(0, 10)}"` : String(value);
}

const anyResult = () => {};
const plan = merkle.planInclusionProof(3, 10);
const proof3 = STORE.inclusionProof(3, 10);
const consistency = STORE.consistencyProof(3, 10);

type Case = readonly [string, readonly unknown[], (args: unknown[]) => unknown];

// biome-ignore lint/suspicious/noExplicitAny: calling typed functions with hostile arguments is the point
const fn = (f: (...args: any[]) => unknown) => (args: unknown[]) => f(...args);

const THROWING: readonly Case[] = [
  ['leafHash', [LEAVES[0]], fn(merkle.leafHash)],
  ['nodeHash', [LEAVES[0], LEAVES[1]], fn(merkle.nodeHash)],
  ['rootFromLeafHashes', [LEAVES.slice(0, 3)], fn(merkle.rootFromLeafHashes)],
  ['emptyCompactRange', [], fn(merkle.emptyCompactRange)],
  ['compactRange', [3, STORE.readNodesSync(merkle.compactRangeIds(3))], fn(merkle.compactRange)],
  ['compactRangeIds', [3], fn(merkle.compactRangeIds)],
  ['appendLeafHashes', [merkle.emptyCompactRange(), LEAVES.slice(0, 3)], fn(merkle.appendLeafHashes)],
  ['compactRangeRoot', [merkle.emptyCompactRange()], fn(merkle.compactRangeRoot)],
  ['planInclusionProof', [3, 10], fn(merkle.planInclusionProof)],
  ['planConsistencyProof', [3, 10], fn(merkle.planConsistencyProof)],
  ['planTreeRoot', [10], fn(merkle.planTreeRoot)],
  ['resolveNodePlan', [plan, STORE.readNodesSync(plan.ids)], fn(merkle.resolveNodePlan)],
  ['readNodePlan', [STORE, plan], fn(merkle.readNodePlan)],
  ['inclusionProof', [STORE, 3, 10], fn(merkle.inclusionProof)],
  ['consistencyProof', [STORE, 3, 10], fn(merkle.consistencyProof)],
  ['treeRoot', [STORE, 10], fn(merkle.treeRoot)],
  ['inclusionProofFromLeafHashes', [LEAVES.slice(0, 10), 3, 10], fn(merkle.inclusionProofFromLeafHashes)],
  ['consistencyProofFromLeafHashes', [LEAVES.slice(0, 10), 3, 10], fn(merkle.consistencyProofFromLeafHashes)],
  ['emptyRoot', [], fn(merkle.emptyRoot)],
  ['isHash', [LEAVES[0]], fn(merkle.isHash)],
  ['isNodeId', [{ level: 0, index: 0 }], fn(merkle.isNodeId)],
  [
    'MemoryHashStore#append',
    [LEAVES[0]],
    (args) => new merkle.MemoryHashStore().append(args[0] as Uint8Array),
  ],
  [
    'MemoryHashStore#appendAll',
    [LEAVES.slice(0, 3)],
    (args) => new merkle.MemoryHashStore().appendAll(args[0] as Uint8Array[]),
  ],
  ['MemoryHashStore#node', [0, 3], fn(STORE.node.bind(STORE))],
  ['MemoryHashStore#readNodesSync', [plan.ids], fn(STORE.readNodesSync.bind(STORE))],
  ['MemoryHashStore#readNodes', [plan.ids], fn(STORE.readNodes.bind(STORE))],
  ['MemoryHashStore#root', [10], fn(STORE.root.bind(STORE))],
  ['MemoryHashStore#inclusionProof', [3, 10], fn(STORE.inclusionProof.bind(STORE))],
  ['MemoryHashStore#consistencyProof', [3, 10], fn(STORE.consistencyProof.bind(STORE))],
];

describe('hostile input to core/log/merkle', () => {
  for (const [name, args, call] of THROWING) {
    test(`${name} works or throws a typed MerkleError`, async () => {
      await eachHostileCall(args, call, anyResult);
    });
  }

  test('verifyInclusion answers false and never throws', async () => {
    const args: unknown[] = [LEAVES[3], 3, 10, proof3, ROOTS[10]];
    assert.equal(merkle.verifyInclusion(...(args as Parameters<typeof merkle.verifyInclusion>)), true);
    for (const value of [...HOSTILE, throwingProxy]) {
      for (let position = 0; position < args.length; position++) {
        const hostile = args.slice();
        hostile[position] = value;
        const call = () => merkle.verifyInclusion(...(hostile as Parameters<typeof merkle.verifyInclusion>));
        if (call() !== false) assert.fail(`argument ${position} = ${describe_(value)} verified`);
      }
    }
  });

  test('verifyConsistency answers false and never throws', async () => {
    const args: unknown[] = [3, 10, consistency, ROOTS[3], ROOTS[10]];
    assert.equal(merkle.verifyConsistency(...(args as Parameters<typeof merkle.verifyConsistency>)), true);
    for (const value of [...HOSTILE, throwingProxy]) {
      for (let position = 0; position < args.length; position++) {
        const hostile = args.slice();
        hostile[position] = value;
        const call = () =>
          merkle.verifyConsistency(...(hostile as Parameters<typeof merkle.verifyConsistency>));
        if (call() !== false) assert.fail(`argument ${position} = ${describe_(value)} verified`);
      }
    }
  });

  test('proofs longer than any tree needs are refused before hashing', () => {
    const long = Array.from({ length: 10_000 }, () => new Uint8Array(32));
    assert.equal(merkle.verifyInclusion(LEAVES[3]!, 3, 10, long, ROOTS[10]!), false);
    assert.equal(merkle.verifyConsistency(3, 10, long, ROOTS[3]!, ROOTS[10]!), false);
  });
});
