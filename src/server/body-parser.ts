/**
 * Parses large JSON bodies on a worker thread (docs/design.md §7). A sealed cable is half a
 * megabyte of JSON, most of it key wraps in base64url, and reading it was the largest cost the
 * one JavaScript thread paid per cable accepted, ahead of writing it. The worker parses with
 * the same core parser and limits and hands back the document with its long base64url strings
 * already read into bytes; the route's own decoder then runs on the main thread as always, so
 * every value is still built and checked by its decoder, only without the base64url pass. A
 * body with a bytes section goes too: its JSON part for 300 wraps is 600 markers to parse,
 * a millisecond the one thread that writes SQLite does not have.
 *
 * The worker only saves work; it never decides. Whatever it cannot read, and whatever the
 * decoder refuses in its answer, the main thread reads again from the bytes itself, so a bad
 * body is refused with exactly the error it always was. Should the worker stop, bodies are
 * read on the main thread from then on.
 */
import { Worker } from 'node:worker_threads';
import type { ParseAnswer, ParseJob } from './parse-worker.ts';

/** How a body is written: JSON, or JSON with a bytes section (core/encoding/json-with-bytes.ts). */
export type BodyForm = 'json' | 'json-bytes';

export interface BodyParser {
  /**
   * The document in `bytes` (written as `form`, JSON by default), with its byte strings and
   * long base64url strings as bytes; undefined when the
   * worker did not read it (a body too small to be worth the trip, a form it leaves to the
   * main thread, a fault, a stopped worker): the caller then reads the body itself.
   */
  parse(
    bytes: Uint8Array,
    limits: { readonly maxBytes: number; readonly maxDepth: number },
    form?: BodyForm,
  ): Promise<unknown>;
  /** Stops the worker; later calls answer undefined. */
  close(): Promise<void>;
}

/**
 * Bodies smaller than this stay on the main thread, where reading them costs less than the
 * trip to the worker and back (a sealed cable for a few dozen devices and up goes).
 */
export const OFF_THREAD_BYTES = 64 * 1024;

export interface BodyParserOptions {
  /** The smallest body the worker reads; default OFF_THREAD_BYTES. */
  readonly minBytes?: number;
  /**
   * Whether the worker reads bodies with a bytes section too (default true). Their JSON part
   * is a millisecond of parsing for 300 wraps, and the trip to the worker and back costs about
   * twice that in CPU, on another thread: worth it where the main thread is the node's limit
   * (SQLite, whose writes are on it), not where the database shares the machine's cores
   * (PostgreSQL: measured, 13.9 against 11.2 ms of node CPU a cable, and fewer cables a second).
   */
  readonly bytesSection?: boolean;
}

/** Starts the worker and resolves once it takes jobs. */
export async function startBodyParser(options: BodyParserOptions = {}): Promise<BodyParser> {
  const minBytes = options.minBytes ?? OFF_THREAD_BYTES;
  const bytesSection = options.bytesSection ?? true;
  // Built (dist/node, scripts/build.mjs), the worker is the sibling parse-worker.mjs; from the
  // sources it is TypeScript: register tsx's loader in the worker, then load it.
  const built = import.meta.url.endsWith('.mjs');
  const entry = new URL(built ? './parse-worker.mjs' : './parse-worker.ts', import.meta.url).href;
  const boot = built
    ? `import(${JSON.stringify(entry)})`
    : `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true });
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (answer: ParseAnswer) => {
      if (answer.id === -1) return resolve();
      const settle = pending.get(answer.id);
      pending.delete(answer.id);
      if (pending.size === 0) worker.unref();
      settle?.('value' in answer ? answer.value : undefined);
    });
  });
  worker.on('error', stop);
  worker.on('exit', stop);
  // An idle worker must not keep the process alive; one with a body in flight must.
  worker.unref();
  return {
    parse(bytes, limits, form = 'json') {
      if (stopped || bytes.length < minBytes || (form === 'json-bytes' && !bytesSection))
        return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        worker.ref();
        // The bytes are copied, not moved: the request keeps them for its signature's digest.
        worker.postMessage({
          id,
          bytes,
          maxBytes: limits.maxBytes,
          maxDepth: limits.maxDepth,
          form,
        } satisfies ParseJob);
      });
    },
    async close() {
      stop();
      await worker.terminate();
    },
  };
}
