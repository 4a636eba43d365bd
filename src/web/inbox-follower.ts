/**
 * The device's live inbox in the worker: one open stream request for the whole app, each new
 * cable pushed to every page (docs/design.md §12), so a FLASH cable is seen wherever the
 * person is, without polling.
 */
import { followInbox, type LiveCable } from '../client/follow-inbox.ts';
import type { DeviceContext } from './device-context.ts';

export class InboxFollower {
  readonly #push: (cable: LiveCable) => void;
  readonly #opened: () => void;
  readonly #ended: (error: unknown) => void;
  #abort: AbortController | undefined;

  constructor(push: (cable: LiveCable) => void, opened: () => void, ended: (error: unknown) => void) {
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
        for await (const cable of followInbox(device.live().api, {
          signal: abort.signal,
          onOpen: this.#opened,
        })) {
          this.#push(cable);
        }
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
