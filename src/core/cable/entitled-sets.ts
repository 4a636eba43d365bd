/**
 * Remembered entitled sets (policy.ts), for a checker that verifies many cables against one
 * directory: the server, which recomputed the set of a 300-device distribution from the
 * whole directory for every cable it accepted, and whose senders address the same
 * distributions again and again.
 *
 * Decisions:
 * - The answer is always `entitledDevices`'s: this only decides when to ask it again. A
 *   directory is immutable (a change makes a new one), so the sets belong to one directory
 *   instance and are forgotten when another is asked about.
 * - Every input is checked as policy checks it (`checkPolicyInput`) before the memo is
 *   looked in, so a malformed input gets policy's own error, and the key is the JSON of the
 *   checked fields except `sentAt` (a different order is another key, never a wrong answer).
 * - `sentAt` changes with every cable, and policy reads it for one thing only: a device past
 *   its `expiresAt` at the cable's date gets no key. So the set is asked once as of the earliest date a cable may carry, which
 *   keeps every device that is entitled at some date, and each cable's date then drops the
 *   devices expired at it. The property test in test/core/cable holds this to
 *   `entitledDevices` on random directories, distributions and dates.
 * - Owned by its caller (the server's context), never module state; bounded: a full memo
 *   is emptied, not grown.
 */
import { MAX_TIME, MIN_TIME } from '../encoding/date-time-group.ts';
import type { Directory } from '../identity/directory.ts';
import { checkPolicyInput, entitledDevices, type PolicyInput } from '../policy.ts';

/** Distinct keys kept for one directory; past it the memo starts again. */
const MAX_SETS = 1024;

interface Candidates {
  /** Sorted ids of the devices entitled at the earliest date. */
  readonly ids: readonly string[];
  /** Each candidate's `expiresAt`, in the order of `ids`. */
  readonly expiresAt: readonly number[];
  /** The earliest of them: a cable dated before it keeps every candidate. */
  readonly firstExpiry: number;
}

export class EntitledSets {
  #directory: Directory | undefined;
  #sets = new Map<string, Candidates>();

  /** `entitledDevices(input, directory)`, remembered per directory and distribution. */
  of(input: PolicyInput, directory: Directory): readonly string[] {
    if (directory !== this.#directory || this.#sets.size >= MAX_SETS) {
      this.#directory = directory;
      this.#sets = new Map();
    }
    // Throws policy's own error for anything policy would refuse.
    const checked = checkPolicyInput(input);
    const key = keyOf(checked);
    let candidates = this.#sets.get(key);
    if (candidates === undefined) {
      candidates = candidatesOf(checked, directory);
      this.#sets.set(key, candidates);
    }
    if (checked.sentAt < candidates.firstExpiry) return candidates.ids;
    return candidates.ids.filter((_, i) => checked.sentAt < (candidates.expiresAt[i] ?? 0));
  }
}

function candidatesOf(input: PolicyInput, directory: Directory): Candidates {
  const ids = entitledDevices({ ...input, sentAt: MIN_TIME }, directory);
  const expiresAt = ids.map((id) => directory.device(id, input.epoch)?.device.expiresAt ?? MIN_TIME);
  return Object.freeze({
    ids: Object.freeze(ids),
    expiresAt: Object.freeze(expiresAt),
    firstExpiry: expiresAt.reduce((first, at) => Math.min(first, at), MAX_TIME),
  });
}

// Every field policy reads but the date, checked, as one unambiguous string.
function keyOf(checked: PolicyInput): string {
  const { org, sender, classification, distribution, groups, epoch } = checked;
  return JSON.stringify([org, sender, classification, distribution, groups, epoch]);
}
