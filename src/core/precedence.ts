/** Precedence of a cable, lowest first, and the two kinds of addressee (DESIGN §2). */
export const PRECEDENCES = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'] as const;
export type Precedence = (typeof PRECEDENCES)[number];

export function precedenceRank(precedence: Precedence): number {
  return PRECEDENCES.indexOf(precedence);
}

/** Action addressees must act or answer (and acknowledge); info addressees only read. */
export const ADDRESSEE_ROLES = ['action', 'info'] as const;
export type AddresseeRole = (typeof ADDRESSEE_ROLES)[number];
