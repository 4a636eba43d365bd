/**
 * The root of every error Valise raises on purpose. Each area has one subclass with a
 * closed union of codes; callers and tests branch on `code`, never on message text.
 * The message says what happened and what to do about it.
 */
export abstract class ValiseError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
