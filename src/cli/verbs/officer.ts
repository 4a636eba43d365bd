/**
 * `valise officer pending`, `valise officer confirm` and `valise officer refuse` (security
 * officer): the two-person rule of docs/design.md §5. An officer act from the command line
 * (an invitation, a certificate, an approval, a revocation) is held until a second security
 * officer of the organisation, another person, confirms it from their own device.
 */
import type { HeldRef } from '../../client/held-act.ts';
import { confirmHeldAct, listHeldActs, refuseHeldAct, summariseHeldAct } from '../../client/officer-acts.ts';
import { positional, required } from '../option-values.ts';
import { deviceSession } from '../profile.ts';
import type { Verb, VerbOutput } from '../verb.ts';

/** What invite, approve and revoke print when the server held their act. */
export function heldOutput(held: HeldRef): VerbOutput {
  return {
    json: {
      status: 'held',
      held: { id: held.id, act: held.act, expiresAt: held.expiresAt },
      message: held.message,
    },
    text: [`held: ${held.message}`],
  };
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export const officerPendingVerb: Verb = {
  name: 'officer pending',
  summary: "list the officer acts waiting for a second officer's confirmation (security officer)",
  synopsis: '',
  help: [
    'Lists the held acts of your organisation, oldest first: who asked, what, about whom, and',
    'until when. For a device approval, the code the new device shows: ask its user to read it.',
    'Acts marked "yours" (you posted them, or they are about you) are for another officer.',
  ],
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ profile }, cli) {
    const session = await deviceSession(cli, profile);
    const items = (await listHeldActs(session)).map((act) => summariseHeldAct(session, act));
    return {
      json: { items },
      text:
        items.length === 0
          ? ['no officer act is waiting for a confirmation']
          : items.map(
              (a) =>
                `${a.id}  ${a.what}  asked by ${a.byName} (${a.by}) at ${iso(a.createdAt)}, expires ${iso(a.expiresAt)}${a.mine ? '  [yours: another officer decides]' : ''}`,
            ),
    };
  },
};

export const officerConfirmVerb: Verb = {
  name: 'officer confirm',
  summary: "confirm another officer's held act, which then takes effect (security officer)",
  synopsis: '<act id>',
  help: [
    '<act id>   an act listed by valise officer pending, posted by another officer, not about you',
    'The act takes effect exactly as the other officer signed it; your confirmation is your own',
    'signed request, logged with both your names. Check it with them first.',
  ],
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const id = positional(positionals, 0, '<act id>');
    const confirmed = await confirmHeldAct(session, id);
    return {
      json: confirmed,
      text: [
        confirmed.invitation !== undefined
          ? `act ${id} confirmed: invitation ${confirmed.invitation} is valid until ${iso(confirmed.expiresAt ?? 0)}`
          : `act ${id} confirmed: directory entry ${confirmed.index} is in force`,
      ],
    };
  },
};

export const officerRefuseVerb: Verb = {
  name: 'officer refuse',
  summary: 'refuse a held officer act, or withdraw your own (security officer)',
  synopsis: '<act id> --reason <text>',
  help: [
    '<act id>         an act listed by valise officer pending',
    '--reason <text>  why (kept with the decision; 3 to 500 characters)',
    'Nothing of the act is applied. The officer who posted it may withdraw it so too.',
  ],
  options: { reason: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const id = positional(positionals, 0, '<act id>');
    const refused = await refuseHeldAct(session, id, required(values, 'reason'));
    return { json: refused, text: [`act ${id} refused: nothing of it was applied`] };
  },
};
