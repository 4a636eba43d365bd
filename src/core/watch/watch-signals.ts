/**
 * The watch's signals beyond the read meter (docs/design.md §9), and what each weighs.
 *
 * Two are proof on their own and stop the device at once:
 * - `clone`: a request sequence number seen twice, or far behind the highest
 *   (sequence-window.ts): two copies of one device key are in use;
 * - `canary`: a watched device fetched a canary cable, a decoy no person had reason to open.
 *
 * The others are what a person also does now and then, so each adds a weight to the
 * device's score over the last day, and the score, not one signal, decides:
 * - `new-origin`: a request from a network (an IPv4 /24, an IPv6 /48) the device never used;
 * - `two-origins`: the device went back to one network within two minutes of using another,
 *   i.e. it is active in two places at once;
 * - `off-hours`: a read outside the organisation's working hours (working-hours.ts);
 * - `old-archive`: a read of a cable older than thirty days that the device never opened.
 *
 * The weights and limits, with the reasoning, are in docs/design.md §9. A person's day of
 * work from one office scores nothing; a laptop that moves to a hotel scores an alert; a
 * thief reading around the clock from its own network reaches a hold within hours.
 */

export const SIGNAL_KINDS = [
  'clone',
  'canary',
  'new-origin',
  'two-origins',
  'off-hours',
  'old-archive',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** The signals that stop a device at their first sighting. */
export const STRONG_SIGNALS: readonly SignalKind[] = ['clone', 'canary'];

/** What each weighted signal adds to the device's score. */
export const SIGNAL_WEIGHTS: Readonly<Record<Exclude<SignalKind, 'clone' | 'canary'>, number>> = {
  'new-origin': 10,
  'two-origins': 15,
  'off-hours': 1,
  'old-archive': 1,
};

/**
 * At most this many new networks count in a day: a phone on a carrier's network changes
 * addresses all day, so new networks alone may alert (3 × 10) but never hold a device.
 */
export const NEW_ORIGINS_COUNTED_PER_DAY = 3;

/** The score is the sum of the weights of the last day. */
export const SCORE_WINDOW_SECONDS = 86_400;

/** The score at which each response fires (at or above). */
export const SCORE_LIMITS = { alert: 10, 'step-up': 40, suspend: 80 } as const;

/** A cable older than this at the time of the read is archive. */
export const OLD_ARCHIVE_SECONDS = 30 * 86_400;

/** Going back to a network within this many seconds of using another is being in two places. */
export const TWO_ORIGINS_SECONDS = 120;

/** At most one `two-origins` signal per device in this many seconds (a flapping link). */
export const TWO_ORIGINS_QUIET_SECONDS = 600;

export type ScoreResponse = 'none' | keyof typeof SCORE_LIMITS;

/** The strongest response a score of the last day calls for. */
export function assessScore(score: number): ScoreResponse {
  if (score >= SCORE_LIMITS.suspend) return 'suspend';
  if (score >= SCORE_LIMITS['step-up']) return 'step-up';
  if (score >= SCORE_LIMITS.alert) return 'alert';
  return 'none';
}

/**
 * The network a source address belongs to, as the watch compares them: the /24 of an IPv4
 * address (an office, a hotel, a mobile carrier's pool), the /48 of an IPv6 one (a site).
 * An IPv4-mapped IPv6 address is its IPv4 address. Anything else is kept as it is.
 */
export function originPrefix(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped?.[1] ?? address;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  if (octets) return `${octets[1]}.${octets[2]}.${octets[3]}.0/24`;
  if (address.includes(':')) return `${expandIpv6(address).slice(0, 3).join(':')}::/48`;
  return address;
}

function expandIpv6(address: string): string[] {
  const bare = address.split('%')[0] ?? '';
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined ? [] : new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right].map((group) => (Number.parseInt(group, 16) || 0).toString(16));
}

/** What the watch remembers of one network a device used. */
export interface OriginSighting {
  readonly prefix: string;
  readonly lastSeen: number;
}

/**
 * The origin signals of a request from `prefix` at `at`, given the networks the device used
 * before (none for its first request, which sets its home and signals nothing).
 */
export function originSignals(
  prefix: string,
  at: number,
  seen: readonly OriginSighting[],
): ('new-origin' | 'two-origins')[] {
  if (seen.length === 0) return [];
  const own = seen.find((s) => s.prefix === prefix);
  if (!own) return ['new-origin'];
  // Back on this network within two minutes of a request from another one, since this one
  // was last used: two places at once, not a move (a move does not come back in minutes).
  const other = seen.some(
    (s) => s.prefix !== prefix && s.lastSeen > own.lastSeen && at - s.lastSeen <= TWO_ORIGINS_SECONDS,
  );
  return other ? ['two-origins'] : [];
}
