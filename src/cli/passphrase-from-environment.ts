/**
 * The CLI's passphrase source (docs/design.md §5, "Keys on disk"), first match wins:
 * 1. `VALISE_PASSPHRASE_FILE`: the first line of that file, for services (a systemd
 *    credential, a container secret) and scripts; `/dev/fd/3` reads a file descriptor
 *    (`valise inbox 3<secret`). A plain file that group or others may read is refused, as
 *    OpenSSH refuses such a key.
 * 2. `VALISE_PASSPHRASE`: the passphrase itself, for tests and CI. Weaker: the environment
 *    is inherited by child processes and readable by the same user in /proc.
 * 3. A prompt at the terminal, without echo (asked twice for a new file).
 * 4. Else PASSPHRASE_REQUIRED, saying how to give one.
 * What is read is kept in memory for this one command and never printed or logged.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ClientError } from '../client/client-error.ts';
import type { PassphraseSource } from '../client/passphrase-source.ts';

const MAX_PASSPHRASE_FILE_BYTES = 4096;

export function passphraseFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  prompt: ((question: string) => Promise<string>) | undefined,
): PassphraseSource {
  const file = env.VALISE_PASSPHRASE_FILE;
  const given = env.VALISE_PASSPHRASE;
  let read: Promise<string> | undefined;
  const fixed = (): Promise<string> | undefined => {
    if (file) read ??= passphraseFile(file);
    else if (given) read ??= Promise.resolve(given);
    return read;
  };
  return {
    unlock: async (what) => {
      const known = fixed();
      if (known) return known;
      if (!prompt) throw required(what);
      return prompt(`passphrase for ${what}: `);
    },
    choose: async (what) => {
      const known = fixed();
      if (known) return known;
      if (!prompt) throw required(what);
      const first = await prompt(`new passphrase for ${what}: `);
      const again = await prompt('the same passphrase again: ');
      if (first !== again)
        throw new ClientError('INVALID_ARGUMENT', 'the two passphrases differ; run the command again');
      return first;
    },
  };
}

function required(what: string): ClientError {
  return new ClientError(
    'PASSPHRASE_REQUIRED',
    `${what} is encrypted and no passphrase is available: run the command at a terminal, or set VALISE_PASSPHRASE_FILE to a file holding it`,
  );
}

async function passphraseFile(path: string): Promise<string> {
  let data: Buffer;
  try {
    const handle = await open(path, constants.O_RDONLY);
    try {
      const stat = await handle.stat();
      if (stat.isFile() && (stat.mode & 0o077) !== 0) {
        throw new ClientError(
          'KEY_FILE_PERMISSIONS',
          `VALISE_PASSPHRASE_FILE ${path} may be read by others; chmod 600 it (and change the passphrase)`,
        );
      }
      const buffer = Buffer.alloc(MAX_PASSPHRASE_FILE_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      data = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    if (cause instanceof ClientError) throw cause;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ClientError('PASSPHRASE_REQUIRED', `cannot read VALISE_PASSPHRASE_FILE ${path}: ${why}`, {
      cause,
    });
  }
  const line = data.toString('utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new ClientError('PASSPHRASE_REQUIRED', `VALISE_PASSPHRASE_FILE ${path} is empty`);
  return line;
}
