/**
 * A worker thread of the body parser (body-parser.ts): parses a large JSON body with core
 * `parseJson`, the main thread's own parser and limits, and reads each long string that is
 * canonical base64url into its bytes, so the main thread's decoder finds them decoded; a body
 * with a bytes section it reads with core `parseJsonWithBytes`, whose byte strings are bytes. It
 * decides nothing: what it cannot read it answers as `refused`, and the main thread then reads
 * the body itself and reports the fault exactly as it always does.
 */
import { parentPort } from 'node:worker_threads';
import { fromBase64url } from '../core/encoding/bytes.ts';
import type { JsonValue } from '../core/encoding/json-value.ts';
import { parseJsonWithBytes } from '../core/encoding/json-with-bytes.ts';
import { parseJson } from '../core/encoding/parse-json.ts';
import type { BodyForm } from './body-parser.ts';

export interface ParseJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly form: BodyForm;
}

/** The parsed body, with long base64url strings as bytes; or `refused` (any fault, the main thread names it). */
export type ParseAnswer =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly refused: true };

/**
 * Strings at least this long are tried as base64url. Shorter ones (ids, names, hashes) stay
 * text: the main thread's decoder reads them as it would anyway. A long string that is not
 * bytes but reads as base64url makes its field's decoder refuse the bytes, and the main
 * thread then reads the whole body itself, so the answer is the same either way.
 */
export const MIN_BYTES_TEXT = 64;

/** Where a decoded string was: its array or object, and its index or key there. */
type Slot = readonly [holder: { [key: string | number]: unknown }, key: string | number, bytes: Uint8Array];

/** Every long canonical base64url string in `value`, decoded, with where it is. */
function decodedStrings(value: JsonValue, slots: Slot[]): void {
  // The parsed document is this worker's own: its strings are replaced in place, below.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(value, i, value[i] as JsonValue, slots);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value))
      visit(value, key, (value as { [k: string]: JsonValue })[key] as JsonValue, slots);
  }
}

function visit(holder: object, key: string | number, value: JsonValue, slots: Slot[]): void {
  if (typeof value !== 'string') {
    decodedStrings(value, slots);
  } else if (value.length >= MIN_BYTES_TEXT) {
    const bytes = fromBase64url(value);
    if (bytes !== undefined) slots.push([holder as Slot[0], key, bytes]);
  }
}

/**
 * `document` with its long base64url strings as bytes, all of them views of one buffer: one
 * buffer moves to the main thread at no cost, where hundreds of small ones each cost an
 * allocation there. An own `__proto__` key (parseJson defines keys as own data) is assigned
 * as data too.
 */
function withBytes(document: JsonValue): { readonly value: unknown; readonly buffer: ArrayBuffer } {
  const slots: Slot[] = [];
  decodedStrings(document, slots);
  let total = 0;
  for (const [, , bytes] of slots) total += bytes.length;
  const buffer = new ArrayBuffer(total);
  let offset = 0;
  for (const [holder, key, bytes] of slots) {
    const view = new Uint8Array(buffer, offset, bytes.length);
    view.set(bytes);
    holder[key] = view;
    offset += bytes.length;
  }
  return { value: document, buffer };
}

const port = parentPort;
if (port) {
  port.on('message', (job: ParseJob) => {
    let answer: ParseAnswer;
    const transfer: ArrayBuffer[] = [];
    try {
      const limits = { maxBytes: job.maxBytes, maxDepth: job.maxDepth };
      if (job.form === 'json-bytes') {
        // Its byte strings are views of the job's bytes, this worker's own copy: moved back whole.
        answer = { id: job.id, value: parseJsonWithBytes(job.bytes, limits) };
        transfer.push(job.bytes.buffer as ArrayBuffer);
      } else {
        const { value, buffer } = withBytes(parseJson(job.bytes, limits));
        answer = { id: job.id, value };
        transfer.push(buffer);
      }
    } catch {
      answer = { id: job.id, refused: true };
    }
    port.postMessage(answer, transfer);
  });
  // Id -1: this worker has loaded and takes jobs.
  port.postMessage({ id: -1, refused: true } satisfies ParseAnswer);
}
