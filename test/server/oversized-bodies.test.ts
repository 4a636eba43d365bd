/**
 * Bodies cost memory only once their sender is known (docs/design.md §1, docs/api.md
 * "Authentication"): a real server process on loopback takes 40 concurrent unsigned posts of
 * 31 MiB each to the route with the largest limit (POST /cables, 32 MiB), and its peak
 * resident memory (VmHWM) stays under 250 MiB. Each is refused 401 SIGNATURE_MISSING before
 * its body is read. The figure is printed; the bound is generous, and nothing here is timed.
 *
 * On SQLite only: the store is not involved, the request is refused before any query.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, describe, test } from 'node:test';
import { randomBytes } from '../../src/core/encoding/bytes.ts';
import { backends, type TestDatabase } from './fixtures/backends.ts';
import { makeNetwork, T0 } from './fixtures/network.ts';
import { type ServerProcess, spawnServer } from './fixtures/spawn-server.ts';
import { seedStore } from './fixtures/test-app.ts';

const CONCURRENT = 40;
const BODY_BYTES = 31 * 1024 * 1024;
const ROUNDS = 2;
const BOUND_MIB = 250;

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

/** Peak and current resident memory of a process, in MiB (Linux /proc). */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

/** One unsigned POST with `body`; resolves with the status, or 0 if the server cut the upload short. */
function post(origin: string, path: string, body: Buffer): Promise<{ status: number; code?: string }> {
  return new Promise((resolve) => {
    const url = new URL(path, origin);
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = JSON.parse(text).error?.code;
          } catch {}
          resolve({ status: res.statusCode ?? 0, ...(code ? { code } : {}) });
        });
        res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', () => resolve({ status: 0 }));
    req.end(body);
  });
}

describe('oversized unsigned bodies', { skip: sqlite.skip }, () => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  after(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await database?.destroy();
  });

  test(`${CONCURRENT} concurrent unsigned 31 MiB posts keep the server under ${BOUND_MIB} MiB`, async () => {
    const network = await makeNetwork();
    database = await sqlite.create();
    const seeding = await database.open();
    await seedStore(seeding, network);
    await seeding.close();
    server = await spawnServer({
      backend: 'sqlite',
      location: database.location,
      root: network.root,
      seed: randomBytes(32),
      now: T0,
    });
    const pid = server.child.pid!;
    const before = memoryOf(pid);
    const body = Buffer.alloc(BODY_BYTES, 0x20);
    const answers: { status: number; code?: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: CONCURRENT }, () => post(server!.origin, '/api/v1/cables', body)),
        )),
      );
    }
    const after = memoryOf(pid);
    console.log(
      `server memory: ${before.now.toFixed(0)} MiB before, peak ${after.peak.toFixed(0)} MiB during ${ROUNDS}×${CONCURRENT} unsigned ${BODY_BYTES / 1024 / 1024} MiB posts (bound ${BOUND_MIB} MiB)`,
    );
    // Every post was refused (401 before its body was read, or the upload cut short): none accepted.
    assert.ok(
      answers.every((a) => a.status === 401 || a.status === 0),
      JSON.stringify(answers.filter((a) => a.status !== 401)),
    );
    assert.ok(answers.some((a) => a.status === 401 && a.code === 'SIGNATURE_MISSING'));
    assert.ok(after.peak < BOUND_MIB, `peak resident memory ${after.peak.toFixed(0)} MiB`);
  });
});
