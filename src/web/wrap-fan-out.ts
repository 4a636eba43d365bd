/**
 * Sealing for many devices over several workers (docs/design.md §12, "Sealing for many
 * devices"). In Chromium a WebCrypto call runs on the thread that makes it, so one worker
 * wraps one device at a time at best; a cable for hundreds of devices is spread over a few
 * fan-out workers (`wrap-worker.ts`), started for this cable and ended after it.
 *
 * - Small distributions stay on the calling worker: starting a worker costs more than it saves.
 * - The calling worker wraps too. The wraps are cut into shares that each worker takes when it
 *   is free, so a worker that starts late or runs slow on a busy machine takes fewer.
 * - A fan-out worker gets the recipients' public keys (from the verified directory), the cable
 *   id, the envelope hash and the content key: what HPKE's base mode needs to wrap, and nothing
 *   of the device's own keys. It zeroes the content key after each share, and is ended after
 *   the cable.
 * - A fan-out worker that fails to start, dies, or refuses a share leaves its shares to the
 *   calling worker, which wraps them itself (and so throws the typed error a bad key gives).
 */
import { CableError } from '../core/cable/cable-error.ts';
import type { WrapRequest } from '../core/cable/key-wrap.ts';
import type { ContentKeyWrapper } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';
import type { WrapShare, WrapShareAnswer } from './wrap-worker.ts';

export interface FanOutOptions {
  /** Wraps on the calling worker: the share it takes, and every cable below `minDevices`. */
  readonly local: ContentKeyWrapper;
  /** Fan-out workers to start besides the calling one; 0 keeps everything local. */
  readonly workers: number;
  /** Cables for fewer devices than this are wrapped on the calling worker only. */
  readonly minDevices: number;
  /** Starts one fan-out worker running `wrap-worker.ts`. */
  readonly start: () => Worker;
  /** Devices per share (default 25). */
  readonly shareSize?: number;
}

const SHARE_SIZE = 25;

/**
 * Below this many devices a cable is wrapped on the calling worker: starting a worker takes
 * tens of milliseconds, about what a hundred wraps take (`npm run bench -- web`).
 */
export const FAN_OUT_MIN_DEVICES = 100;

/** The number of fan-out workers for a machine with `cores` logical processors: at most 3. */
export function fanOutWorkers(cores: number | undefined): number {
  return Math.max(0, Math.min(3, (cores ?? 1) - 1));
}

export function fanOutWrapper(options: FanOutOptions): ContentKeyWrapper {
  const { local, workers, minDevices, start } = options;
  const shareSize = options.shareSize ?? SHARE_SIZE;
  return {
    async wrap(requests) {
      const first = requests[0];
      if (first === undefined || requests.length < minDevices || workers < 1) return local.wrap(requests);
      // sealCable and rewrapCable wrap one content key of one cable; anything else stays local.
      const oneCable = requests.every(
        (r) =>
          r.cableId === first.cableId &&
          r.envelopeHash === first.envelopeHash &&
          r.contentKey === first.contentKey,
      );
      if (!oneCable) return local.wrap(requests);
      const shares: Share[] = [];
      for (let i = 0; i < requests.length; i += shareSize) {
        const part = requests.slice(i, i + shareSize);
        shares.push({
          requests: part,
          message: {
            id: shares.length,
            cableId: first.cableId,
            envelopeHash: first.envelopeHash,
            contentKey: first.contentKey,
            devices: part.map((r) => ({ device: r.device, publicKey: r.publicKey })),
          },
        });
      }
      const pool: Worker[] = [];
      try {
        for (let i = 0; i < workers; i++) pool.push(start());
      } catch {
        // No worker here (a browser without nested workers): the calling worker wraps alone.
      }
      try {
        return (await runShares(shares, local, pool)).flat();
      } finally {
        for (const worker of pool) worker.terminate();
      }
    },
  };
}

/** A share of the wraps: its requests, and the message that gives it to a fan-out worker. */
interface Share {
  readonly requests: readonly WrapRequest[];
  readonly message: WrapShare;
}

/** Every share wrapped once, by whichever worker took it; in the order of `shares`. */
function runShares(
  shares: readonly Share[],
  local: ContentKeyWrapper,
  pool: readonly Worker[],
): Promise<KeyWrap[][]> {
  return new Promise((resolve, reject) => {
    const out: (KeyWrap[] | undefined)[] = new Array(shares.length);
    const pending = shares.map((_, i) => i);
    let done = 0;
    let failed = false;
    let localRunning = false;
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
        for (let i = pending.shift(); i !== undefined && !failed; i = pending.shift()) {
          const share = shares[i];
          if (share) finish(i, await local.wrap(share.requests));
        }
      } catch (error) {
        failed = true;
        reject(error);
      } finally {
        localRunning = false;
      }
    };
    for (const worker of pool) {
      let current: number | undefined;
      const give = () => {
        current = pending.shift();
        if (current !== undefined) worker.postMessage(shares[current]?.message);
      };
      // A worker that fails hands its share back, and the calling worker wraps it.
      const drop = () => {
        worker.onmessage = null;
        worker.onerror = null;
        worker.terminate();
        if (current !== undefined && out[current] === undefined) pending.unshift(current);
        current = undefined;
        void runLocal();
      };
      worker.onmessage = (event: MessageEvent<WrapShareAnswer>) => {
        const answer = event.data;
        if ('ready' in answer) return give();
        if (answer.id !== current) return;
        if ('error' in answer) return drop();
        if (!isWrapList(answer.wraps, shares[current]?.requests ?? [])) {
          failed = true;
          return reject(new CableError('WRAP_INVALID', 'a fan-out worker answered wraps for other devices'));
        }
        finish(current, answer.wraps);
        give();
      };
      worker.onerror = (event) => {
        event.preventDefault();
        drop();
      };
    }
    void runLocal();
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
