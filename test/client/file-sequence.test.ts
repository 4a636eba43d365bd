/**
 * The CLI's request counter (file-sequence.ts): numbers rise across runs, two processes
 * taking numbers at once on one profile never get the same one (the server would read that
 * as a copied key), a re-enrolled profile starts again, and a corrupt file is a clear error.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import { takeFileSequence } from '../../src/client/file-sequence.ts';

const DEVICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBA';
const MODULE = resolve(import.meta.dirname, '../../src/client/file-sequence.ts');

/** A child process taking `count` numbers from `dir`, several in flight; prints them. */
function takeInChild(dir: string, count: number): Promise<number[]> {
  const script = `
    const { takeFileSequence } = await import(${JSON.stringify(MODULE)});
    const numbers = await Promise.all(Array.from({ length: ${count} }, () =>
      takeFileSequence(${JSON.stringify(dir)}, ${JSON.stringify(DEVICE)}, {})));
    process.stdout.write(JSON.stringify(numbers));`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(err))));
  });
}

describe('takeFileSequence', () => {
  const dirs: string[] = [];
  const fresh = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'valise-sequence-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('numbers start at 1 and rise from one run to the next', async () => {
    const dir = await fresh();
    assert.deepEqual(
      [await takeFileSequence(dir, DEVICE, {}), await takeFileSequence(dir, DEVICE, {})],
      [1, 2],
    );
    assert.deepEqual(await takeInChild(dir, 1), [3]);
    assert.equal(await takeFileSequence(dir, DEVICE, {}), 4);
  });

  test('two processes taking numbers at once on one profile never share one', async () => {
    const dir = await fresh();
    const [a, b] = await Promise.all([takeInChild(dir, 40), takeInChild(dir, 40)]);
    const all = [...a, ...b].sort((x, y) => x - y);
    assert.deepEqual(
      all,
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
  });

  test('a profile enrolled again as another device starts at 1', async () => {
    const dir = await fresh();
    await takeFileSequence(dir, DEVICE, {});
    await takeFileSequence(dir, DEVICE, {});
    assert.equal(await takeFileSequence(dir, OTHER, {}), 1);
  });

  test('a corrupt counter file is a clear error, not a restart at 1', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'sequence.json'), '{"last":"lots"}', { mode: 0o600 });
    await assert.rejects(
      () => takeFileSequence(dir, DEVICE, {}),
      (error: unknown) => error instanceof ClientError && error.code === 'KEY_FILE_INVALID',
    );
  });
});
