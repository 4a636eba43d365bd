/**
 * Sealing for many devices over several workers (docs/design.md §12, "Sealing for many
 * devices"). In Chromium a WebCrypto call runs on the thread that makes it, so one worker
 * wraps one device at a time at best; a cable for hundreds of devices is spread over a few
 * fan-out workers (`wrap-worker.ts`) as well as the calling worker.
 *
 * - Small distributions stay on the calling worker: starting a worker costs more than it saves.
 * - The workers are started on the first large cable, or earlier by `warm` (compose calls it
 *   as soon as a draft reaches that many devices), kept while cables are sent, and ended after
 *   a minute without one. Between cables they hold nothing.
 * - The calling worker wraps too. The wraps are cut into shares that each worker takes when it
 *   is free, so a worker that starts late or runs slow on a busy machine takes fewer. Between
 *   its shares the calling worker lets its event loop turn (see `nextTask`).
 * - A fan-out worker gets the recipients' public keys (from the verified directory), the cable
 *   id, the envelope hash and the content key: what HPKE's base mode needs to wrap, and nothing
 *   of the device's own keys. It zeroes the content key after each share.
 * - A fan-out worker that fails to start, dies, or refuses a share is ended, and its shares
 *   go back to the others; the calling worker wraps what is left itself (and so throws the
 *   typed error a bad key gives). Every answer is checked to be for exactly the devices of
 *   its share, of this cable (each share of each cable has its own id).
 */
import { CableError } from '../core/cable/cable-error.ts';
import type { WrapRequest } from '../core/cable/key-wrap.ts';
import type { ContentKeyWrapper } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';
import type { WrapShare, WrapShareAnswer } from './wrap-worker.ts';

export interface FanOutOptions {
  /** Wraps on the calling worker: the shares it takes, and every cable below `minDevices`. */
  readonly local: ContentKeyWrapper;
  /** Fan-out workers besides the calling one; 0 keeps everything local. */
  readonly workers: number;
  /** Cables for fewer devices than this are wrapped on the calling worker only. */
  readonly minDevices: number;
  /** Starts one fan-out worker running `wrap-worker.ts`. */
  readonly start: () => Worker;
  /** Devices per share (default 25). */
  readonly shareSize?: number;
  /** Idle workers are ended after this long without a cable (default one minute). */
  readonly idleMs?: number;
}

const SHARE_SIZE = 25;
const IDLE_MS = 60_000;
// Shares a fan-out worker holds at once: with two, it never waits for the (busy) calling
// worker to read an answer before it has its next share.
const IN_FLIGHT = 2;

/**
 * Below this many devices a cable is wrapped on the calling worker: a hundred wraps take a few
 * tens of milliseconds, about what a fresh worker needs to start (`npm run bench -- web`).
 */
export const FAN_OUT_MIN_DEVICES = 100;

/**
 * The fan-out workers for a machine with `cores` logical processors: none below four, then one
 * fewer than the cores, at most three. Splitting the wraps costs CPU time (about a third more,
 * in all: a second worker's code and its messages), which pays only where the other cores are
 * free; on two shared cores `npm run bench -- web` measured one worker faster end to end
 * (docs/design.md §12).
 */
export function fanOutWorkers(cores: number | undefined): number {
  const count = typeof cores === 'number' && Number.isFinite(cores) ? cores : 1;
  return count < 4 ? 0 : Math.min(3, count - 1);
}

type ShareAnswer = Exclude<WrapShareAnswer, { readonly ready: true }>;

interface Pooled {
  readonly worker: Worker;
  ready: boolean;
  /** The running cable's handlers, while one runs. */
  onReady?: (() => void) | undefined;
  onAnswer?: ((answer: ShareAnswer) => void) | undefined;
  onFailure?: (() => void) | undefined;
}

interface Share {
  readonly requests: readonly WrapRequest[];
  readonly message: WrapShare;
}

export class FanOutWrapper implements ContentKeyWrapper {
  readonly #options: FanOutOptions;
  #pool: Pooled[] = [];
  #idle: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #nextId = 0;

  constructor(options: FanOutOptions) {
    this.#options = options;
  }

