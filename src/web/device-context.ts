/**
 * What every part of the device worker shares: this browser's local stores (keys, archive,
 * drafts), the server's clock as this machine sees it, the API client that signs as this
 * device, the live session (the verified directory, synced on demand), and how cable keys are
 * wrapped (on this worker, and over fan-out workers for large cables). One instance per
 * worker, made by the DeviceAgent; the concerns (enrolment, sign-in, cables, officer acts)
 * are functions over it.
 */
import { ApiClient, type Fetch } from '../client/api-client.ts';
import { ClientError } from '../client/client-error.ts';
import type { Clock } from '../client/clock.ts';
import { type DeviceSession, openSession } from '../client/open-session.ts';
import { ROUTES } from '../core/api/routes.ts';
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import { valiseSuites } from '../core/crypto/hpke/valise-suites.ts';
import { WEB_CRYPTO_PRIMITIVES } from '../core/crypto/hpke/web-crypto-primitives.ts';
import { FAN_OUT_MIN_DEVICES, FanOutWrapper, fanOutWorkers } from './fan-out-wrapper.ts';
import { LocalDatabase } from './indexed-db.ts';
import { IndexedDbKeyStore } from './indexed-db-key-store.ts';
import { LocalArchive } from './local-archive.ts';
import { LocalCipher } from './local-cipher.ts';

export interface LocalStores {
  readonly db: LocalDatabase;
  readonly cipher: LocalCipher;
  readonly keys: IndexedDbKeyStore;
  readonly archive: LocalArchive;
}

export class DeviceContext {
  readonly origin: string;
  readonly #fetch: Fetch;
  #local: Promise<LocalStores> | undefined;
  #session: DeviceSession | undefined;
  #skew = 0;
  #syncedAt = 0;
  readonly clock: Clock = { nowSeconds: () => Math.floor(Date.now() / 1000) + this.#skew };
  /**
   * Wraps a cable's content key for its devices: WebCrypto's ML-KEM where this browser has it,
   * noble's otherwise (docs/design.md §4); a large cable over fan-out workers as well (§12).
   */
  readonly wrapper: FanOutWrapper = new FanOutWrapper({
    local: inThreadWrapperFor(valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing),
    workers: fanOutWorkers(navigator.hardwareConcurrency),
    minDevices: FAN_OUT_MIN_DEVICES,
    start: () => new Worker(new URL('./wrap-worker.ts', import.meta.url), { type: 'module' }),
  });

  constructor(origin: string, fetch: Fetch) {
    this.origin = origin;
    this.#fetch = fetch;
  }

  /** Learns how far this machine's clock is from the server's: signatures must be fresh by its clock. */
  async syncClock(): Promise<void> {
    const config = await this.api().call(ROUTES.webConfig);
    this.#skew = config.now - Math.floor(Date.now() / 1000);
  }

  /** This browser's stores, opened once. */
  open(): Promise<LocalStores> {
    this.#local ??= (async () => {
      const db = await LocalDatabase.open();
      const cipher = await LocalCipher.open(db);
      return { db, cipher, keys: new IndexedDbKeyStore(db, cipher), archive: new LocalArchive(db, cipher) };
    })();
    return this.#local;
  }

  /** Forgets everything this browser holds of the device. */
  async forget(): Promise<void> {
    const local = await this.open();
    await local.db.clear();
    this.#session = undefined;
    this.#local = undefined;
  }

  /** The API, unsigned (before enrolment). */
  api(): ApiClient {
    // A person waits for a page, not a batch job: 15 s without an answer is an outage.
    return new ApiClient({ server: this.origin, fetch: this.#fetch, clock: this.clock, timeoutMs: 15_000 });
  }

  /** The API, signed by this browser's device key. */
  async deviceApi(): Promise<ApiClient> {
    const { keys } = await this.open();
    const profile = await keys.loadProfile();
    if (!profile.device)
      throw new ClientError('NOT_CONFIGURED', 'this browser is not enrolled; open your enrolment link');
    const id = profile.device.device;
    return this.api().as({ id, signer: profile.device.signer, sequence: () => keys.takeSequence(id) });
  }

  /** Opens the SDK's session: the pinned network, this device, the verified directory. */
  async startSession(): Promise<DeviceSession> {
    const { keys } = await this.open();
    this.#session = await openSession({ store: keys, fetch: this.#fetch, clock: this.clock });
    this.#syncedAt = Date.now();
    return this.#session;
  }

  /** Ends the session here (the server's is ended by its own route); returns the one ended. */
  endSession(): DeviceSession | undefined {
    const session = this.#session;
    this.#session = undefined;
    return session;
  }

  live(): DeviceSession {
    if (!this.#session) throw new ClientError('SESSION_REQUIRED', 'sign in with your passkey first');
    return this.#session;
  }

  /** The live session with its directory synced within `maxAgeMs` (a sync fetches only what is new). */
  async fresh(maxAgeMs = 5000): Promise<DeviceSession> {
    this.live();
    if (Date.now() - this.#syncedAt > maxAgeMs || maxAgeMs === 0) return this.startSession();
    return this.live();
  }
}
