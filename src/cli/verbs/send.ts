/** `valise send`: seal a cable for exactly the entitled devices and send it. */

import { basename } from 'node:path';
import { cliWrapper } from '../../client/cli-wrapper.ts';
import { ClientError } from '../../client/client-error.ts';
import { checkReplyLevel, findReplyOriginal } from '../../client/reply-original.ts';
import { directoryAtLeast, sendCable } from '../../client/send-cable.ts';
import { undeliverableAddressees, undeliverableWarning } from '../../client/undeliverable-addressees.ts';
import { DEFAULT_ATTACHMENT_LIMIT } from '../../core/cable/cable-content.ts';
import { formatReference, parseReference } from '../../core/cable/reference.ts';
import { replyAddressees, replySubject } from '../../core/cable/reply.ts';
import { fromUtf8 } from '../../core/encoding/bytes.ts';
import { formatDateTimeGroup } from '../../core/encoding/date-time-group.ts';
import { EncodingError } from '../../core/encoding/encoding-error.ts';
import type { Marking } from '../../core/identity/classification.ts';
import { MARKINGS } from '../../core/identity/classification.ts';
import type { CliEnvironment } from '../cli-environment.ts';
import { CliError } from '../cli-error.ts';
import { addressee, classification, groups, list, precedence, required, text } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const sendVerb: Verb = {
  name: 'send',
  summary: 'send a cable (body from --body-file or standard input)',
  synopsis:
    '--subject <text> --classification <level> --to ORG[:action|info] ... [--precedence ROUTINE] [--groups A,B] [--reply-to REF] [--tag T] [--marking M] [--attach <file>] [--body-file <path>]; with --reply-to, subject, classification and --to may be left out',
  help: [
    '--subject <text>          the subject (encrypted, never seen by the server)',
    '--classification <level>  UNCLASSIFIED, RESTREINT UE, CONFIDENTIEL UE or SECRET UE',
    '--to ORG[:action|info]    an addressee organisation, action by default; repeatable',
    '--precedence <p>          ROUTINE (default), PRIORITY, IMMEDIATE or FLASH',
    '--groups <A,B>            working groups (need-to-know); none means every cleared person of each org',
    '--reply-to <REF>          the reference this cable answers, e.g. DE/41/26; subject (RE: …),',
    "                          classification, addressees and groups default to the original's,",
    "                          and the classification may not be lower than the original's",
    '--tag <tag>               a tag; repeatable',
    `--marking <m>             ${MARKINGS.join(', ')}; repeatable`,
    '--attach <file>           attach a file (encrypted, at most 25 MiB); repeatable',
    '--body-file <path>        read the body from a file (- or absent: standard input, ended by Ctrl-D)',
    '--allow-undeliverable     send even when an addressee organisation has nobody who can read it',
  ],
  options: {
    subject: { type: 'string' },
    classification: { type: 'string' },
    precedence: { type: 'string' },
    to: { type: 'string', multiple: true },
    groups: { type: 'string', multiple: true },
    'reply-to': { type: 'string' },
    tag: { type: 'string', multiple: true },
    marking: { type: 'string', multiple: true },
    'body-file': { type: 'string' },
    attach: { type: 'string', multiple: true },
    'allow-undeliverable': { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    // Check every argument before any network work or reading a long body. A reply may leave
    // out subject, classification, addressees and groups: they come from the original.
    const replyTo = replyReference(text(values, 'reply-to'));
    const subjectText = replyTo ? text(values, 'subject') : required(values, 'subject');
    const levelText = replyTo ? text(values, 'classification') : required(values, 'classification');
    const level = levelText === undefined ? undefined : classification(levelText);
    const to = list(values, 'to').map(addressee);
    if (to.length === 0 && !replyTo)
      throw new CliError('USAGE', '--to is required: name at least one addressee organisation');
    const markings = list(values, 'marking').map(marking);
    const groupsGiven = groups(list(values, 'groups'));
    const precedenceText = text(values, 'precedence');
    const chosenPrecedence = precedenceText ? precedence(precedenceText) : 'ROUTINE';
    const attachments = await Promise.all(list(values, 'attach').map((path) => readAttachment(cli, path)));
    const body = await readBody(cli, text(values, 'body-file'));
    const session = await deviceSession(cli, profile);
    const original = replyTo ? await findReplyOriginal(session, archiveOf(cli, session), replyTo) : undefined;
    const missing = (what: string) =>
      new CliError(
        'USAGE',
        original
          ? `${what} is required: ${replyTo} was never opened on this device, so its subject is unknown here`
          : `${what} is required: ${replyTo} is not in this device's inbox, so nothing can be taken from it`,
      );
    const subject = subjectText ?? (original?.subject ? replySubject(original.subject) : undefined);
    if (subject === undefined) throw missing('--subject');
    const draft = {
      classification: level ?? original?.classification ?? fail(missing('--classification')),
      precedence: chosenPrecedence,
      distribution:
        to.length > 0 ? to : original ? replyAddressees(original, session.device.org) : fail(missing('--to')),
      groups: groupsGiven.length > 0 || !original ? groupsGiven : [...original.groups],
      ...(markings.length > 0 ? { markings } : {}),
      ...(replyTo ? { replyTo } : {}),
    } as const;
    // docs/design.md §2: a reply is never classified lower than its original (the server
    // refuses it too); said before any sealing work.
    if (original) checkReplyLevel(original, draft.classification);
    // docs/design.md §6: an addressee with nobody entitled gets nothing; say so before sealing.
    const unreachable = undeliverableAddressees(
      {
        ...draft,
        org: session.device.org,
        sender: { user: session.device.user, device: session.device.device },
        epoch: session.directory.epoch,
        sentAt: session.clock.nowSeconds(),
      },
      session.directory,
    );
    if (unreachable.length > 0 && values['allow-undeliverable'] !== true) {
      throw new ClientError(
        'UNDELIVERABLE',
        `${undeliverableWarning(unreachable)}; check the classification and --groups, or send anyway with --allow-undeliverable`,
      );
    }
    const content = { subject, body, tags: [...new Set(list(values, 'tag'))] };
    const sent = await sendCable({
      session,
      draft,
      content,
      attachments,
      wrapper: await cliWrapper(),
      // The server's newest entries are verifiable once its next checkpoint commits them.
      resync: (epoch) =>
        directoryAtLeast(
          async () => (await deviceSession(cli, profile)).directory,
          epoch,
          () => new Promise((resolve) => setTimeout(resolve, 500)),
        ),
    });
    const { header } = sent;
    // The sender's own record, so its inbox shows the subject too.
    const { device } = session;
    await archiveOf(cli, session)?.add({
      id: sent.id,
      reference: sent.reference,
      classification: header.classification,
      precedence: header.precedence,
      sentAt: header.sentAt,
      subject,
      tags: content.tags,
      body,
      signedBy: {
        org: device.org,
        user: device.user,
        name: session.directory.user(device.user)?.name ?? device.user,
        device: device.device,
        label: device.label,
      },
      openedAt: sent.receipt.acceptedAt,
    });
    return {
      json: {
        id: sent.id,
        reference: sent.reference,
        sentAt: header.sentAt,
        classification: header.classification,
        precedence: header.precedence,
        recipients: header.recipients,
        epoch: header.epoch,
        acceptedAt: sent.receipt.acceptedAt,
        attachments: attachments.map((a) => ({ name: a.name, type: a.type, size: a.data.length })),
      },
      text: [
        `${sent.reference} ${formatDateTimeGroup(header.sentAt)} ${header.precedence} ${header.classification} sent (id ${sent.id})`,
        `sealed for ${header.recipients.length} device(s); receipt verified, stored by the server at ${new Date(sent.receipt.acceptedAt * 1000).toISOString()}`,
      ],
    };
  },
};

/** A few common types by extension; anything else is sent as application/octet-stream. */
const TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
};

