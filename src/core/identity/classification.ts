/**
 * EUCI classification levels (Council Decision 2013/488/EU), lowest first, and the
 * distribution markings that travel beside them. TRES SECRET UE lives on separate
 * systems: it is not in the set, so no decoder can ever produce it.
 */
import { EncodingError } from '../encoding/encoding-error.ts';

export const CLASSIFICATIONS = ['UNCLASSIFIED', 'RESTREINT UE', 'CONFIDENTIEL UE', 'SECRET UE'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** The level a network accepts unless configured otherwise (docs/design.md §2). */
export const DEFAULT_NETWORK_ACCREDITATION: Classification = 'RESTREINT UE';

/** The position of `level`, lowest first; anything else is an EncodingError. */
export function classificationRank(level: Classification): number {
  const rank = CLASSIFICATIONS.indexOf(level);
  if (rank < 0) {
    throw new EncodingError('INVALID_VALUE', 'level', `level: expected one of ${CLASSIFICATIONS.join(', ')}`);
  }
  return rank;
}

/**
 * True when `holder` (a clearance or an accreditation) covers `level`. Fails closed: false
 * when either is not a classification, so an unknown level is never covered.
 */
export function covers(holder: Classification, level: Classification): boolean {
  const held = CLASSIFICATIONS.indexOf(holder);
  const needed = CLASSIFICATIONS.indexOf(level);
  return held >= 0 && needed >= 0 && held >= needed;
}

/**
 * Markings are separate from classification. LIMITE is a distribution marking for
 * unclassified papers only; the captions narrow who may be told of the cable's content.
 */
export const MARKINGS = ['LIMITE', 'EU ONLY', 'EYES ONLY', 'PERSONAL'] as const;
export type Marking = (typeof MARKINGS)[number];
