/**
 * The CLI's request sequence counter (docs/design.md §9, clone detection): one small file in
 * the profile folder, `sequence.json`, holding the device and the last number it signed.
 * Taking a number is read, add one, write atomically (private-file.ts), under a lock file
 * made with O_EXCL, so two `valise` commands running at once on one profile never sign two
 * requests with one number: the server would rightly read that as a copied key.
 *
 * A lock left by a process that died is taken over once it is older than STALE_LOCK_MS;
 * a profile re-enrolled as another device starts again at 1.
 */
import { constants } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { decodeCanonical, integer, literal, object } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { decodeDeviceId } from '../core/encoding/identifiers.ts';
import { ClientError } from './client-error.ts';
import { type PrivateFileOptions, readPrivateFile, writePrivateFile } from './private-file.ts';

const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 20_000;

const decodeSequenceFile = object({
  v: literal(1),
  kind: literal('valise-sequence'),
  device: decodeDeviceId,
  last: integer({ min: 0, max: 999_999_999_999_999 }),
});

/** Serialises the takes of one process, so its own requests never wait on its own lock. */
const queues = new Map<string, Promise<unknown>>();

export function takeFileSequence(dir: string, device: string, options: PrivateFileOptions): Promise<number> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const next = previous.then(
    () => locked(dir, () => increment(dir, device, options)),
    () => locked(dir, () => increment(dir, device, options)),
  );
  queues.set(dir, next);
  return next;
}

async function increment(dir: string, device: string, options: PrivateFileOptions): Promise<number> {
  const path = join(dir, 'sequence.json');
  const data = await readPrivateFile(path, options);
  let last = 0;
  if (data) {
    try {
      const file = decodeCanonical(data, decodeSequenceFile);
      if (file.device === device) last = file.last;
    } catch (cause) {
      if (!(cause instanceof EncodingError)) throw cause;
      throw new ClientError(
        'KEY_FILE_INVALID',
        `${path} is not a valid Valise file (${cause.message}); ask your security officer before removing it`,
        { cause },
      );
    }
  }
  const next = last + 1;
  const file = { v: 1, kind: 'valise-sequence', device, last: next };
  await writePrivateFile(path, encodeCanonical(file), options);
  return next;
}

async function locked<T>(dir: string, act: () => Promise<T>): Promise<T> {
  const lock = join(dir, 'sequence.lock');
  const started = Date.now();
  await nodeFs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await nodeFs.open(
        lock,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      await handle.close();
      break;
    } catch (cause) {
      if ((cause as { code?: string }).code !== 'EEXIST') {
        throw new ClientError('LOCAL_IO_FAILED', `cannot lock ${lock}: ${(cause as Error).message}`, {
          cause,
        });
      }
      const age = await nodeFs.stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) {
        await nodeFs.unlink(lock).catch(() => undefined);
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new ClientError(
          'LOCAL_IO_FAILED',
          `${lock} is held by another valise command; wait for it to finish and try again`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  try {
    return await act();
  } finally {
    await nodeFs.unlink(lock).catch(() => undefined);
  }
}
