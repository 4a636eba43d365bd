/**
 * Where the CLI's key-file passphrase comes from (docs/design.md §5, "Keys on disk"): the file
 * of VALISE_PASSPHRASE_FILE first, then VALISE_PASSPHRASE, then a prompt, else a typed error.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { passphraseFromEnvironment } from '../../src/cli/passphrase-from-environment.ts';
import { ClientError } from '../../src/client/client-error.ts';

const folders: string[] = [];
after(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});

async function file(text: string, mode: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'valise-passphrase-'));
  folders.push(dir);
  const path = join(dir, 'passphrase');
  await writeFile(path, text, { mode });
  return path;
}

function failsWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('the passphrase source of the CLI', () => {
  test("VALISE_PASSPHRASE_FILE's first line wins over VALISE_PASSPHRASE and the prompt", async () => {
    const path = await file('from the file\nsecond line\n', 0o600);
    const asked: string[] = [];
    const source = passphraseFromEnvironment(
      { VALISE_PASSPHRASE_FILE: path, VALISE_PASSPHRASE: 'from the environment' },
      async (q) => {
        asked.push(q);
        return 'typed';
      },
    );
    assert.equal(await source.unlock('profile x'), 'from the file');
    assert.equal(await source.choose('profile x'), 'from the file');
    assert.deepEqual(asked, []);
    assert.equal(await passphraseFromEnvironment({ VALISE_PASSPHRASE: 'env' }, undefined).unlock('x'), 'env');
  });

  test('a passphrase file others may read, an empty one or a missing one is refused', async () => {
    const lax = await file('secret passphrase\n', 0o644);
    await assert.rejects(
      passphraseFromEnvironment({ VALISE_PASSPHRASE_FILE: lax }, undefined).unlock('x'),
      failsWith('KEY_FILE_PERMISSIONS'),
    );
    const empty = await file('\n', 0o600);
    await assert.rejects(
      passphraseFromEnvironment({ VALISE_PASSPHRASE_FILE: empty }, undefined).unlock('x'),
      failsWith('PASSPHRASE_REQUIRED'),
    );
    await assert.rejects(
      passphraseFromEnvironment({ VALISE_PASSPHRASE_FILE: `${empty}.absent` }, undefined).unlock('x'),
      failsWith('PASSPHRASE_REQUIRED'),
    );
  });

  test('with no terminal and nothing configured, a passphrase is PASSPHRASE_REQUIRED, saying how to give one', async () => {
    await assert.rejects(passphraseFromEnvironment({}, undefined).unlock('profile de'), (error: unknown) => {
      failsWith('PASSPHRASE_REQUIRED')(error);
      assert.match((error as Error).message, /profile de.*VALISE_PASSPHRASE_FILE/);
      return true;
    });
  });

  test('at a terminal a new passphrase is asked twice, and two different answers are refused', async () => {
    const answers = ['first answer', 'first answer', 'one', 'two'];
    const asked: string[] = [];
    const source = passphraseFromEnvironment({}, async (q) => {
      asked.push(q);
      return answers.shift()!;
    });
    assert.equal(await source.choose('profile de'), 'first answer');
    await assert.rejects(source.choose('profile de'), failsWith('INVALID_ARGUMENT'));
    assert.deepEqual(asked, [
      'new passphrase for profile de: ',
      'the same passphrase again: ',
      'new passphrase for profile de: ',
      'the same passphrase again: ',
    ]);
  });
});
