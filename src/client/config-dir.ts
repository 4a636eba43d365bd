/**
 * Where the CLI keeps its profiles: `$VALISE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/valise`
 * (XDG Base Directory spec), else `~/.config/valise`. Pure: the caller passes the
 * environment and the home folder, so only the CLI's main reads them.
 */
import { isAbsolute, join } from 'node:path';

export function configDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const explicit = env.VALISE_CONFIG_DIR;
  if (explicit) return explicit;
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'valise');
  return join(home, '.config', 'valise');
}
