/**
 * Group commit (docs/design.md §8: "group-committed with other events"): items submitted while a
 * batch is being written wait and go together in the next one, so N concurrent appends
 * cost about one durable commit, not N. Each caller's promise settles only after the batch
 * holding its item has committed (or failed), so nothing is acknowledged before it is on
 * disk. One batch is in flight at a time per instance.
 *
 * A batch starts on the next turn of the event loop, not at once: requests whose checks
 * finished in this turn join it. Without that pause a synchronous driver (better-sqlite3
 * commits, fsync included, without yielding) would write every item alone.
 */
export class GroupCommit<I, O> {
  readonly #run: (batch: readonly I[]) => Promise<readonly O[]>;
  readonly #maxBatch: number;
  #queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  #running = false;

  /** `run` writes one batch and returns one result per item, in order. */
  constructor(run: (batch: readonly I[]) => Promise<readonly O[]>, maxBatch: number) {
    this.#run = run;
    this.#maxBatch = maxBatch;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.#queue.length === 0) break;
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const results = await this.#run(batch.map((b) => b.item));
          if (results.length !== batch.length) {
            throw new RangeError(`a batch of ${batch.length} items came back with ${results.length} results`);
          }
          for (const [i, result] of results.entries()) batch[i]?.resolve(result);
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