async function readAttachment(
  cli: CliEnvironment,
  path: string,
): Promise<{ name: string; type: string; data: Uint8Array }> {
  const name = basename(path);
  let data: Uint8Array;
  try {
    data = await cli.readFile(path);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new CliError('INPUT_FAILED', `cannot read the attachment ${path}: ${why}`, { cause });
  }
  if (data.length > DEFAULT_ATTACHMENT_LIMIT) {
    throw new CliError(
      'USAGE',
      `${name} is ${data.length} bytes; an attachment is at most ${DEFAULT_ATTACHMENT_LIMIT} bytes (25 MiB)`,
    );
  }
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return { name, type: TYPES[extension] ?? 'application/octet-stream', data };
}

/** The canonical form of --reply-to, checked before anything else is done. */
function replyReference(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return formatReference(parseReference(value.trim(), 'reply-to'));
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new CliError(
      'USAGE',
      `--reply-to must be a reference such as DE/42/26, not ${JSON.stringify(value)}`,
    );
  }
}

function fail(error: Error): never {
  throw error;
}

function marking(value: string): Marking {
  const found = MARKINGS.find((m) => m === value.trim().toUpperCase());
  if (!found) throw new CliError('USAGE', `--marking must be one of ${MARKINGS.join(', ')}`);
  return found;
}

export async function readBody(cli: CliEnvironment, path: string | undefined): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = path === undefined || path === '-' ? await cli.readStdin() : await cli.readFile(path);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new CliError('INPUT_FAILED', `cannot read the body from ${path ?? 'standard input'}: ${why}`, {
      cause,
    });
  }
  const body = fromUtf8(bytes);
  if (body === undefined) throw new CliError('INPUT_FAILED', 'the body is not UTF-8 text');
  return body;
}
