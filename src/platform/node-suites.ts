/**
 * The Valise suites on the best primitives this Node runtime has: `node:crypto`'s native ones
 * from Node 24.7 on, core's portable ones (noble + WebCrypto) before. What a Node entry point
 * passes to sealing and opening; the bytes on the wire are the same either way.
 */
import { NOBLE_PRIMITIVES } from '../core/crypto/hpke/noble-primitives.ts';
import { type ValiseSuites, valiseSuites } from '../core/crypto/hpke/valise-suites.ts';
import { nodePrimitives } from './node-crypto.ts';

export async function nodeSuites(): Promise<ValiseSuites> {
  return valiseSuites((await nodePrimitives()) ?? NOBLE_PRIMITIVES);
}
