/**
 * An audit event as a security officer reads it: one sentence naming the person, the device
 * and the cable ("Claire Dubois (FR) opened DE/1/26 from 'Claire laptop'"), from the event's
 * proven fields and the verified directory. Names come only from the directory; an id the
 * directory no longer knows (a revoked device) is shown as its short id, never guessed.
 */

export interface AuditEventFields {
  readonly type: string;
  readonly actor: { readonly org?: string; readonly user?: string; readonly device?: string };
  readonly object: { readonly kind: string; readonly id: string; readonly org?: string };
  readonly detail: { readonly [key: string]: unknown };
}

/** What the directory says of a person or a device, when it knows them. */
export interface AuditNames {
  person(user: string): string | undefined;
  device(device: string): { readonly label: string; readonly owner: string } | undefined;
}

export function auditSentence(event: AuditEventFields, names: AuditNames): string {
  const who = actorName(event.actor, names);
  const from = event.actor.device ? ` from ${deviceName(event.actor.device, names)}` : '';
  const cable = text(event.detail.reference) ?? `cable ${short(event.object.id)}`;
  const detail = event.detail;
  switch (event.type) {
    case 'cable.fetched':
      return `${who} opened ${cable}${from}`;
    case 'cable.listed': {
      const n = typeof detail.count === 'number' ? detail.count : 0;
      return `${who} listed the subjects of ${n} cable${n === 1 ? '' : 's'}${from}`;
    }
    case 'cable.accepted':
      return `${who} sent ${cable}${text(detail.classification) ? ` (${text(detail.classification)})` : ''}${from}`;
    case 'cable.acknowledged':
      return `${who} acknowledged ${cable} for ${event.actor.org ?? 'their organisation'}${from}`;
    case 'cable.overdue':
      return `${cable} (${text(detail.precedence) ?? 'urgent'}) was not acknowledged by ${text(detail.org) ?? 'an addressee'} within ${text(detail.limit) ?? 'its limit'}: its registry and the sender were told`;
    case 'attachment.fetched':
      return `${who} downloaded an attachment of ${cable}${from}`;
    case 'session.started':
      return `${who} signed in${from}`;
    case 'session.stepped-up':
      return `${who} confirmed with a fresh passkey touch${from}`;
    case 'session.ended':
      return `${who} signed out${from}`;
    case 'session.refused':
    case 'request.refused':
      return `A ${event.type === 'session.refused' ? 'sign-in' : 'request'} was refused${refusal(detail)}`;
    case 'enrolment.requested':
      return `${who} asked to enrol a new device, ${deviceName(event.object.id, names)}`;
    case 'passkey.registered':
      return `${who} registered a passkey${from}`;
    case 'invitation.created': {
      const invitee = personName(text(detail.user) ?? event.object.id, names);
      return anonymous(event.actor) ? `An invitation was made for ${invitee}` : `${who} invited ${invitee}`;
    }
    case 'directory.entry': {
      const action = text(detail.action) ?? 'recorded';
      const what = `the ${event.object.kind} certificate of ${subject(event.object, names, true)}`;
      // Entries posted under the root's or an org's own signature at setup have no acting device.
      return anonymous(event.actor) ? `${capitalise(what)} was ${action}` : `${who} ${action} ${what}`;
    }
    case 'officer-act.held':
      return `${who} asked for a second officer's confirmation of ${heldAct(detail, names)}${from}`;
    case 'officer-act.confirmed':
    case 'officer-act.refused': {
      const asker = personName(text(detail.postedBy) ?? '?', names);
      const verb = event.type === 'officer-act.confirmed' ? 'confirmed' : 'refused';
      return `${who} ${verb} ${heldAct(detail, names)}, asked by ${asker}${from}`;
    }
    default:
      if (event.type.startsWith('watch.')) return watchSentence(event, names);
      return `${who}: ${event.type.replace('.', ' ')} · ${subject(event.object, names)}`;
  }
}

/** A held officer act (docs/design.md §5): what it is, and whom it concerns. */
function heldAct(detail: AuditEventFields['detail'], names: AuditNames): string {
  const about = personName(text(detail.subject) ?? '?', names);
  switch (text(detail.act)) {
    case 'invitation':
      return `an invitation for ${about}`;
    case 'user':
      return `the user certificate of ${about}`;
    case 'device':
      return `a device certificate for ${about}`;
    case 'revocation':
      return `a revocation concerning ${about}`;
    default:
      return `an officer act concerning ${about}`;
  }
}

function watchSentence(event: AuditEventFields, names: AuditNames): string {
  const target = subject(event.object, names);
  const { reads, window, limit, reason, kind } = event.detail;
  const counted = kind === 'listing' ? 'subjects listed' : 'reads';
  const why = text(reason)
    ? `: ${text(reason)}`
    : typeof reads === 'number'
      ? ` (${reads} ${counted} in ${text(window) ?? 'a window'}, limit ${String(limit)})`
      : '';
  switch (event.type) {
    case 'watch.alert':
      return `The watch raised an alert about ${target}${why}`;
    case 'watch.held':
      return `The watch held ${target} until a passkey touch or an officer releases it${why}`;
    case 'watch.suspended':
      return `${target} was suspended${why}`;
    case 'watch.released':
      return `${actorName(event.actor, names)} released ${target}${why}`;
    default:
      return `${actorName(event.actor, names)}: ${event.type.replace('.', ' ')} · ${target}${why}`;
  }
}

function actorName(actor: AuditEventFields['actor'], names: AuditNames): string {
  if (actor.user) return personName(actor.user, names, actor.org);
  if (actor.org) return `Someone at ${actor.org}`;
  return 'An unidentified caller';
}

function personName(user: string, names: AuditNames, org?: string): string {
  const name = names.person(user);
  const place = org ?? user.split('.')[0]?.toUpperCase();
  return name ? `${name} (${place})` : user;
}

function deviceName(device: string, names: AuditNames, withOwner = false): string {
  const known = names.device(device);
  if (!known) return `device ${short(device)}`;
  return withOwner ? `${known.owner}'s '${known.label}'` : `'${known.label}'`;
}

function subject(object: AuditEventFields['object'], names: AuditNames, withOwner = false): string {
  if (object.kind === 'device') return deviceName(object.id, names, withOwner);
  if (object.kind === 'user') return personName(object.id, names);
  if (object.kind === 'org') return object.id;
  return `${object.kind} ${short(object.id)}`;
}

function refusal(detail: AuditEventFields['detail']): string {
  const code = text(detail.code) ? `: ${text(detail.code)}` : '';
  const source = text(detail.source) ? ` from ${text(detail.source)}` : '';
  const more = typeof detail.suppressed === 'number' ? `, and ${detail.suppressed} more since` : '';
  return `${code}${source}${more}`;
}

function anonymous(actor: AuditEventFields['actor']): boolean {
  return actor.user === undefined && actor.org === undefined;
}

function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function short(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
