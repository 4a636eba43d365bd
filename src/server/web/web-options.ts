/**
 * How a node serves browsers (docs/design.md §5), passed in by main.ts as `AppDeps.web`. The origin
 * and the WebAuthn RP ID come from here and only from here, never from a request's Host or
 * Origin: a passkey assertion made on any other origin is refused. Passkeys and sessions
 * live in the server's store (`store.web`), never elsewhere.
 */

export interface WebOptions {
  /** The one origin the app is served from, e.g. `https://valise.example` or `http://localhost:8080`. */
  readonly origin: string;
  /** WebAuthn RP ID; default: the origin's host name. */
  readonly rpId?: string;
  /** Shown by the authenticator; default "Valise". */
  readonly rpName?: string;
  /** NIST SP 800-63B AAL3: refuse synced (`multiDevice`) passkeys. */
  readonly requireAal3?: boolean;
  /** The built app (`dist/web`); without it the node serves the API only. */
  readonly appDir?: string;
  /**
   * A demo network (`npm start` without a root key): the app then accepts the demo-only
   * shortcut of an officer's link carrying the organisation key. Never set on a real network.
   */
  readonly demo?: boolean;
}

/** docs/design.md §5: sessions end after 15 minutes idle and 12 hours in any case. */
export const SESSION_IDLE_SECONDS = 15 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 3600;
/** A step-up assertion covers the acts of the next two minutes (an approval is two requests). */
export const STEP_UP_SECONDS = 120;
/** How long a WebAuthn challenge may be answered. */
export const CHALLENGE_SECONDS = 300;
/** The last-seen time is written at most this often, not on every request. */
export const TOUCH_SECONDS = 30;

export const DEFAULT_WEB_ORIGIN = 'http://localhost:8080';

export interface ResolvedWebOptions {
  readonly origin: string;
  readonly rpId: string;
  readonly rpName: string;
  readonly requireAal3: boolean;
  readonly appDir: string | undefined;
  readonly demo: boolean;
}

export function resolveWebOptions(options: WebOptions | undefined): ResolvedWebOptions {
  const origin = new URL(options?.origin ?? DEFAULT_WEB_ORIGIN);
  if (origin.protocol !== 'https:' && origin.protocol !== 'http:') {
    throw new Error(`the web origin must be http(s), not ${origin.protocol}`);
  }
  return {
    origin: origin.origin,
    rpId: options?.rpId ?? origin.hostname,
    rpName: options?.rpName ?? 'Valise',
    requireAal3: options?.requireAal3 ?? false,
    appDir: options?.appDir,
    demo: options?.demo ?? false,
  };
}
