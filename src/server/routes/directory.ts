/**
 * The directory (docs/design.md §5): every certificate, in order, served to clients who verify each
 * chain to the pinned root; and the one way in for a new entry, replayed with the
 * directory's own rules before it is stored.
 *
 * Who may post what:
 * - what the network root signs (organisation certificates and their revocations, a network
 *   authority's certificates, devices and revocations): anyone; the root's signature on the
 *   entry is the authority (the root key is offline), so the request may be unsigned;
 * - user, device and user/device revocation entries: a device of a security officer of the
 *   entry's organisation, never for the officer's own user (officer-act-rule.ts). A device
 *   certificate needs a pending enrolment with exactly its keys;
 * - bootstrap: while an organisation has no officer device in force, its officer's user and
 *   device certificates may be posted unsigned (the organisation key's signature is the
 *   authority, as the root's is for organisations). The first officer device ends it, but
 *   for the founding of a second officer on the organisation's first day (authorise.ts).
 * An officer's entry posted from a command-line device (no passkey) passes every check and is
 * then held for a second officer's confirmation instead of appended (held-act.ts); confirming
 * it (routes/officer-acts.ts) appends it through `appendEntry` with the same checks.
 * Unsigned requests are limited per source address (authenticate.ts). A re-post of an entry
 * the directory holds answers 200 with its index and writes nothing.
 */