  /** Starts the fan-out workers now, so that the next large cable does not wait for them. */
  warm(): void {
    clearTimeout(this.#idle);
    try {
      while (this.#pool.length < this.#options.workers) this.#pool.push(this.#startOne());
    } catch {
      // No worker here (a browser without nested workers): the calling worker wraps alone.
    }
    if (!this.#running) this.#idleLater();
  }

  #idleLater(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.close(), this.#options.idleMs ?? IDLE_MS);
  }

  /** Ends the fan-out workers (a later large cable starts them again). */
  close(): void {
    clearTimeout(this.#idle);
    for (const pooled of this.#pool) pooled.worker.terminate();
    this.#pool = [];
  }

  async wrap(requests: readonly WrapRequest[]): Promise<KeyWrap[]> {
    const { local, workers, minDevices } = this.#options;
    const first = requests[0];
    // One cable at a time over the pool; a second one meanwhile stays on the calling worker.
    if (first === undefined || requests.length < minDevices || workers < 1 || this.#running)
      return local.wrap(requests);
    // sealCable and rewrapCable wrap one content key of one cable; anything else stays local.
    const oneCable = requests.every(
      (r) =>
        r.cableId === first.cableId &&
        r.envelopeHash === first.envelopeHash &&
        r.contentKey === first.contentKey,
    );
    if (!oneCable) return local.wrap(requests);
    const size = this.#options.shareSize ?? SHARE_SIZE;
    const shares: Share[] = [];
    for (let i = 0; i < requests.length; i += size) {
      const part = requests.slice(i, i + size);
      shares.push({
        requests: part,
        message: {
          id: this.#nextId++,
          cableId: first.cableId,
          envelopeHash: first.envelopeHash,
          contentKey: first.contentKey,
          devices: part.map((r) => ({ device: r.device, publicKey: r.publicKey })),
        },
      });
    }
    this.#running = true;
    this.warm();
    try {
      return (await this.#run(shares)).flat();
    } catch (error) {
      // A worker may still be wrapping a share of the failed cable: start afresh next time.
      this.close();
      throw error;
    } finally {
      this.#running = false;
      for (const pooled of this.#pool) {
        pooled.onReady = undefined;
        pooled.onAnswer = undefined;
        pooled.onFailure = undefined;
      }
      if (this.#pool.length > 0) this.#idleLater();
    }
  }

  #startOne(): Pooled {
    const pooled: Pooled = { worker: this.#options.start(), ready: false };
    pooled.worker.onmessage = (event: MessageEvent<WrapShareAnswer>) => {
      const answer = event.data;
      if ('ready' in answer) {
        pooled.ready = true;
        pooled.onReady?.();
      } else pooled.onAnswer?.(answer);
    };
    pooled.worker.onerror = (event) => {
      event.preventDefault();
      this.#end(pooled);
    };
    return pooled;
  }

  #end(pooled: Pooled): void {
    pooled.worker.terminate();
    this.#pool = this.#pool.filter((p) => p !== pooled);
    pooled.onFailure?.();
  }

  /** Every share wrapped once, by whichever worker took it; in the order of `shares`. */
  #run(shares: readonly Share[]): Promise<KeyWrap[][]> {
    const { local } = this.#options;
    return new Promise((resolve, reject) => {
      const out: (KeyWrap[] | undefined)[] = new Array(shares.length);
      const pending = shares.map((_, i) => i);
      const byId = new Map(shares.map((share, i) => [share.message.id, i]));
      let done = 0;
      let failed = false;
      let localRunning = false;
      const fail = (error: unknown) => {
        failed = true;
        reject(error);
      };
      const finish = (i: number, wraps: readonly KeyWrap[]) => {
        if (failed || out[i] !== undefined) return;
        out[i] = [...wraps];
        done += 1;
        if (done === shares.length) resolve(out as KeyWrap[][]);
      };
      const runLocal = async () => {
        if (localRunning) return;
        localRunning = true;
        try {
          for (await nextTask(); !failed; await nextTask()) {
            const i = pending.shift();
            if (i === undefined) break;
            const share = shares[i];
            if (share) finish(i, await local.wrap(share.requests));
          }
        } catch (error) {
          fail(error);
        } finally {
          localRunning = false;
        }
      };
      for (const pooled of this.#pool) {
        const held = new Set<number>();
        const give = () => {
          const i = pending.shift();
          if (i === undefined) return;
          held.add(i);
          pooled.worker.postMessage(shares[i]?.message);
        };
        // Its shares go back to the queue, and the calling worker takes them if no one else does.
        pooled.onFailure = () => {
          for (const i of held) if (out[i] === undefined) pending.unshift(i);
          held.clear();
          void runLocal();
        };
        pooled.onAnswer = (answer) => {
          const i = byId.get(answer.id);
          if (i === undefined || !held.has(i)) return;
          if ('error' in answer) return this.#end(pooled);
          if (!isWrapList(answer.wraps, shares[i]?.requests ?? [])) {
            return fail(new CableError('WRAP_INVALID', 'a fan-out worker answered wraps for other devices'));
          }
          held.delete(i);
          finish(i, answer.wraps);
          give();
        };
        pooled.onReady = () => {
          for (let n = 0; n < IN_FLIGHT; n++) give();
        };
        if (pooled.ready) pooled.onReady();
      }
      void runLocal();
    });
  }
}

/**
 * One turn of the event loop. Chromium's WebCrypto answers on the calling thread without
 * leaving it, so a worker wrapping share after share never reaches its task queue: the fan-out
 * workers could neither start (their script is fetched through this worker) nor hand back a
 * share. The calling worker passes through the queue before each share it takes.
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function isWrapList(wraps: unknown, share: readonly WrapRequest[]): wraps is readonly KeyWrap[] {
  return (
    Array.isArray(wraps) &&
    wraps.length === share.length &&
    wraps.every(
      (w: KeyWrap, i) =>
        typeof w === 'object' &&
        w !== null &&
        w.device === share[i]?.device &&
        w.enc instanceof Uint8Array &&
        w.key instanceof Uint8Array,
    )
  );
}
