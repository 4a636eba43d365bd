/** `valise audit witness`: an organisation's registry device checks and cosigns the newest checkpoint. */
import { witnessLog } from '../../client/witness-log.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const auditWitnessVerb: Verb = {
  name: 'audit witness',
  summary: "cosign the audit log's newest checkpoint as your organisation's witness (registry device)",
  synopsis: '',
  help: [
    'Checks that the newest checkpoint is signed by the pinned log key and extends the last one',
    'this device cosigned (kept in the profile), then cosigns it. On a rollback, a conflicting',
    'checkpoint of the same size or a failed proof it refuses, raises an alert and fails.',
    'Run it often (cron, a timer): each run is one check.',
  ],
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ profile }, cli) {
    const cosigned = await witnessLog({ store: keyStore(cli, profile), fetch: cli.fetch, clock: cli.clock });
    return {
      json: cosigned,
      text: [
        `cosigned the checkpoint of ${cosigned.size} entries` +
          (cosigned.previous === null
            ? ' (the first this witness cosigns)'
            : ` (it extends ${cosigned.previous})`),
      ],
    };
  },
};
