/**
 * A cable reference as a link (`reply to DE/1/26`). References, not ids, are what people
 * read and quote, so the link names the reference (`#/cable/DE/1/26`) and the app turns it
 * into the cable's id from what this device holds (its inbox, its opened cables) when it is
 * followed: a device that never received the cable is told so, as for any cable it may not see.
 */
import { useEffect, useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import { plainWords } from './plain-words.ts';

/** True for `DE/1/26`-like text: an id never holds a slash. */
export function isReference(idOrReference: string): boolean {
  return idOrReference.includes('/');
}

export function ReferenceLink(props: { readonly reference: string }) {
  return (
    <a
      href={`#/cable/${props.reference}`}
      className="ref"
      data-testid="reference-link"
      data-reference={props.reference}
    >
      {props.reference}
    </a>
  );
}

/** The page behind a reference link: finds the cable's id, then shows the cable. */
export function OpenReference(props: { readonly device: DeviceClient; readonly reference: string }) {
  const { device, reference } = props;
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let live = true;
    setProblem('');
    device.call('resolveReference', reference).then(
      (id) => {
        if (live) window.location.replace(`#/cable/${id}`);
      },
      (error) => {
        if (live) setProblem(`${reference} cannot be opened on this device. ${plainWords(error)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [device, reference]);
  return problem ? (
    <p className="error" role="alert" data-testid="reference-failure">
      {problem}
    </p>
  ) : (
    <p className="muted">Looking for {reference} among the cables of this device…</p>
  );
}
