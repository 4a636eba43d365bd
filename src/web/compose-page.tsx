/**
 * Compose: classification, markings, precedence, action and info addressees (single
 * organisations, all member states, working groups), reply-to. Before sending it shows
 * exactly who will be able to read the cable: core's entitledDevices over the directory this
 * device verified, the same set the cable will be sealed for. The draft is kept locally,
 * encrypted, as it is typed, and survives a failed send, a lost connection and a sign-in.
 */
import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_ATTACHMENT_LIMIT, MAX_ATTACHMENTS } from '../core/cable/cable-content.ts';
import { PRECEDENCES } from '../core/cable/precedence.ts';
import { CLASSIFICATIONS, MARKINGS } from '../core/identity/classification.ts';
import type { DeviceClient } from './device-client.ts';
import type { DirectoryView, Draft, Me, RecipientView } from './device-protocol.ts';
import { EMPTY_DRAFT, tagsProblem } from './draft-fields.ts';
import { go } from './hash-route.ts';
import { MEMBER_STATES } from './member-states.ts';
import { stepUp, withStepUp } from './passkey-prompt.ts';
import { plainWords } from './plain-words.ts';
import { RecipientsPreview, unreachableAddressees } from './recipients-preview.tsx';
import { TagsField } from './tags-field.tsx';

const rank = (level: string) => CLASSIFICATIONS.indexOf(level as (typeof CLASSIFICATIONS)[number]);

