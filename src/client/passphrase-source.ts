/**
 * Where the passphrase of encrypted key files comes from (docs/design.md §5, "Keys on disk"):
 * a prompt at a terminal, or a file or the environment for scripts and services. The CLI's
 * entry wires one (cli/passphrase-from-environment.ts); the client only asks it, at the
 * moment a key file must be opened or written, and never logs or stores what it answers.
 */
import { ClientError } from './client-error.ts';

export interface PassphraseSource {
  /** The passphrase of an existing key file; `what` names the file for a prompt. */
  unlock(what: string): Promise<string>;
  /** A passphrase for a new key file (a prompt asks twice). */
  choose(what: string): Promise<string>;
}

/** No way to get a passphrase: opening or writing an encrypted key file is PASSPHRASE_REQUIRED. */
export const NO_PASSPHRASE: PassphraseSource = {
  unlock: noPassphrase,
  choose: noPassphrase,
};

async function noPassphrase(what: string): Promise<string> {
  throw new ClientError(
    'PASSPHRASE_REQUIRED',
    `${what} is encrypted and no passphrase is available: run the command at a terminal, or set VALISE_PASSPHRASE_FILE`,
  );
}
