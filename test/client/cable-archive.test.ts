import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ArchivedCable } from '../../src/client/cable-archive.ts';
import { FileCableArchive } from '../../src/client/cable-archive.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';

function record(subject: string, id = toBase64url(randomBytes(16))): ArchivedCable {
  return {
    id,
    reference: 'DE/1/26',
    classification: 'RESTREINT UE',
    precedence: 'ROUTINE',
    sentAt: 1_790_769_600,
    subject,
    tags: ['x'],
    body: `body of ${subject}`,
    signedBy: {
      org: 'DE',
      user: 'de.anna',
      name: 'Anna',
      device: toBase64url(randomBytes(16)),
      label: 'laptop',
    },
    openedAt: 1_790_769_700,
  };
}

/** The temporary folders made here, removed when the file's tests end. */
const folders: string[] = [];
after(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});

async function archivePath(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'valise-archive-'));
  folders.push(made);
  return join(made, 'opened.jsonl');
}

describe('FileCableArchive', () => {
  test('records read back in order, the newest record of an id winning', async () => {
    const path = await archivePath();
    const archive = new FileCableArchive({ path, key: randomBytes(32) });
    const a = record('first');
    const b = record('second');
    await archive.add(a);
    await archive.add(b);
    await archive.add({ ...a, openedAt: a.openedAt + 1 });
    assert.deepEqual(await archive.list(), [{ ...a, openedAt: a.openedAt + 1 }, b]);
  });

  test('the file holds no subject or body in clear', async () => {
    const path = await archivePath();
    await new FileCableArchive({ path, key: randomBytes(32) }).add(record('Sanctions on the northern fleet'));
    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes('Sanctions'));
    assert.ok(!text.includes('northern fleet'));
  });

  test('a torn last line (a crash during an append) is skipped', async () => {
    const path = await archivePath();
    const archive = new FileCableArchive({ path, key: randomBytes(32) });
    const a = record('kept');
    await archive.add(a);
    await appendFile(path, '{"v":1,"id":"AAAA');
    assert.deepEqual(await archive.list(), [a]);
  });

  test('a line from another key or an altered line is ARCHIVE_INVALID', async () => {
    const path = await archivePath();
    await new FileCableArchive({ path, key: randomBytes(32) }).add(record('x'));
    const other = new FileCableArchive({ path, key: randomBytes(32) });
    const isInvalid = (e: unknown) => e instanceof ClientError && e.code === 'ARCHIVE_INVALID';
    await assert.rejects(other.list(), isInvalid);

    const key = randomBytes(32);
    const path2 = await archivePath();
    const archive = new FileCableArchive({ path: path2, key });
    const a = record('a');
    const b = record('b');
    await archive.add(a);
    await archive.add(b);
    // Swap the ids of the two lines: each ciphertext is bound to its cable id.
    const [l1, l2] = (await readFile(path2, 'utf8')).trim().split('\n');
    await writeFile(path2, `${l1!.replace(a.id, b.id)}\n${l2}\n`, { mode: 0o600 });
    await assert.rejects(archive.list(), isInvalid);
  });
});
