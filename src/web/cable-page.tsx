/**
 * One cable, as src/client/present-cable.ts presents it to every client: the classification
 * banner at top and bottom, reference, date-time group, precedence, from and to, and the
 * verification line (who signed, from which device and organisation; or the exact check that
 * failed, with its code, and no text at all). Addressees acknowledge here;
 * the sender's organisation sees the delivery board (delivery-board.tsx).
 */
import { useEffect, useRef, useState } from 'react';
import { CableThread } from './cable-thread.tsx';
import { ClassificationBanner } from './classification-banner.tsx';
import { formatSize } from './compose-page.tsx';
import { DeliveryBoard } from './delivery-board.tsx';
import type { DeviceClient } from './device-client.ts';
import type { CableView, Me } from './device-protocol.ts';
import { errorCode, plainWords } from './plain-words.ts';
import { ReferenceLink } from './reference-link.tsx';

export function CablePage(props: {
  readonly device: DeviceClient;
  readonly me: Me;
  readonly id: string;
  readonly onError: (e: unknown) => void;
}) {
  const { device, id, onError } = props;
  const [cable, setCable] = useState<CableView | undefined>();
  const [ackError, setAckError] = useState('');
  const [links, setLinks] = useState<Readonly<Record<number, string>>>({});
  const [fetching, setFetching] = useState<number | undefined>();
  const [attachmentError, setAttachmentError] = useState('');
  const urls = useRef<string[]>([]);

  // Decrypted attachments live as Blob URLs for this cable only: revoked when it changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect is keyed on the cable on purpose
  useEffect(() => {
    setLinks({});
    setAttachmentError('');
    return () => {
      for (const url of urls.current) URL.revokeObjectURL(url);
      urls.current = [];
    };
  }, [id]);

  const download = async (index: number) => {
    setFetching(index);
    setAttachmentError('');
    try {
      // Fetched, verified and decrypted in the device worker; only the plaintext comes back.
      const file = await device.call('attachment', id, index);
      const url = URL.createObjectURL(new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.type }));
      urls.current.push(url);
      setLinks((current) => ({ ...current, [index]: url }));
      const a = document.createElement('a');
      a.href = url;
      a.download = file.name;
      a.click();
    } catch (error) {
      setAttachmentError(`The attachment could not be opened. ${plainWords(error)}`);
    } finally {
      setFetching(undefined);
    }
  };

  useEffect(() => {
    let live = true;
    setCable(undefined);
    device.call('readCable', id).then(
      (view) => {
        if (!live) return;
        setCable(view);
      },
      (error) => {
        // Never a spinner that never ends: the failure replaces it, in plain words.
        if (live) setCable({ ok: false, id, code: errorCode(error) ?? 'FAILED', message: plainWords(error) });
        onError(error);
      },
    );
    return () => {
      live = false;
    };
  }, [device, id, onError]);

  if (!cable) return <p className="muted">Opening the cable in this browser…</p>;
  if (!cable.ok) {
    return (
      <section className="card failure" data-testid="cable-failure">
        <h1>{failureTitle(cable.code)}</h1>
        {cable.reference && <p>Reference {cable.reference}</p>}
        <p className="verification bad" data-testid="verification" data-code={cable.code}>
          ✖ {isVerificationFailure(cable.code) ? 'Verification failed: ' : ''}
          {cable.message}
        </p>
        {isVerificationFailure(cable.code) && (
          <p>The text is not shown: what this device holds is not what its sender signed.</p>
        )}
        <details className="details">
          <summary>Details</summary>
          <code>{cable.code}</code>
        </details>
      </section>
    );
  }
  const acknowledge = async () => {
    setAckError('');
    try {
      await device.call('acknowledge', cable.id);
      setCable({ ...cable, acknowledged: true });
    } catch (error) {
      setAckError(plainWords(error));
    }
  };
  const addressee = cable.distribution.some((d) => d.org === props.me.org);
  return (
    <article className="cable" data-testid="cable">
      <ClassificationBanner classification={cable.classification} markings={cable.markings} />
      {cable.offline && (
        <p className="notice" role="status" data-testid="cable-offline">
          The Valise server cannot be reached. This is the copy this browser kept when it opened the cable;
          acknowledging waits until the server is back.
        </p>
      )}
      <header className="cable-head">
        <div>
          <span className="ref" data-testid="cable-reference">
            {cable.reference}
          </span>{' '}
          · <span data-testid="cable-dtg">{cable.dtg}</span> · {cable.precedence}
        </div>
        <div>
          From: {cable.from} · To: {cable.addressees}
          {cable.groups.length > 0 && ` · groups ${cable.groups.join(', ')}`}
          {cable.replyTo && (
            <>
              {' · reply to '}
              <ReferenceLink reference={cable.replyTo} />
            </>
          )}
          {cable.silence === 'open' && (
            <>
              {' · '}
              <a href={`#/procedure/${cable.id}`} data-testid="procedure-link">
                silence procedure
              </a>
            </>
          )}
          {cable.silence && cable.silence !== 'open' && ` · silence procedure: ${cable.silence}`}
        </div>
        <p className="verification good" data-testid="verification" data-code="OK">
          ✔ Signed by {cable.signature}: signature, certificate chain to the network root and recipient set
          verified.
        </p>
        {/* A view kept before warnings existed has none. */}
        {(cable.warnings ?? []).map((w) => (
          <p key={w.device} className="verification bad" data-testid="cable-warning" data-code={w.code}>
            ⚠ {w.message}
          </p>
        ))}
        <h1 data-testid="cable-subject">{cable.subject}</h1>
      </header>
      <pre className="body" data-testid="cable-body">
        {cable.body}
      </pre>
      {cable.attachments.length > 0 && (
        <ul className="attachments" data-testid="cable-attachments">
          {cable.attachments.map((a, i) => (
            <li key={`${a.name}-${a.size}`} data-testid="cable-attachment">
              {links[i] ? (
                <a href={links[i]} download={a.name} data-testid="attachment-link">
                  {a.name}
                </a>
              ) : (
                <button
                  type="button"
                  className="link"
                  disabled={fetching === i}
                  onClick={() => void download(i)}
                  data-testid="attachment-download"
                >
                  {fetching === i ? `Decrypting ${a.name}…` : a.name}
                </button>
              )}{' '}
              ({formatSize(a.size)})
            </li>
          ))}
        </ul>
      )}
      {attachmentError && (
        <p className="error" role="alert" data-testid="attachment-error">
          {attachmentError}
        </p>
      )}
      <div className="actions">
        {addressee &&
          (cable.acknowledged ? (
            <span className="marker sent" data-testid="acknowledged">
              Acknowledged for {props.me.org}
            </span>
          ) : (
            <button type="button" onClick={acknowledge} data-testid="acknowledge">
              Acknowledge for {props.me.org}
            </button>
          ))}
        <a className="button" href={`#/compose/${cable.reference}`} data-testid="reply">
          Reply
        </a>
        {ackError && <span className="error">{ackError}</span>}
      </div>
      {cable.isSender && !cable.offline && <DeliveryBoard device={device} id={id} onError={onError} />}
      <CableThread device={device} id={cable.id} />
      <ClassificationBanner classification={cable.classification} markings={cable.markings} />
    </article>
  );
}

/** Failures about the server's answer or the session, not about the cable's bytes. */
const NOT_VERIFICATION = new Set(['NOT_FOUND', 'SERVER_UNREACHABLE', 'FAILED']);

function isVerificationFailure(code: string): boolean {
  return !NOT_VERIFICATION.has(code) && !code.startsWith('SESSION_');
}

function failureTitle(code: string): string {
  if (code === 'NOT_FOUND') return 'No such cable for you';
  if (code === 'SERVER_UNREACHABLE') return 'The server cannot be reached';
  return isVerificationFailure(code) ? 'This cable does not verify' : 'The cable could not be opened';
}