import type { FastifyInstance } from 'fastify';
import type { HeldAnswer } from '../../core/api/officer-act-routes.ts';
import { ROUTES } from '../../core/api/routes.ts';
import { constantTimeEqual, toBase64url } from '../../core/encoding/bytes.ts';
import { optional } from '../../core/encoding/decode.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import type { DeviceCertificate, SignedEntry } from '../../core/identity/certificate.ts';
import { issuerIn } from '../../core/identity/certificate-issuer.ts';
import type { Directory, DirectoryDevice } from '../../core/identity/directory.ts';
import { actorOf, directoryEntryAudit } from '../audit-event.ts';
import { isFounding, isOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { holdAct, mustHold, requireSecondOfficer, subjectOf } from '../held-act.ts';
import { inclusionProofs } from '../log/inclusion-proofs.ts';
import { requireCertifiedPasskey, requireNotSelf, requireOfficerPresence } from '../officer-act-rule.ts';
import { integerText, readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { ConfirmedAct, EnrolmentRecord } from '../store/store.ts';
import { routeBody, serve } from './serve-route.ts';

export function directoryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.directory, {}, async (request) => {
    const query = readQuery(request, {
      from: optional(integerText({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      size: optional(integerText({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    });
    const from = query.from ?? 0;
    if (query.size === undefined) {
      const directory = ctx.directory.directory;
      const leaves = await ctx.store.log.directoryLeaves(from, Number.MAX_SAFE_INTEGER);
      const entries = directory.entries.slice(from);
      return {
        epoch: directory.epoch,
        entries: toJsonValue(entries),
        leaves: leaves.slice(0, entries.length).map((l) => ({ leaf: l.leaf })),
      };
    }
    return provenDirectory(ctx, from, query.size);
  });

  serve(app, ROUTES.postEntry, {}, async (request, reply) => {
    const { entry } = routeBody(request, ROUTES.postEntry, ctx.limits.maxBodyBytes);
    const outcome = await appendEntry(ctx, entry, request.actor, unixSeconds(ctx.clock));
    if (outcome.held) return reply.status(202).send(outcome.held);
    return reply.status(outcome.added ? 201 : 200).send({ index: outcome.index, epoch: outcome.epoch });
  });
}

/** A held act being confirmed (routes/officer-acts.ts): its decision goes with the entry. */
export interface Confirmation {
  readonly record: ConfirmedAct;
  /** Runs under the directory's lock before the entry is checked: throws when the act was decided. */
  readonly check: () => Promise<void>;
}

export interface EntryOutcome {
  readonly index: number;
  readonly epoch: number;
  readonly added: boolean;
  /** Set when the entry was held for a second officer (held-act.ts) instead of appended. */
  readonly held?: HeldAnswer;
}

/**
 * Checks and appends one entry posted by `actor` (null: unsigned), or holds it when a
 * command-line officer device posted it; with `confirmation`, applies a held act, whose
 * `actor` is the officer who posted it.
 */
export async function appendEntry(
  ctx: ServerContext,
  entry: SignedEntry,
  actor: DirectoryDevice | null,
  now: number,
  confirmation?: Confirmation,
): Promise<EntryOutcome> {
  let completes: string | undefined;
  let hold: { subject: string; actor: DirectoryDevice } | undefined;
  let held: HeldAnswer | undefined;
  const { index, directory, added } = await ctx.directory.append(entry, {
    check: async (current) => {
      await confirmation?.check();
      authorise(entry, actor, current, now);
      await officerActRule(ctx, entry, actor, current);
      completes =
        entry.body.kind === 'device' ? await checkEnrolment(ctx, entry.body, actor, current, now) : undefined;
      // docs/design.md §5: a command-line officer's act waits for a second officer (held-act.ts).
      hold =
        !confirmation && actor && issuerIn(entry.body, current) !== 'root' && (await mustHold(ctx, actor))
          ? { actor, subject: heldSubject(entry, current) }
          : undefined;
      if (hold) requireSecondOfficer(current, hold.actor);
    },
    commit: async (row) => {
      if (hold) {
        held = await holdAct(ctx, {
          kind: 'entry',
          act: heldActType(entry),
          actor: hold.actor,
          subject: hold.subject,
          body: { entry: toJsonValue(entry) },
          now,
        });
        return 'held';
      }
      const body = entry.body;
      const audit = directoryEntryAudit({
        at: now,
        actor: actorOf(actor ?? undefined),
        row,
        kind: body.kind === 'revocation' ? body.subject : body.kind,
        action: body.kind === 'revocation' ? 'revoked' : 'issued',
      });
      return ctx.store.appendDirectoryEntry(row, now, audit, completes, confirmation?.record);
    },
  });
  return { index, epoch: directory.epoch, added, ...(held ? { held } : {}) };
}

/** An officer's entry is a user, device or revocation entry (an `org` one is the root's). */
export function heldActType(entry: SignedEntry): 'user' | 'device' | 'revocation' {
  const kind = entry.body.kind;
  return kind === 'user' || kind === 'device' ? kind : 'revocation';
}

/** The user a held entry is about; an officer's entry about no user of theirs is not held but refused. */
function heldSubject(entry: SignedEntry, directory: Directory): string {
  const subject = subjectOf(entry.body, directory);
  if (subject === undefined) {
    throw new ServerError(
      'FORBIDDEN',
      `a security officer's ${entry.body.kind} entry must concern a user or device of ${entry.body.org}`,
    );
  }
  return subject;
}

/**
 * Key transparency (docs/design.md §8): the directory as committed in the tree of `size` leaves (a
 * checkpoint's): its epoch is the number of entries whose event is in that tree, and each
 * entry from `from` comes with its `directory.entry` event and the event's inclusion proof.
 */
async function provenDirectory(ctx: ServerContext, from: number, size: number) {
  const log = ctx.store.log;
  if (size > (await log.size())) {
    throw new ServerError('NOT_FOUND', `the log has no tree of ${size} leaves yet`, { field: 'query.size' });
  }
  const epoch = await log.directoryCount(size);
  const directory =
    ctx.directory.directory.epoch >= epoch ? ctx.directory.directory : await ctx.directory.refresh();
  const leaves = await log.directoryLeaves(from, size);
  const proven = await inclusionProofs(log, leaves, (l) => l.leaf, size);
  return {
    epoch,
    entries: toJsonValue(directory.entries.slice(from, Math.max(from, epoch))),
    leaves: proven.map(({ item: l, proof }) => ({
      leaf: l.leaf,
      event: new TextDecoder().decode(l.event),
      proof: proof.map(toBase64url),
    })),
  };
}

/** Who may post this entry (see the module header); throws 401/403 when not allowed. */
function authorise(
  entry: SignedEntry,
  actor: DirectoryDevice | null,
  directory: Directory,
  now: number,
): void {
  const body = entry.body;
  // The root's signature on the entry is the authority (see the module header).
  if (issuerIn(body, directory) === 'root') return;
  if (actor) {
    if (!isOfficerOf(actor, body.org)) {
      throw new ServerError(
        'FORBIDDEN',
        `only a security officer of ${body.org} may add ${body.kind} entries for it`,
      );
    }
    return;
  }
  const bootstrap =
    ((body.kind === 'user' && body.role === 'security-officer') ||
      (body.kind === 'device' && directory.user(body.user)?.role === 'security-officer')) &&
    isFounding(directory, body.org, body.user, now);
  if (!bootstrap) {
    throw new ServerError(
      'SIGNATURE_MISSING',
      `${body.kind} entries must be posted by a signed request from a security officer device of ${body.org}`,
    );
  }
}

/**
 * docs/design.md §5, officer acts (officer-act-rule.ts): a signed officer act under AAL3 comes
 * from a passkey device; no officer certifies their own user or device; under AAL3 a person's
 * device certificate names a device with a passkey (the bootstrap device too).
 */
async function officerActRule(
  ctx: ServerContext,
  entry: SignedEntry,
  actor: DirectoryDevice | null,
  directory: Directory,
): Promise<void> {
  const body = entry.body;
  if (actor && issuerIn(body, directory) !== 'root') {
    await requireOfficerPresence(ctx, actor);
    if (body.kind === 'user') requireNotSelf(actor, body.user, 'issue a user certificate');
    if (body.kind === 'device') requireNotSelf(actor, body.user, 'approve a device');
  }
  if (body.kind === 'device') await requireCertifiedPasskey(ctx, body, directory);
}

/**
 * docs/design.md §5: a device certificate certifies keys the device made itself, which the server
 * saw in its enrolment request. Returns the enrolment it completes, if any.
 */
async function checkEnrolment(
  ctx: ServerContext,
  cert: DeviceCertificate,
  actor: DirectoryDevice | null,
  directory: Directory,
  now: number,
): Promise<string | undefined> {
  const enrolment = await ctx.store.enrolment(cert.device);
  if (enrolment) {
    if (enrolment.status !== 'pending' || !matches(enrolment, cert)) {
      throw new ServerError(
        'ENROLMENT_MISMATCH',
        `the certificate for device ${cert.device} does not match its pending enrolment (user, organisation and both keys must be identical)`,
      );
    }
    return cert.device;
  }
  const bootstrap = actor === null && isFounding(directory, cert.org, cert.user, now);
  if (!bootstrap) {
    throw new ServerError(
      'ENROLMENT_MISMATCH',
      `device ${cert.device} has no pending enrolment; the device must enrol with an invitation first`,
    );
  }
  return undefined;
}

function matches(enrolment: EnrolmentRecord, cert: DeviceCertificate): boolean {
  return (
    enrolment.org === cert.org &&
    enrolment.user === cert.user &&
    constantTimeEqual(enrolment.signingKey, cert.signingKey) &&
    constantTimeEqual(enrolment.kemKey, cert.kemKey)
  );
}
