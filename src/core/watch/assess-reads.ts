/**
 * What the watch does about a device's reading, from its window totals and its thresholds:
 * the strongest response whose limit some window exceeds, with the window that tripped it,
 * so the officer's alert can say "31 cables in 10 minutes (limit 30)".
 *
 * The totals passed in include the read being decided. The caller counts the read and
 * assesses it in the transaction that would serve it, and serves nothing when the answer is
 * `suspend`: a crash between counting and serving never lets a device past its limit.
 */
import { READ_RESPONSES, type ReadResponse, type ReadThresholds } from './read-thresholds.ts';
import { READ_WINDOWS, type ReadWindow, type WindowTotals } from './read-windows.ts';

export type ReadAssessment =
  | { readonly response: 'none' }
  | {
      readonly response: ReadResponse;
      readonly window: ReadWindow;
      readonly reads: number;
      readonly limit: number;
    };

export function assessReads(totals: WindowTotals, thresholds: ReadThresholds): ReadAssessment {
  for (const response of [...READ_RESPONSES].reverse()) {
    for (const window of READ_WINDOWS) {
      const reads = totals[window.name];
      const limit = thresholds[response][window.name];
      // The limit is the most reads allowed: the response fires at the first read past it.
      if (reads > limit) return { response, window: window.name, reads, limit };
    }
  }
  return { response: 'none' };
}
