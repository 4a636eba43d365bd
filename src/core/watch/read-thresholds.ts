/**
 * How many reads in each window a device may make before the watch responds, by role, and
 * the decoder an organisation's officers tune them through. Three levels, by confidence:
 * alert the officers, require a fresh passkey touch (step-up), suspend the device.
 *
 * The defaults come from how the roles work (docs/design.md §9):
 * - a diplomat (member) opens cables in bursts of up to ten while triaging, about eighty on a
 *   busy day, in office hours; fifty in a morning hour is normal. Twenty in one minute is no
 *   person reading: a scrape is suspended there, well before it has taken thirty cables.
 * - a security officer and the network authority read like members.
 * - a registry device keeps its organisation's record and legitimately fetches every cable
 *   the organisation sends or receives, as it arrives and when it catches up after a night
 *   offline: its limits are an order of magnitude higher, and a scrape of a registry key is
 *   caught by clone detection and the origin signals rather than by volume alone.
 */
import { type Decoder, integer, object, refine } from '../encoding/decode.ts';
import type { Role } from '../encoding/identifiers.ts';
import { READ_WINDOWS, type ReadWindow } from './read-windows.ts';

/** The responses to reading, lowest first. */
export const READ_RESPONSES = ['alert', 'step-up', 'suspend'] as const;
export type ReadResponse = (typeof READ_RESPONSES)[number];

/** A limit per window: the response fires when a window holds more reads than this. */
export type WindowLimits = Readonly<Record<ReadWindow, number>>;
export type ReadThresholds = Readonly<Record<ReadResponse, WindowLimits>>;

const PERSON: ReadThresholds = {
  alert: { minute: 12, '10 minutes': 30, hour: 80, day: 200 },
  'step-up': { minute: 15, '10 minutes': 35, hour: 100, day: 250 },
  suspend: { minute: 20, '10 minutes': 40, hour: 120, day: 300 },
};

const REGISTRY: ReadThresholds = {
  alert: { minute: 60, '10 minutes': 200, hour: 600, day: 2000 },
  'step-up': { minute: 90, '10 minutes': 300, hour: 800, day: 3000 },
  suspend: { minute: 120, '10 minutes': 400, hour: 1000, day: 4000 },
};

export const DEFAULT_READ_THRESHOLDS: Readonly<Record<Role, ReadThresholds>> = {
  member: PERSON,
  registry: REGISTRY,
  'security-officer': PERSON,
  'network-authority': PERSON,
};

/** No tuning may let a device read more than this in one day, whatever its role. */
export const MAX_DAILY_LIMIT = 100_000;

function decodeWindowLimits(max: number): Decoder<WindowLimits> {
  const limit = integer({ min: 1, max });
  const shape = Object.fromEntries(READ_WINDOWS.map((w) => [w.name, limit])) as Record<
    ReadWindow,
    Decoder<number>
  >;
  return refine(object(shape), (limits) => {
    // A longer window holds every read of a shorter one: its limit cannot be smaller.
    for (let i = 1; i < READ_WINDOWS.length; i++) {
      const shorter = READ_WINDOWS[i - 1]?.name as ReadWindow;
      const longer = READ_WINDOWS[i]?.name as ReadWindow;
      if (limits[longer] < limits[shorter]) return `the ${longer} limit at least the ${shorter} limit`;
    }
    return undefined;
  });
}

/**
 * Decodes an officer's thresholds: whole numbers from 1 to MAX_DAILY_LIMIT, each window at
 * least the one before it, and each response's limits at least the lower response's, so a
 * device is always alerted on before it is stopped.
 */
export const decodeReadThresholds: Decoder<ReadThresholds> = refine(
  object({
    alert: decodeWindowLimits(MAX_DAILY_LIMIT),
    'step-up': decodeWindowLimits(MAX_DAILY_LIMIT),
    suspend: decodeWindowLimits(MAX_DAILY_LIMIT),
  }),
  (thresholds) => {
    for (const window of READ_WINDOWS) {
      const { alert, 'step-up': stepUp, suspend } = thresholds;
      if (stepUp[window.name] < alert[window.name] || suspend[window.name] < stepUp[window.name]) {
        return `alert ≤ step-up ≤ suspend for the ${window.name} window`;
      }
    }
    return undefined;
  },
);

/**
 * Listing subjects is reading them (docs/design.md §9), but a subject is a line, not a cable:
 * a diplomat's morning sync lists every cable that came in overnight, where opening as many
 * would be a scrape. Each subject a device is served for the first time counts against its
 * role's read thresholds times this factor (a member is alerted past 120 new subjects in a
 * minute, suspended past 200 in a minute or 3,000 in a day), so the officers' one tuning
 * covers both, and a device listing everything it can is still stopped within a minute.
 */
export const LISTED_PER_READ = 10;

/** The thresholds for subjects listed, from the role's read thresholds. */
export function listingThresholds(reads: ReadThresholds): ReadThresholds {
  const scale = (limits: WindowLimits): WindowLimits =>
    Object.fromEntries(
      READ_WINDOWS.map((w) => [w.name, limits[w.name] * LISTED_PER_READ]),
    ) as unknown as WindowLimits;
  return { alert: scale(reads.alert), 'step-up': scale(reads['step-up']), suspend: scale(reads.suspend) };
}
