/**
 * An officer act the server holds for a second security officer (docs/design.md §5): the
 * ClientError `ACT_HELD` that posting it raised, read back as what a caller reports.
 */
import { HELD_ACT_TYPES, type HeldActType } from '../core/api/officer-act-routes.ts';
import { ClientError } from './client-error.ts';

export interface HeldRef {
  readonly id: string;
  readonly act: HeldActType;
  readonly expiresAt: number;
  /** Who must confirm it, and how. */
  readonly message: string;
}

/** The held act `error` names, or undefined when it is another error. */
export function heldOf(error: unknown): HeldRef | undefined {
  if (!(error instanceof ClientError) || error.code !== 'ACT_HELD') return undefined;
  const held = error.detail?.held;
  if (typeof held !== 'object' || held === null || Array.isArray(held)) return undefined;
  const { id, act, expiresAt } = held as { id?: unknown; act?: unknown; expiresAt?: unknown };
  if (typeof id !== 'string' || typeof expiresAt !== 'number') return undefined;
  const type = HELD_ACT_TYPES.find((t) => t === act);
  if (type === undefined) return undefined;
  return { id, act: type, expiresAt, message: error.message };
}

/** Runs `post`; an act the server held is answered as its HeldRef, anything else is thrown. */
export async function heldOr<T>(
  post: () => Promise<T>,
): Promise<{ readonly done: T } | { readonly held: HeldRef }> {
  try {
    return { done: await post() };
  } catch (error) {
    const held = heldOf(error);
    if (!held) throw error;
    return { held };
  }
}
