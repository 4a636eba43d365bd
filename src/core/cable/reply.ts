/**
 * What a reply takes from the cable it answers (docs/design.md §2, "Threads"), the same on
 * every client and on the server: its addressees (the original's sender as action, the other
 * addressees as info), its working groups, its classification, and `RE: <subject>`; and the
 * one rule the server also holds a reply to: it is never classified lower than the original,
 * so an answer cannot carry what it quotes to people not cleared for it.
 */
import { EncodingError } from '../encoding/encoding-error.ts';
import { CLASSIFICATIONS, type Classification, covers } from '../identity/classification.ts';
import { MAX_SUBJECT } from './cable-content.ts';
import type { Addressee } from './cable-header.ts';

/** The original's header fields a reply starts from (all cleartext metadata). */
export interface ReplyOriginal {
  readonly org: string;
  readonly classification: Classification;
  readonly distribution: readonly Addressee[];
  readonly groups: readonly string[];
}

/**
 * True when a reply at `reply` would be classified lower than the `original` it answers.
 * Fails closed: a level that is not a classification counts as lower.
 */
export function isReplyDowngrade(original: Classification, reply: Classification): boolean {
  return !covers(reply, original);
}

/** The levels a reply may take, lowest first: the original's and above, up to `cap`. */
export function replyLevels(original: Classification, cap: Classification): Classification[] {
  return CLASSIFICATIONS.filter((level) => covers(level, original) && covers(cap, level));
}

/** The refusal's words, the same from the client's check and the server's. */
export function replyDowngradeMessage(reference: string, original: string, reply: string): string {
  return `${reference} is classified ${original}; a reply to it cannot be ${reply}: classify the reply ${original} or higher`;
}

/**
 * The reply's addressees from `self`'s organisation: the original's sender as action, every
 * other addressee as info, never `self`. Replying to one's own organisation's cable keeps
 * the original's roles. Sorted by organisation, each once, as the header wants them.
 */
export function replyAddressees(original: ReplyOriginal, self: string): Addressee[] {
  if (typeof original !== 'object' || original === null || !Array.isArray(original.distribution)) {
    throw new EncodingError(
      'WRONG_TYPE',
      'original',
      'original: expected a cable header with its distribution',
    );
  }
  if (typeof original.org !== 'string')
    throw new EncodingError('WRONG_TYPE', 'original.org', 'original.org: expected an org id');
  const roles = new Map<string, Addressee['role']>();
  for (const a of original.distribution as readonly unknown[]) {
    if (!isAddressee(a)) {
      throw new EncodingError(
        'INVALID_VALUE',
        'original.distribution',
        'original.distribution: expected { org, role } addressees',
      );
    }
    if (a.org !== self) roles.set(a.org, original.org === self ? a.role : 'info');
  }
  if (original.org !== self) roles.set(original.org, 'action');
  return [...roles].map(([org, role]) => ({ org, role })).sort((a, b) => (a.org < b.org ? -1 : 1));
}

function isAddressee(value: unknown): value is Addressee {
  if (typeof value !== 'object' || value === null) return false;
  const { org, role } = value as { org?: unknown; role?: unknown };
  return typeof org === 'string' && (role === 'action' || role === 'info');
}

const RE = /^\s*(?:re\s*:\s*)+/i;

/** `RE: <subject>`, without stacking `RE: RE:` on a reply to a reply. */
export function replySubject(subject: string): string {
  if (typeof subject !== 'string')
    throw new EncodingError('WRONG_TYPE', 'subject', 'subject: expected a string');
  const bare = subject.replace(RE, '').trim();
  return `RE: ${bare}`.slice(0, MAX_SUBJECT);
}
