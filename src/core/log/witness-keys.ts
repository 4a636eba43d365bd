/**
 * The witnesses of a network's log (docs/design.md §8): every registry device the directory ever
 * certified (revoked ones too: what they cosigned while in force stays valid), each with
 * its device key under its witness key name. Anyone holding a verified directory derives
 * them; the server is never asked which keys are witnesses.
 */
import type { SignedEntry } from '../identity/certificate.ts';
import { cosignatureVerifier, type NoteVerifier } from './checkpoint/note-verifier.ts';
import { witnessKeyName } from './log-names.ts';

export function witnessVerifiers(entries: readonly SignedEntry[], network: string): NoteVerifier[] {
  const roles = new Map<string, string>();
  for (const entry of entries) if (entry.body.kind === 'user') roles.set(entry.body.user, entry.body.role);
  const out: NoteVerifier[] = [];
  for (const entry of entries) {
    const body = entry.body;
    if (body.kind !== 'device' || roles.get(body.user) !== 'registry') continue;
    out.push(cosignatureVerifier(witnessKeyName(network, body.org, body.device), body.signingKey));
  }
  return out;
}
