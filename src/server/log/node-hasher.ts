/**
 * RFC 9162 §2.1.1's two hashes on Node's native SHA-256, for audits of large logs: core's
 * (noble, portable to browsers) costs about twice as much per hash. Tests check both give
 * the same trees.
 */
import { hash } from 'node:crypto';
import type { TreeHasher } from '../../core/log/log-auditor.ts';

export function nodeHasher(): TreeHasher {
  return {
    leaf(entry) {
      const input = Buffer.allocUnsafe(entry.length + 1);
      input[0] = 0x00;
      input.set(entry, 1);
      return hash('sha256', input, 'buffer');
    },
    node(left, right) {
      const input = Buffer.allocUnsafe(65);
      input[0] = 0x01;
      input.set(left, 1);
      input.set(right, 33);
      return hash('sha256', input, 'buffer');
    },
  };
}