export function ComposePage(props: {
  readonly device: DeviceClient;
  readonly me: Me;
  readonly replyTo?: string;
  readonly onError: (e: unknown) => void;
}) {
  const { device, me, onError } = props;
  const [draft, setDraft] = useState<Draft | undefined>();
  const [directory, setDirectory] = useState<DirectoryView | undefined>();
  const [recipients, setRecipients] = useState<readonly RecipientView[]>([]);
  const [sendAnyway, setSendAnyway] = useState(false);
  // The draft the recipients were computed for: a warning is shown only for an answer that is current.
  const [recipientsOf, setRecipientsOf] = useState<Draft | undefined>();
  const [problem, setProblem] = useState('');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<{ id: string; reference: string } | undefined>();
  const [files, setFiles] = useState<readonly File[]>([]);
  const [fileProblem, setFileProblem] = useState('');
  // A reply's original: its classification is the lowest the reply may take (docs/design.md §2).
  const [floor, setFloor] = useState<{ reference: string; level: string } | undefined>();

  useEffect(() => {
    // A reply is pre-filled from its original, unless a draft of that very reply was kept.
    const reply = props.replyTo
      ? device.call('replyDraft', props.replyTo).catch(() => undefined)
      : Promise.resolve(undefined);
    Promise.all([device.call('loadDraft'), device.call('directory'), reply]).then(([saved, dir, start]) => {
      setDirectory(dir);
      const base = saved ?? EMPTY_DRAFT;
      setFloor(start?.floor ? { reference: start.draft.replyTo, level: start.floor } : undefined);
      if (!props.replyTo) setDraft(base);
      else if (start && saved?.replyTo !== start.draft.replyTo) setDraft(start.draft);
      else setDraft({ ...base, replyTo: start?.draft.replyTo ?? props.replyTo });
    }, onError);
  }, [device, onError, props.replyTo]);

  useEffect(() => {
    if (!draft) return;
    const timer = setTimeout(() => {
      device.call('saveDraft', draft).catch(() => {});
      device.call('recipients', draft).then(
        (found) => {
          setRecipients(found);
          setRecipientsOf(draft);
        },
        () => setRecipients([]),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [device, draft]);

  const levels = useMemo(
    () => CLASSIFICATIONS.filter((c) => rank(c) <= Math.min(rank(me.clearance), rank(me.accreditation))),
    [me],
  );
  if (!draft || !directory) return <p className="muted">Preparing compose…</p>;
  const replyFloor = floor && draft.replyTo.trim() === floor.reference ? floor : undefined;
  const offered = replyFloor ? levels.filter((c) => rank(c) >= rank(replyFloor.level)) : levels;
  const set = (change: Partial<Draft>) => {
    setSent(undefined);
    setDraft({ ...draft, ...change });
  };
  const toggle = (list: readonly string[], value: string) =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

  const check = (): string => {
    if (draft.subject.trim() === '') return 'Give the cable a subject.';
    const tags = tagsProblem(draft.tags ?? '');
    if (tags) return tags;
    if (draft.action.length + draft.info.length === 0) return 'Name at least one action or info addressee.';
    if (draft.markings.includes('LIMITE') && draft.classification !== 'UNCLASSIFIED') {
      return 'LIMITE marks UNCLASSIFIED cables only: classify the cable or drop the marking.';
    }
    if (draft.replyTo.trim() !== '' && !/^[A-Z][A-Z0-9]{1,7}\/\d{1,6}\/\d{2}$/.test(draft.replyTo.trim())) {
      return 'Reply-to must be a reference such as DE/42/26.';
    }
    if (replyFloor && rank(draft.classification) < rank(replyFloor.level)) {
      return `A reply to ${replyFloor.reference} cannot be classified lower than it (${replyFloor.level}).`;
    }
    return '';
  };
  const send = async () => {
    const why = check();
    setProblem(why);
    if (why) return;
    setSending(true);
    try {
      // docs/design.md §5: above RESTREINT UE, a fresh passkey touch before sending.
      if (rank(draft.classification) > rank('RESTREINT UE')) await stepUp(device);
      const inputs = await Promise.all(
        files.map(async (f) => ({
          name: f.name,
          type: mediaType(f.type),
          data: new Uint8Array(await f.arrayBuffer()),
        })),
      );
      const result = await withStepUp(device, () => device.call('send', draft, inputs));
      setSent(result);
      setDraft(EMPTY_DRAFT);
      setFiles([]);
    } catch (error) {
      // The draft stays as it was, saved locally.
      setProblem(`Not sent; your draft is kept. ${plainWords(error)}`);
      if (['SESSION_EXPIRED', 'SESSION_REQUIRED'].includes((error as { code?: string }).code ?? ''))
        onError(error);
    } finally {
      setSending(false);
    }
  };
  const unreachable = unreachableAddressees(draft, recipients, recipientsOf === draft);
  const mustConfirm = unreachable.some((a) => a.role === 'action') && !sendAnyway;

  return (
    <section className="compose" data-testid="compose">
      <h1>Compose</h1>
      {sent && (
        <p className="ok" data-testid="sent">
          Sent as <a href={`#/cable/${sent.id}`}>{sent.reference}</a>.
        </p>
      )}
      <div className="grid">
        <label>
          Classification
          <select
            value={draft.classification}
            onChange={(e) => set({ classification: e.target.value })}
            data-testid="classification"
          >
            {offered.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          {replyFloor && (
            <span className="muted" data-testid="reply-floor">
              {offered.length > 0
                ? `A reply to ${replyFloor.reference} is classified ${replyFloor.level} or higher.`
                : `${replyFloor.reference} is ${replyFloor.level}, above what you may send: you cannot reply to it.`}
            </span>
          )}
        </label>
        <label>
          Precedence
          <select
            value={draft.precedence}
            onChange={(e) => set({ precedence: e.target.value })}
            data-testid="precedence"
          >
            {PRECEDENCES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Markings</legend>
          {MARKINGS.map((m) => (
            <label key={m} className="inline">
              <input
                type="checkbox"
                checked={draft.markings.includes(m)}
                onChange={() => set({ markings: toggle(draft.markings, m) })}
              />
              {m}
            </label>
          ))}
        </fieldset>
        <label>
          Reply to
          <input
            value={draft.replyTo}
            placeholder="e.g. FR/12/26"
            onChange={(e) => set({ replyTo: e.target.value })}
            data-testid="reply-to"
          />
        </label>
        <label>
          Silence procedure (Presidency): adopted in hours
          <input
            value={draft.silenceHours ?? ''}
            inputMode="numeric"
            placeholder="none"
            onChange={(e) => set({ silenceHours: e.target.value })}
            data-testid="silence-hours"
          />
        </label>
      </div>
      <AddresseePicker
        title="Action addressees"
        testId="action"
        orgs={directory.orgs}
        chosen={draft.action}
        onChange={(action) => set({ action, info: draft.info.filter((o) => !action.includes(o)) })}
      />
      <AddresseePicker
        title="Info addressees"
        testId="info"
        orgs={directory.orgs}
        chosen={draft.info}
        onChange={(info) => set({ info: info.filter((o) => !draft.action.includes(o)) })}
      />
      <fieldset>
        <legend>Working groups (need to know; none = the whole of each addressee)</legend>
        {directory.groups.map((g) => (
          <label key={g} className="inline">
            <input
              type="checkbox"
              checked={draft.groups.includes(g)}
              onChange={() => set({ groups: toggle(draft.groups, g) })}
              data-testid={`group-${g}`}
            />
            {g}
          </label>
        ))}
      </fieldset>
      <label>
        Subject
        <input
          value={draft.subject}
          maxLength={300}
          onChange={(e) => set({ subject: e.target.value })}
          data-testid="subject"
        />
      </label>
      <TagsField value={draft.tags ?? ''} onChange={(tags) => set({ tags })} />
      <label>
        Text
        <textarea
          rows={10}
          value={draft.body}
          onChange={(e) => set({ body: e.target.value })}
          data-testid="body"
        />
      </label>
      <section className="attachments" data-testid="attachments">
        <label>
          Attachments (at most {formatSize(MAX_ATTACHMENT)} each; encrypted here before they leave)
          <input
            type="file"
            multiple
            data-testid="attach"
            onChange={(e) => {
              const picked = [...(e.target.files ?? [])];
              e.target.value = '';
              const tooBig = picked.filter((f) => f.size > MAX_ATTACHMENT);
              const badName = picked.filter((f) => !ATTACHMENT_NAME.test(f.name));
              setFileProblem(
                [
                  ...tooBig.map(
                    (f) =>
                      `${f.name} is ${formatSize(f.size)}, over the ${formatSize(MAX_ATTACHMENT)} limit for one attachment; split it into parts and send them as attachments of this cable or of follow-up cables.`,
                  ),
                  ...badName.map((f) => `The name ${f.name} cannot be sent; rename the file first.`),
                ].join(' '),
              );
              const ok = picked.filter((f) => !tooBig.includes(f) && !badName.includes(f));
              setFiles((current) => [...current, ...ok].slice(0, MAX_FILES));
              if (files.length + ok.length > MAX_FILES) {
                setFileProblem(`A cable carries at most ${MAX_FILES} attachments.`);
              }
            }}
          />
        </label>
        {fileProblem && (
          <p className="error" role="alert" data-testid="attach-error">
            {fileProblem}
          </p>
        )}
        {files.length > 0 && (
          <ul>
            {files.map((f, i) => (
              <li key={`${f.name}-${f.size}-${f.lastModified}`} data-testid="attached-file">
                {f.name} ({formatSize(f.size)}){' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => setFiles((current) => current.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <RecipientsPreview
        draft={draft}
        orgs={directory.orgs}
        recipients={recipients}
        unreachable={unreachable}
        sendAnyway={sendAnyway}
        onSendAnyway={setSendAnyway}
      />
      {problem && (
        <p className="error" role="alert" data-testid="compose-error">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="button" disabled={sending || mustConfirm} onClick={send} data-testid="send">
          {sending ? 'Sealing and sending…' : `Send ${draft.classification}`}
        </button>
        <button type="button" className="link" onClick={() => go('')}>
          Back to the inbox
        </button>
      </div>
    </section>
  );
}

function AddresseePicker(props: {
  readonly title: string;
  readonly testId: string;
  readonly orgs: readonly { readonly org: string; readonly name: string }[];
  readonly chosen: readonly string[];
  readonly onChange: (orgs: readonly string[]) => void;
}) {
  const known = new Set(props.orgs.map((o) => o.org));
  const states = MEMBER_STATES.filter((s) => known.has(s));
  return (
    <fieldset data-testid={`${props.testId}-addressees`}>
      <legend>{props.title}</legend>
      <button
        type="button"
        className="link"
        onClick={() => props.onChange([...new Set([...props.chosen, ...states])])}
      >
        all member states
      </button>
      <button type="button" className="link" onClick={() => props.onChange([])}>
        none
      </button>
      <div className="orgs">
        {props.orgs.map((o) => (
          <label key={o.org} className="inline" title={o.name}>
            <input
              type="checkbox"
              checked={props.chosen.includes(o.org)}
              onChange={() =>
                props.onChange(
                  props.chosen.includes(o.org)
                    ? props.chosen.filter((c) => c !== o.org)
                    : [...props.chosen, o.org],
                )
              }
              data-testid={`${props.testId}-${o.org}`}
            />
            {o.org}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The format's limits for one attachment (core/cable-content.ts). */
const MAX_ATTACHMENT = DEFAULT_ATTACHMENT_LIMIT;
const MAX_FILES = MAX_ATTACHMENTS;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the names the format refuses.
const ATTACHMENT_NAME = /^[^/\\\u0000-\u001f\u007f]{1,255}$/;

/** The browser's media type when it is one the format accepts, else application/octet-stream. */
function mediaType(type: string): string {
  const lower = (type.toLowerCase().split(';')[0] ?? '').trim();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(lower) && lower.length <= 127
    ? lower
    : 'application/octet-stream';
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
