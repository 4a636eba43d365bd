/**
 * The fields of a draft as the compose page holds them (plain strings): the blank draft a
 * new cable or a reply starts from, and the fields read as the cable model's closed sets,
 * refused with INVALID_ARGUMENT naming the choices, and the tags typed as one line, read by
 * core's one rule for tags.
 */
import { ClientError } from '../client/client-error.ts';
import { decodeTags, MAX_TAG_LENGTH, MAX_TAGS } from '../core/cable/cable-content.ts';
import { PRECEDENCES, type Precedence } from '../core/cable/precedence.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import {
  CLASSIFICATIONS,
  type Classification,
  MARKINGS,
  type Marking,
} from '../core/identity/classification.ts';
import type { Draft } from './device-protocol.ts';

/** A blank draft: restricted, routine, addressed to nobody. */
export const EMPTY_DRAFT: Draft = {
  classification: 'RESTREINT UE',
  markings: [],
  precedence: 'ROUTINE',
  action: [],
  info: [],
  groups: [],
  replyTo: '',
  subject: '',
  tags: '',
  body: '',
};

export function classificationOf(value: string): Classification {
  const found = CLASSIFICATIONS.find((c) => c === value);
  if (!found)
    throw new ClientError('INVALID_ARGUMENT', `choose a classification (${CLASSIFICATIONS.join(', ')})`);
  return found;
}

export function precedenceOf(value: string): Precedence {
  const found = PRECEDENCES.find((p) => p === value);
  if (!found) throw new ClientError('INVALID_ARGUMENT', `choose a precedence (${PRECEDENCES.join(', ')})`);
  return found;
}

export function markingsOf(values: readonly string[]): Marking[] {
  return values.filter((m): m is Marking => (MARKINGS as readonly string[]).includes(m));
}

/** Action wins over info for an organisation named in both; sorted by organisation. */
export function distributionOf(draft: Draft): { org: string; role: 'action' | 'info' }[] {
  const roles = new Map<string, 'action' | 'info'>();
  for (const org of draft.info) roles.set(org, 'info');
  for (const org of draft.action) roles.set(org, 'action');
  return [...roles].map(([org, role]) => ({ org, role })).sort((a, b) => (a.org < b.org ? -1 : 1));
}

/** The tags typed in one line, separated by commas; blanks dropped, each kept once. */
export function splitTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()))].filter((t) => t !== '');
}

/** What is wrong with the typed tags under core's rule (cable-content.ts), or '' when nothing. */
export function tagsProblem(text: string): string {
  const tags = splitTags(text);
  if (tags.length > MAX_TAGS)
    return `A cable carries at most ${MAX_TAGS} tags; this draft has ${tags.length}.`;
  const long = tags.find((t) => [...t].length > MAX_TAG_LENGTH);
  if (long !== undefined)
    return `A tag is at most ${MAX_TAG_LENGTH} characters: shorten "${long.slice(0, MAX_TAG_LENGTH)}…".`;
  try {
    decodeTags(tags, 'tags');
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    return 'A tag must be plain text (a character was cut in half): retype the tags.';
  }
  return '';
}

/** The typed tags as the cable carries them, refused with INVALID_ARGUMENT as tagsProblem says. */
export function tagsOf(text: string): readonly string[] {
  const problem = tagsProblem(text);
  if (problem) throw new ClientError('INVALID_ARGUMENT', problem);
  return decodeTags(splitTags(text), 'tags');
}
