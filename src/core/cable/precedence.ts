/** Precedence of a cable, lowest first, and the two kinds of addressee (docs/design.md §2). */
import { EncodingError } from '../encoding/encoding-error.ts';

export const PRECEDENCES = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'] as const;
export type Precedence = (typeof PRECEDENCES)[number];

/** The position of `precedence`, lowest first; anything else is an EncodingError. */
export function precedenceRank(precedence: Precedence): number {
  const rank = PRECEDENCES.indexOf(precedence);
  if (rank < 0) {
    throw new EncodingError(
      'INVALID_VALUE',
      'precedence',
      `precedence: expected one of ${PRECEDENCES.join(', ')}`,
    );
  }
  return rank;
}

/** Action addressees must act or answer (and acknowledge); info addressees only read. */
export const ADDRESSEE_ROLES = ['action', 'info'] as const;
export type AddresseeRole = (typeof ADDRESSEE_ROLES)[number];
