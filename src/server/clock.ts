/**
 * The server's one source of time. Passed in, never read from a global, so tests pin it
 * (`FixedClock`) and no test ever depends on how fast the machine is.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock that moves only when told to: for tests. */
export class FixedClock implements Clock {
  #ms: number;

  constructor(ms: number) {
    this.#ms = ms;
  }

  now(): number {
    return this.#ms;
  }

  set(ms: number): void {
    this.#ms = ms;
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Whole Unix seconds, the unit of every time in the API and the store. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
