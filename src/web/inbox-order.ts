/** The inbox order: highest precedence first (FLASH before ROUTINE), then newest first. */
import { PRECEDENCES } from '../core/cable/precedence.ts';

export function byPrecedenceThenTime(
  a: { readonly precedence: string; readonly sentAt: number },
  b: { readonly precedence: string; readonly sentAt: number },
): number {
  const rank = (p: string) => PRECEDENCES.indexOf(p as (typeof PRECEDENCES)[number]);
  return rank(b.precedence) - rank(a.precedence) || b.sentAt - a.sentAt;
}
