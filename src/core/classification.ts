/**
 * EUCI classification levels (Council Decision 2013/488/EU), lowest first, and the
 * distribution markings that travel beside them. TRES SECRET UE lives on separate
 * systems: it is not in the set, so no decoder can ever produce it.
 */
export const CLASSIFICATIONS = ['UNCLASSIFIED', 'RESTREINT UE', 'CONFIDENTIEL UE', 'SECRET UE'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** The level a network accepts unless configured otherwise (DESIGN §2). */
export const DEFAULT_NETWORK_ACCREDITATION: Classification = 'RESTREINT UE';

export function classificationRank(level: Classification): number {
  return CLASSIFICATIONS.indexOf(level);
}

/** True when `holder` (a clearance or an accreditation) covers `level`. */
export function covers(holder: Classification, level: Classification): boolean {
  return classificationRank(holder) >= classificationRank(level);
}

/**
 * Markings are separate from classification. LIMITE is a distribution marking for
 * unclassified papers only; the captions narrow who may be told of the cable's content.
 */
export const MARKINGS = ['LIMITE', 'EU ONLY', 'EYES ONLY', 'PERSONAL'] as const;
export type Marking = (typeof MARKINGS)[number];
