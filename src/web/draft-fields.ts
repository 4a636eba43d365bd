/**
 * The fields of a draft as the compose page holds them (plain strings): the blank draft a
 * new cable or a reply starts from, and the fields read as the cable model's closed sets,
 * refused with INVALID_ARGUMENT naming the choices.
 */
import { ClientError } from '../client/client-error.ts';
import { PRECEDENCES, type Precedence } from '../core/cable/precedence.ts';
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
