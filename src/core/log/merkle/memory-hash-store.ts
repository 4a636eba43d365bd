/**
 * An in-memory append-only hash store: every full-subtree node of the tree, one flat
 * buffer per level (about 64 bytes per leaf). It implements HashReader for the proof
 * builders and answers synchronously too, for clients, tests and benchmarks that keep a
 * whole log in memory. It is the reference the SQL store's behaviour is tested against.
 */

import { planConsistencyProof } from './consistency-proof.ts';
import type { HashReader } from './hash-reader.ts';
import { planInclusionProof } from './inclusion-proof.ts';
import { MerkleError } from './merkle-error.ts';
import { emptyRoot, HASH_SIZE, isHash, nodeHash } from './merkle-hash.ts';
import { isNodeId, type NodeId } from './node-id.ts';
import { resolveNodePlan } from './node-plan.ts';
import { isTreeSize, show } from './tree-math.ts';
import { planTreeRoot } from './tree-root.ts';

export class MemoryHashStore implements HashReader {
  /** levels[l] holds counts[l] node hashes of level l, back to back. */
  readonly #levels: Uint8Array[] = [];
  readonly #counts: number[] = [];
  #size = 0;

  /** The number of leaves appended. */
  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash and stores every full-subtree node it completes. */
  append(leafHash: Uint8Array): void {
    if (!isHash(leafHash)) throw new MerkleError('INVALID_HASH', 'append: leaf hash must be 32 bytes');
    if (!Number.isSafeInteger(this.#size + 1)) throw new MerkleError('INVALID_SIZE', 'the tree is full');
    let level = 0;
    let index = this.#size;
    let hash = leafHash;
    this.#put(level, index, hash);
    // A right child completes its parent: hash the pair and store the parent too.
    while (index % 2 === 1) {
      hash = nodeHash(this.#get(level, index - 1), hash);
      level++;
      index = (index - 1) / 2;
      this.#put(level, index, hash);
    }
    this.#size++;
  }

  appendAll(leafHashes: readonly Uint8Array[]): void {
    if (!Array.isArray(leafHashes))
      throw new MerkleError('INVALID_HASH', 'appendAll: leafHashes must be an array');
    for (const hash of leafHashes) this.append(hash);
  }

  /** The stored hash of full-subtree node (level, index); throws NODE_UNAVAILABLE if absent. */
  node(level: number, index: number): Uint8Array {
    if (!isNodeId({ level, index }) || index >= (this.#counts[level] ?? 0)) {
      throw new MerkleError('NODE_UNAVAILABLE', `node (${show(level)}, ${show(index)}) is not stored`);
    }
    return this.#get(level, index).slice();
  }

  readNodesSync(ids: readonly NodeId[]): Uint8Array[] {
    if (!Array.isArray(ids))
      throw new MerkleError('NODE_UNAVAILABLE', 'readNodes: ids must be an array of NodeIds');
    return ids.map((id: unknown) => {
      if (!isNodeId(id))
        throw new MerkleError('NODE_UNAVAILABLE', 'readNodes: every id is a { level, index }');
      return this.node(id.level, id.index);
    });
  }

  readNodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]> {
    try {
      return Promise.resolve(this.readNodesSync(ids));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** RFC 9162 §2.1.1: the root of the first `size` leaves. */
  root(size: number = this.#size): Uint8Array {
    this.#checkSize(size);
    const plan = planTreeRoot(size);
    if (plan.ids.length === 0) return emptyRoot();
    const [root] = resolveNodePlan(plan, this.readNodesSync(plan.ids));
    if (root === undefined) throw new MerkleError('NODE_UNAVAILABLE', `no root for tree size ${size}`);
    return root;
  }

  /** RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    this.#checkSize(size);
    const plan = planInclusionProof(index, size);
    return resolveNodePlan(plan, this.readNodesSync(plan.ids));
  }

  /** RFC 9162 §2.1.4.1: the consistency proof from `size1` to `size2` leaves. */
  consistencyProof(size1: number, size2: number = this.#size): Uint8Array[] {
    this.#checkSize(size2);
    const plan = planConsistencyProof(size1, size2);
    return resolveNodePlan(plan, this.readNodesSync(plan.ids));
  }

  #checkSize(size: number): void {
    if (!isTreeSize(size) || size > this.#size) {
      throw new MerkleError(
        'INVALID_SIZE',
        `tree size ${show(size)} is beyond the ${this.#size} leaves stored`,
      );
    }
  }

  #get(level: number, index: number): Uint8Array {
    const offset = index * HASH_SIZE;
    const buffer = this.#levels[level];
    if (buffer === undefined)
      throw new MerkleError('NODE_UNAVAILABLE', `no node is stored at level ${level}`);
    return buffer.subarray(offset, offset + HASH_SIZE);
  }

  #put(level: number, index: number, hash: Uint8Array): void {
    let buffer = this.#levels[level];
    if (buffer === undefined) {
      buffer = new Uint8Array(HASH_SIZE * 16);
      this.#levels[level] = buffer;
      this.#counts[level] = 0;
    }
    const offset = index * HASH_SIZE;
    if (offset + HASH_SIZE > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, offset + HASH_SIZE));
      grown.set(buffer);
      buffer = grown;
      this.#levels[level] = buffer;
    }
    buffer.set(hash, offset);
    this.#counts[level] = index + 1;
  }
}
