/**
 * The page's handle on the device worker: each DeviceApi method becomes one message, and
 * its answer a resolved value or a DeviceError carrying the code (the server's, the SDK's or
 * core's); what the worker sends unasked goes to the listeners. The worker is made here and
 * nowhere else.
 */
import type { DeviceAnswer, DeviceApi, DeviceOp, DevicePush, ErrorView } from './device-protocol.ts';

export class DeviceError extends Error {
  readonly code: string;
  readonly status: number | undefined;

  constructor(view: ErrorView) {
    super(view.message);
    this.code = view.code;
    this.status = view.status;
  }
}

export class DeviceClient {
  readonly #worker: Worker;
  readonly #waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: unknown) => void }
  >();
  readonly #listeners = new Set<(message: DevicePush) => void>();
  #next = 0;

  constructor() {
    this.#worker = new Worker(new URL('./device-worker.ts', import.meta.url), {
      type: 'module',
      name: 'valise-device',
    });
    this.#worker.onmessage = (event: MessageEvent<DeviceAnswer | DevicePush>) => {
      if ('push' in event.data) {
        for (const listener of this.#listeners) listener(event.data);
        return;
      }
      const answer = event.data;
      const waiter = this.#waiting.get(answer.id);
      this.#waiting.delete(answer.id);
      if (!waiter) return;
      if (answer.ok) waiter.resolve(answer.value);
      else waiter.reject(new DeviceError(answer.error));
    };
  }

  /** Listens to what the worker sends unasked (the watch's live events); returns the unsubscribe. */
  listen(listener: (message: DevicePush) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  call<K extends DeviceOp>(op: K, ...args: Parameters<DeviceApi[K]>): ReturnType<DeviceApi[K]> {
    const id = this.#next++;
    return new Promise<unknown>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, args });
    }) as ReturnType<DeviceApi[K]>;
  }
}
