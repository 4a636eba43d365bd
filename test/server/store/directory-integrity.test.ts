/**
 * A directory row forged in the database (written around the server, its signature not
 * made by the issuer's key) is an integrity failure, named as such: a signed request gets
 * 500 INTEGRITY_FAILED naming the row and the failed check (not 503 "try again shortly"),
 * the server logs one line saying so, and a node starting on that store is told the same,
 * without blaming VALISE_ROOT_KEY. On both backends.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { toHex, utf8 } from '../../../src/core/encoding/bytes.ts';
import { canonicalize, type JsonValue } from '../../../src/core/encoding/canonical-json.ts';
import { DirectoryCache } from '../../../src/server/directory-cache.ts';
import { IntegrityError } from '../../../src/server/store/integrity-error.ts';
import { type BackendName, backends, rawRows, rawStatement } from '../fixtures/backends.ts';
import { device, randomId } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

function bytesLiteral(backend: BackendName, bytes: Uint8Array): string {
  return backend === 'sqlite' ? `X'${toHex(bytes)}'` : `'\\x${toHex(bytes)}'::bytea`;
}

for (const backend of await backends()) {
  describe(`a forged directory row on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let log = '';
    let forgedIndex: number;
    before(async () => {
      const stream = new Writable({
        write(chunk, _encoding, done) {
          log += chunk;
          done();
        },
      });
      t = await startTestApp(backend, { deps: { logger: { level: 'error', stream } } });
      // The operator copies anna's device certificate, gives it a device id of their own and
      // keeps the signature: the row reads, but its signature was never made for it.
      const [last] = await rawRows(
        t.database,
        "SELECT idx, entry FROM directory_entries WHERE kind = 'device' ORDER BY idx DESC LIMIT 1",
      );
      const entry = JSON.parse(Buffer.from(last?.entry as Uint8Array).toString('utf8')) as {
        body: { device: string };
      };
      entry.body.device = randomId();
      forgedIndex = t.network.entries.length;
      const forged = utf8(canonicalize(entry as unknown as JsonValue));
      const error = await rawStatement(
        t.database,
        `INSERT INTO directory_entries (idx, kind, org, subject, entry, added_at) VALUES (${forgedIndex}, 'device', 'DE', '${entry.body.device}', ${bytesLiteral(backend.name, forged)}, 0)`,
      );
      assert.equal(error, undefined);
    });
    after(async () => {
      await t?.close();
    });

    test('a signed request is answered 500 INTEGRITY_FAILED naming the row and the check, and logged so', async () => {
      const answer = await t.api.get('/api/v1/inbox', { as: device(t.network, 'de.anna') });
      assert.equal(answer.status, 500);
      assert.equal(answer.json.error.code, 'INTEGRITY_FAILED');
      assert.match(answer.json.error.message, new RegExp(`row ${forgedIndex}: BAD_SIGNATURE`));
      assert.doesNotMatch(answer.json.error.message, /try again/);
      const lines = log
        .split('\n')
        .filter((line) => line.includes('INTEGRITY_FAILED'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.equal(lines.length, 1);
      assert.equal(lines[0]?.integrity, 'DIRECTORY_ENTRY_INVALID');
      assert.equal(lines[0]?.table, 'directory_entries');
      assert.equal(lines[0]?.row, forgedIndex);
      assert.equal(lines[0]?.check, 'BAD_SIGNATURE');
    });

    test('a node starting on the store is told which row failed, and VALISE_ROOT_KEY is not blamed', async () => {
      await assert.rejects(DirectoryCache.open(t.network.root, t.store), (error: unknown) => {
        assert.ok(error instanceof IntegrityError);
        assert.equal(error.code, 'DIRECTORY_ENTRY_INVALID');
        assert.deepEqual(error.finding, {
          table: 'directory_entries',
          row: forgedIndex,
          check: 'BAD_SIGNATURE',
        });
        assert.match(
          error.message,
          new RegExp(`directory entry ${forgedIndex} \\(device for DE\\) fails BAD_SIGNATURE`),
        );
        assert.doesNotMatch(error.message, /VALISE_ROOT_KEY/);
        return true;
      });
    });
  });
}
