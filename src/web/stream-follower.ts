/**
 * One live stream held by the device worker (the inbox's, the watch's): one open request,
 * each item pushed to the page as it arrives; `stop` aborts it, and `start` while it runs
 * does nothing, so every page can ask for it without opening a second one.
 */
import type { DeviceContext } from './device-context.ts';

export type Follow<T> = (device: DeviceContext, signal: AbortSignal, onOpen: () => void) => AsyncIterable<T>;

export class StreamFollower<T> {
  readonly #follow: Follow<T>;
  readonly #push: (item: T) => void;
  readonly #opened: () => void;
  readonly #ended: (error: unknown) => void;
  #abort: AbortController | undefined;

  constructor(
    follow: Follow<T>,
    push: (item: T) => void,
    opened: () => void,
    ended: (error: unknown) => void,
  ) {
    this.#follow = follow;
    this.#push = push;
    this.#opened = opened;
    this.#ended = ended;
  }

  start(device: DeviceContext): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    void (async () => {
      try {
        for await (const item of this.#follow(device, abort.signal, this.#opened)) this.#push(item);
      } catch (error) {
        if (!abort.signal.aborted) this.#ended(error);
      } finally {
        if (this.#abort === abort) this.#abort = undefined;
      }
    })();
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
  }
}
