/**
 * Which database errors mean "the disk did not take this write" (docs/design.md §7: fail-stop). On
 * those the process stops rather than retry: after a failed fsync the OS may have dropped
 * the dirty pages, so a retry that "succeeds" could acknowledge data that is not on disk
 * (the PostgreSQL fsyncgate lesson, 2018).
 */

/** SQLite result codes (primary and extended: SQLITE_IOERR_FSYNC, SQLITE_IOERR_WRITE, …). */
const SQLITE_FATAL = /^SQLITE_(FULL|IOERR|CORRUPT|NOTADB)/;

/**
 * PostgreSQL SQLSTATEs: 53100 disk_full, 58030 io_error, XX001 data_corrupted,
 * XX002 index_corrupted.
 */
const POSTGRES_FATAL = new Set(['53100', '58030', 'XX001', 'XX002']);

export function isFatalWriteError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return SQLITE_FATAL.test(code) || POSTGRES_FATAL.has(code);
}

/** A unique or primary key violation: someone else wrote that row first. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
