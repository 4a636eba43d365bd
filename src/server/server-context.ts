/** What every route handler is given: the store, the directory, the clock and the keys. */

import type { EntitledSets } from '../core/cable/entitled-sets.ts';
import { DEFAULT_ESCALATION_LIMITS, type EscalationLimits } from '../core/cable/escalation.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import type { NonceStore } from '../core/wire/nonce-store.ts';
import type { BodyParser } from './body-parser.ts';
import type { Clock } from './clock.ts';
import type { DirectoryCache } from './directory-cache.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { RefusalRecorder } from './refusal-recorder.ts';
import type { Store } from './store/store.ts';

export interface ServerLimits {
  /** Largest POST /cables body, in bytes. */
  readonly maxCableBytes: number;
  /** Largest body of every other route, in bytes. */
  readonly maxBodyBytes: number;
  /** How far a cable's date-time group may be ahead of the server clock, in seconds. */
  readonly maxFutureSeconds: number;
  /** How far a cable's date-time group may be behind the server clock, in seconds. */
  readonly maxPastSeconds: number;
  /** Most bytes of unlinked attachments one device may hold (VALISE_ATTACHMENT_DEVICE_MIB). */
  readonly attachmentDeviceBytes: number;
  /** Most bytes of unlinked attachments one organisation may hold (VALISE_ATTACHMENT_ORG_MIB). */
  readonly attachmentOrgBytes: number;
  /** How long an unlinked attachment is kept, in seconds (VALISE_ATTACHMENT_GRACE_HOURS). */
  readonly attachmentGraceSeconds: number;
  /** The longest a silence procedure may run from now, in seconds (docs/design.md §2). */
  readonly maxSilenceSeconds: number;
  /** How long action addressees have to acknowledge, per precedence (VALISE_ESCALATION). */
  readonly escalation: EscalationLimits;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxCableBytes: 32 * 1024 * 1024,
  maxBodyBytes: 64 * 1024,
  maxFutureSeconds: 300,
  maxPastSeconds: 300,
  attachmentDeviceBytes: 256 * 1024 * 1024,
  attachmentOrgBytes: 2048 * 1024 * 1024,
  attachmentGraceSeconds: 24 * 3600,
  maxSilenceSeconds: 14 * 86_400,
  escalation: DEFAULT_ESCALATION_LIMITS,
};

export interface ServerContext {
  readonly store: Store;
  readonly directory: DirectoryCache;
  readonly clock: Clock;
  /** Signs delivery receipts; its public key is served by GET /network. */
  readonly serverSigner: Signer;
  readonly nonces: NonceStore;
  readonly limiter: RateLimiter;
  readonly refusals: RefusalRecorder;
  readonly limits: ServerLimits;
  /** NIST SP 800-63B AAL3 (`VALISE_REQUIRE_AAL3=1`): officer-act-rule.ts. */
  readonly requireAal3: boolean;
  /** The entitled sets of the cables this process accepts, for its current directory. */
  readonly entitledSets: EntitledSets;
  /** Parses large bodies (sealed cables) off the event loop; without it, they are read in the route. */
  readonly bodyParser?: BodyParser;
}
