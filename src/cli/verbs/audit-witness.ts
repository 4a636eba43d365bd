/**
 * `valise audit witness`: an organisation's registry device checks and cosigns the newest
 * checkpoint; with `--follow`, every few seconds until stopped (docs/design.md §8).
 */
import { followWitness } from '../../client/follow-witness.ts';
import { witnessLog } from '../../client/witness-log.ts';
import { flag, positiveInteger, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

/** The default pause between two rounds of `--follow`, in seconds. */
export const WITNESS_INTERVAL_SECONDS = 5;

export const auditWitnessVerb: Verb = {
  name: 'audit witness',
  summary: "cosign the audit log's newest checkpoint as your organisation's witness (registry device)",
  synopsis: '[--follow [--interval 5] [--rounds <n>]]',
  help: [
    'Checks that the newest checkpoint is signed by the pinned log key and extends the last one',
    'this device cosigned (kept in the profile), and that every event since is there and builds',
    "the checkpoint's tree, then cosigns it. On a rollback, a conflicting checkpoint of the same",
    'size, a failed proof, or a missing or altered event it refuses, raises an alert and fails.',
    '--follow          keep witnessing, one round every --interval seconds, until stopped',
    '                  (Ctrl-C, SIGTERM); a refusal stops it with exit code 1',
    `--interval <s>    seconds between rounds (default ${WITNESS_INTERVAL_SECONDS}, at most 3600)`,
    '--rounds <n>      stop after n rounds',
  ],
  options: { follow: { type: 'boolean' }, interval: { type: 'string' }, rounds: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const request = { store: keyStore(cli, profile), fetch: cli.fetch, clock: cli.clock };
    if (!flag(values, 'follow')) {
      const cosigned = await witnessLog(request);
      return {
        json: cosigned,
        text: [
          `cosigned the checkpoint of ${cosigned.size} entries` +
            (cosigned.previous === null
              ? ' (the first this witness cosigns)'
              : ` (it extends ${cosigned.previous})`),
        ],
      };
    }
    const interval = text(values, 'interval');
    const rounds = text(values, 'rounds');
    const stop = new AbortController();
    const release = cli.onStop?.(() => stop.abort());
    try {
      const summary = await followWitness({
        ...request,
        intervalMs:
          1000 * (interval ? positiveInteger(interval, 'interval', 3600) : WITNESS_INTERVAL_SECONDS),
        signal: stop.signal,
        ...(rounds ? { rounds: positiveInteger(rounds, 'rounds', 1_000_000_000) } : {}),
        onRound: (outcome) =>
          cli.stderr(
            outcome instanceof Error
              ? `valise: this round failed, retrying: ${outcome.message}\n`
              : `cosigned the checkpoint of ${outcome.size} entries\n`,
          ),
      });
      return {
        json: summary,
        text: [
          `witnessed ${summary.rounds} rounds, cosigned ${summary.cosigned}` +
            (summary.size !== undefined ? `; the last checkpoint cosigned has ${summary.size} entries` : ''),
        ],
      };
    } finally {
      release?.();
    }
  },
};
