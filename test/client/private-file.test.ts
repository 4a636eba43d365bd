import assert from 'node:assert/strict';
import * as fsPromises from 'node:fs/promises';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import type { PrivateFileSystem } from '../../src/client/private-file.ts';
import { appendPrivateFile, readPrivateFile, writePrivateFile } from '../../src/client/private-file.ts';
import { utf8 } from '../../src/core/encoding/bytes.ts';

/** The temporary folders made here, removed when the file's tests end. */
const folders: string[] = [];
after(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'valise-private-file-'));
  folders.push(made);
  return made;
}

function rejectsWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

async function modeOf(path: string): Promise<number> {
  return (await lstat(path)).mode & 0o777;
}

describe('private files', () => {
  test('a written file is 0600 in a 0700 folder, even under a permissive umask', async () => {
    const dir = join(await folder(), 'nested', 'profile');
    const path = join(dir, 'keys.json');
    const old = process.umask(0);
    try {
      await writePrivateFile(path, utf8('secret'));
    } finally {
      process.umask(old);
    }
    assert.equal(await modeOf(path), 0o600);
    assert.equal(await modeOf(dir), 0o700);
    assert.equal(await readFile(path, 'utf8'), 'secret');
  });

  test('a rewrite replaces the file and leaves no temporary file behind', async () => {
    const dir = await folder();
    const path = join(dir, 'keys.json');
    await writePrivateFile(path, utf8('one'));
    await writePrivateFile(path, utf8('two'));
    assert.equal(await readFile(path, 'utf8'), 'two');
    assert.deepEqual(await readdir(dir), ['keys.json']);
  });

  test('a write that fails before the rename leaves the previous file intact and no temporary file', async () => {
    const dir = await folder();
    const path = join(dir, 'keys.json');
    await writePrivateFile(path, utf8('previous'));
    const failing: PrivateFileSystem = {
      ...fsPromises,
      rename: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    await assert.rejects(
      writePrivateFile(path, utf8('next'), { fs: failing }),
      rejectsWith('LOCAL_IO_FAILED'),
    );
    assert.equal(await readFile(path, 'utf8'), 'previous');
    assert.deepEqual(await readdir(dir), ['keys.json']);
  });

  test('a write whose sync fails is not renamed into place', async () => {
    const dir = await folder();
    const path = join(dir, 'keys.json');
    await writePrivateFile(path, utf8('previous'));
    const failing: PrivateFileSystem = {
      ...fsPromises,
      open: (async (...args: Parameters<typeof fsPromises.open>) => {
        const handle = await fsPromises.open(...args);
        if (String(args[0]).endsWith('.tmp')) {
          handle.sync = async () => {
            throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
          };
        }
        return handle;
      }) as typeof fsPromises.open,
    };
    await assert.rejects(
      writePrivateFile(path, utf8('next'), { fs: failing }),
      rejectsWith('LOCAL_IO_FAILED'),
    );
    assert.equal(await readFile(path, 'utf8'), 'previous');
    assert.deepEqual(await readdir(dir), ['keys.json']);
  });

  test('reading a missing file gives undefined', async () => {
    assert.equal(await readPrivateFile(join(await folder(), 'none.json')), undefined);
  });

  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o620]) {
    test(`reading a file with mode 0${mode.toString(8)} is refused with KEY_FILE_PERMISSIONS`, async () => {
      const path = join(await folder(), 'keys.json');
      await writeFile(path, 'secret');
      await chmod(path, mode);
      await assert.rejects(readPrivateFile(path), rejectsWith('KEY_FILE_PERMISSIONS'));
    });
  }

  test('a file owned by another uid is refused', async () => {
    const path = join(await folder(), 'keys.json');
    await writePrivateFile(path, utf8('secret'));
    const owner = (await lstat(path)).uid;
    await assert.rejects(readPrivateFile(path, { uid: owner + 1 }), rejectsWith('KEY_FILE_PERMISSIONS'));
    assert.deepEqual(await readPrivateFile(path, { uid: owner }), utf8('secret'));
  });

  test('a symbolic link is refused, even to a 0600 file', async () => {
    const dir = await folder();
    await writePrivateFile(join(dir, 'real.json'), utf8('secret'));
    await symlink(join(dir, 'real.json'), join(dir, 'link.json'));
    await assert.rejects(readPrivateFile(join(dir, 'link.json')), rejectsWith('KEY_FILE_PERMISSIONS'));
  });

  test('append creates a 0600 file and refuses to append to a lax one', async () => {
    const dir = await folder();
    const path = join(dir, 'opened.jsonl');
    await appendPrivateFile(path, utf8('a\n'));
    await appendPrivateFile(path, utf8('b\n'));
    assert.equal(await readFile(path, 'utf8'), 'a\nb\n');
    assert.equal(await modeOf(path), 0o600);
    await chmod(path, 0o644);
    await assert.rejects(appendPrivateFile(path, utf8('c\n')), rejectsWith('KEY_FILE_PERMISSIONS'));
    assert.equal(await readFile(path, 'utf8'), 'a\nb\n');
  });
});
