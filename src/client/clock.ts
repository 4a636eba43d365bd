/** The time, passed in so that operations and tests never read a global clock. */
export interface Clock {
  /** Whole Unix seconds. */
  nowSeconds(): number;
}

/** A clock that always says `seconds` (tests, vectors). */
export function fixedClock(seconds: number): Clock {
  return { nowSeconds: () => seconds };
}
