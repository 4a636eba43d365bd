/**
 * An organisation's working hours, as its officers set them (docs/design.md §9): the time
 * zone its people work in, the days of the week and the span of each day. A read outside
 * them is one of the watch's weighted signals: people do read at night and at weekends, so
 * it never stops a device alone, but a thief who reads around the clock adds it up fast.
 *
 * The decoder refuses an unknown time zone (IANA names, as `Intl` knows them), a day named
 * twice, and a span that is empty or runs past midnight.
 */
import { array, type Decoder, enumOf, integer, object, refine, string } from '../encoding/decode.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingHours {
  /** An IANA time zone, `Europe/Brussels`. */
  readonly timeZone: string;
  readonly days: readonly Weekday[];
  /** Minutes after local midnight at which the working day starts. */
  readonly start: number;
  /** Minutes after local midnight at which it ends (after `start`, at most 1440). */
  readonly end: number;
}

/**
 * The default: Monday to Friday, 07:00 to 20:00 in Brussels. Ministries keep long days and
 * staff read before and after meetings; two hours either side of an office day keeps a
 * diplomat's early and late reading inside, while a thief reading around the clock spends
 * more than ten hours a day and every weekend outside.
 */
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  timeZone: 'Europe/Brussels',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: 7 * 60,
  end: 20 * 60,
};

const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const decodeWorkingHours: Decoder<WorkingHours> = refine(
  object({
    timeZone: string({ min: 1, max: 64, pattern: TIME_ZONE }),
    days: array(enumOf(WEEKDAYS), { max: WEEKDAYS.length }),
    start: integer({ min: 0, max: 1439 }),
    end: integer({ min: 1, max: 1440 }),
  }),
  (hours) => {
    if (!knownTimeZone(hours.timeZone)) return 'a time zone the IANA database knows (Europe/Brussels)';
    if (hours.days.length === 0) return 'at least one working day';
    if (new Set(hours.days).size !== hours.days.length) return 'each day named once';
    if (hours.end <= hours.start) return 'the day ends after it starts, the same day';
    return undefined;
  },
);

const WEEKDAY_OF: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/**
 * A reader of the weekday and the second of the local day at a Unix second, in `timeZone`
 * (the formatter is built once, for callers that read many instants). The day is undefined
 * only if `Intl` names a weekday this module does not know.
 */
export function localClock(timeZone: string): (at: number) => { day: Weekday | undefined; second: number } {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (at) => {
    const parts = format.formatToParts(new Date(at * 1000));
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
    return {
      day: WEEKDAY_OF[part('weekday')],
      second: Number(part('hour')) * 3600 + Number(part('minute')) * 60 + Number(part('second')),
    };
  };
}

/** True when Unix second `at` falls inside `hours`, in their time zone. */
export function withinWorkingHours(hours: WorkingHours, at: number): boolean {
  const { day, second } = localClock(hours.timeZone)(at);
  return (
    day !== undefined && hours.days.includes(day) && second >= hours.start * 60 && second < hours.end * 60
  );
}
