/**
 * What `valise serve` runs: the server's own entry (src/server/main.ts), loaded only when
 * asked, so no other verb pulls the server into the CLI. The server reads its settings
 * from the environment itself (PORT, DATABASE_URL, VALISE_ROOT_KEY, ...).
 *
 * Today src/server/main.ts exports nothing and starts itself when imported; if it comes to
 * export a start function (start, startServer or main), that function is called instead.
 */
import { CliError } from './cli-error.ts';

export async function startServer(): Promise<{ readonly url: string } | undefined> {
  let entry: Record<string, unknown>;
  try {
    entry = (await import('../server/main.ts')) as Record<string, unknown>;
  } catch (cause) {
    throw new CliError(
      'SERVER_UNAVAILABLE',
      `the server cannot be loaded (${cause instanceof Error ? cause.message : String(cause)})`,
      {
        cause,
      },
    );
  }
  const start = entry.start ?? entry.startServer ?? entry.main;
  if (typeof start !== 'function')
    return { url: 'the address in PORT and HOST (started by src/server/main.ts)' };
  const started: unknown = await start();
  const url =
    typeof started === 'object' && started !== null && 'url' in started ? String(started.url) : undefined;
  return { url: url ?? 'the address in PORT and HOST' };
}
