/**
 * Clone detection: every request a device signs carries a sequence number one higher than
 * its last, covered by the signature, so a copy of the device's key file replays numbers the
 * original has used or has yet to use (docs/design.md §9). The server keeps the highest
 * number seen and which of the WINDOW numbers below it have been seen, so requests that
 * overtake each other on the network still pass; a number seen twice, or one that falls
 * more than WINDOW below the highest, means two copies of one key are in use.
 */

/**
 * How far below the highest number a late request may still arrive: a client signs its
 * requests in order but sends many at once, and the server may see them in another order.
 */
export const SEQUENCE_WINDOW = 256;

export interface SequenceState {
  /** The highest sequence number seen; 0 before the first request. */
  readonly high: number;
  /** Bit i set: number `high - i` has been seen (bit 0 is `high` itself). */
  readonly seen: bigint;
}

export const FRESH_SEQUENCE: SequenceState = { high: 0, seen: 0n };

export type SequenceVerdict = 'next' | 'late' | 'duplicate' | 'regressed';

export interface SequenceObservation {
  readonly verdict: SequenceVerdict;
  /** The state to keep; unchanged for a duplicate or a regression. */
  readonly state: SequenceState;
}

const MASK = (1n << BigInt(SEQUENCE_WINDOW)) - 1n;

/** Records `sequence` (a positive safe integer) against `state`. */
export function observeSequence(state: SequenceState, sequence: number): SequenceObservation {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new RangeError('sequence must be a positive safe integer');
  }
  if (sequence > state.high) {
    const shift = sequence - state.high;
    const seen = shift >= SEQUENCE_WINDOW ? 1n : ((state.seen << BigInt(shift)) | 1n) & MASK;
    return { verdict: 'next', state: { high: sequence, seen } };
  }
  const behind = state.high - sequence;
  if (behind >= SEQUENCE_WINDOW) return { verdict: 'regressed', state };
  const bit = 1n << BigInt(behind);
  if ((state.seen & bit) !== 0n) return { verdict: 'duplicate', state };
  return { verdict: 'late', state: { high: state.high, seen: state.seen | bit } };
}
