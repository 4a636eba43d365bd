/**
 * Everything a verb may touch outside its arguments, wired once by main.ts from what its
 * caller hands it: where profiles live, the network, the clock and the terminal. Tests
 * build their own.
 */
import type { Fetch } from '../client/api-client.ts';
import type { Clock } from '../client/clock.ts';
import type { PassphraseSource } from '../client/passphrase-source.ts';

export interface CliEnvironment {
  /** The folder of profiles (`$VALISE_CONFIG_DIR`, `$XDG_CONFIG_HOME/valise`, `~/.config/valise`). */
  readonly configDir: string;
  /** The profile used without `--profile` (`$VALISE_PROFILE`, else `default`). */
  readonly defaultProfile: string;
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** The uid that must own key files; undefined where the platform has none. */
  readonly uid: number | undefined;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** All of standard input (the body of `send` when no --body-file is given). */
  readonly readStdin: () => Promise<Uint8Array>;
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Creates a new file (never overwrites one): `read --save-attachments`. */
  readonly writeNewFile: (path: string, data: Uint8Array) => Promise<void>;
  /** Standard error is a terminal: progress bars may be drawn there. */
  readonly stderrIsTty?: boolean;
  /** The passphrase of encrypted key files: a prompt, or VALISE_PASSPHRASE_FILE / VALISE_PASSPHRASE. */
  readonly passphrase: PassphraseSource;
  /**
   * `$VALISE_AGENT_SOCK`: the key agent's socket to use instead of the profile's own
   * (`<profile>/agent/socket`). `none` uses no agent.
   */
  readonly agentSocket?: string;
  /**
   * Starts `valise <argv>` as a background process of its own session (the key agent), writes
   * `input` to its standard input and resolves with the first line it prints; absent where
   * the command cannot start one (then `valise agent start --foreground`).
   */
  readonly startBackground?: (argv: readonly string[], input: string) => Promise<string>;
  /** This process's id (the agent reports it). */
  readonly pid?: number;
  /** `$VALISE_ORG_KEY_FILE`: the organisation key file for officer acts, instead of the profile's. */
  readonly orgKeyFile?: string;
  /** log2 of scrypt's N for new key files (default 18): lowered only by tests, never by the environment. */
  readonly keyFileWorkFactor?: number;
  /**
   * Calls `stop` when the user asks the process to stop (SIGINT, SIGTERM), for verbs that run
   * until then (`audit witness --follow`); returns what undoes the registration.
   */
  readonly onStop?: (stop: () => void) => () => void;
  /** What `serve` runs: starts a server node and resolves with its address once it listens. */
  readonly serve: () => Promise<{ readonly url: string }>;
}
