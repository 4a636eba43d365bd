/**
 * Hostile input to every route (docs/design.md §10: bad input gets a 4xx and changes nothing): fuzzed JSON, wrong
 * types in every field of a valid body, missing and unknown fields, huge sizes, deep
 * nesting, duplicate keys, broken UTF-8, wrong media types, malformed bytes sections (JSON with a
 * bytes section), fuzzed query strings, path
 * parameters and signature fields. The answer is always 4xx, never 5xx, and nothing is
 * stored. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url, utf8 } from '../../src/core/encoding/bytes.ts';
import { JSON_WITH_BYTES_TYPE } from '../../src/core/encoding/json-with-bytes.ts';
import { toJsonValue } from '../../src/core/encoding/to-json.ts';
import type { UserCertificate } from '../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { cosign } from '../../src/core/log/checkpoint/cosign.ts';
import { parseNote } from '../../src/core/log/checkpoint/parse-note.ts';
import { cosignatureSigner } from '../../src/core/log/checkpoint/signer.ts';
import { witnessKeyName } from '../../src/core/log/log-names.ts';
import { DEFAULT_READ_THRESHOLDS } from '../../src/core/watch/read-thresholds.ts';
import { DEFAULT_WORKING_HOURS } from '../../src/core/watch/working-hours.ts';
import { backends } from './fixtures/backends.ts';
import { actCounts } from './fixtures/counts.ts';
import { newDeviceKeys } from './fixtures/enrol.ts';
import { device, ISSUED_AT, randomId, T0, type TestDevice } from './fixtures/network.ts';
import type { TestResponse } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

/** An attachment address no blob is stored under. */
const DIGEST = toBase64url(sha256(utf8('no such attachment')));
/** An officer act id no act has. */
const HELD = randomId();

const RUNS = { numRuns: Number(process.env.VALISE_FUZZ_RUNS ?? 40) };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  /** Who signs: a device name, or undefined for the unsigned routes. */
  readonly as: string | undefined;
  /** A valid-looking body whose every mutation is invalid (POST routes). */
  readonly base?: () => Promise<Json>;
}

function assert4xx(response: TestResponse, what: string): void {
  assert.ok(
    response.status >= 400 && response.status < 500,
    `${what}: got ${response.status} ${response.text.slice(0, 200)}`,
  );
  if (response.json?.error) assert.equal(typeof response.json.error.code, 'string', what);
}

/** Every path to a leaf or container in `value`, with the value there. */
function paths(value: Json, at: (string | number)[] = []): [(string | number)[], Json][] {
  const out: [(string | number)[], Json][] = at.length ? [[at, value]] : [];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...at, i]));
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function replaced(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement as Json;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === undefined) copy.splice(head as number, 1);
    else copy[head as number] = replaced(value[head as number]!, rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && replacement === undefined) delete copy[head as string];
  else copy[head as string] = replaced(copy[head as string]!, rest, replacement);
  return copy;
}

const WRONG: Json[] = [null, true, 0, -1, 1.5, 1e300, '', 'x'.repeat(5000), [], {}, [1, 'a'], { a: 1 }];

function kind(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

for (const backend of await backends()) {
  describe(`hostile input on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let before0: Record<string, number>;
    let cableId: string;
    let routes: Route[];
    let WATCHED: string;

    before(async () => {
      t = await startTestApp(backend);
      const anna = device(t.network, 'de.anna');
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        ...(await nextPosition(t.api, anna)),
      });
      assert.equal((await t.api.post('/api/v1/cables', cableBody(cable), { as: anna })).status, 201);
      cableId = cable.header.id;
      WATCHED = device(t.network, 'fr.dan').id;
      const user: UserCertificate = {
        v: 1,
        kind: 'user',
        org: 'DE',
        user: 'de.hostile',
        name: 'x',
        clearance: 'RESTREINT UE',
        role: 'member',
        groups: [],
        issuedAt: ISSUED_AT,
      };
      const keys = await newDeviceKeys('x');
      routes = [
        { method: 'GET', path: '/api/v1/network', as: undefined },
        { method: 'GET', path: '/api/v1/directory', as: 'de.anna' },
        {
          method: 'POST',
          path: '/api/v1/directory',
          as: 'de.officer',
          base: async () =>
            toJsonValue({ entry: await issueCertificate(user, t.network.orgs.DE!.signer) }) as Json,
        },
        {
          method: 'POST',
          path: '/api/v1/invitations',
          as: 'de.officer',
          base: async () =>
            toJsonValue({
              id: randomId(),
              org: 'DE',
              user: 'de.bob',
              secretHash: randomBytes(32),
              expiresAt: T0 + 60,
            }) as Json,
        },
        {
          method: 'POST',
          path: '/api/v1/enrolments',
          as: undefined,
          base: async () =>
            toJsonValue({
              invitation: randomId(),
              secret: randomBytes(32),
              device: keys.id,
              label: 'x',
              signingKey: keys.signer.publicKey,
              kemKey: keys.kem.publicKey,
              binding: randomBytes(32),
            }) as Json,
        },
        { method: 'GET', path: '/api/v1/enrolments', as: 'de.officer' },
        // Held officer acts: an id no act has, so even a well-formed body changes nothing (404).
        { method: 'GET', path: '/api/v1/officer-acts', as: 'de.officer' },
        {
          method: 'POST',
          path: `/api/v1/officer-acts/${HELD}/confirm`,
          as: 'de.officer',
          base: async () => ({}),
        },
        {
          method: 'POST',
          path: `/api/v1/officer-acts/${HELD}/refuse`,
          as: 'de.officer',
          base: async () => ({ reason: 'not asked for' }),
        },
        { method: 'GET', path: '/api/v1/orgs/DE/head', as: 'de.anna' },
        {
          method: 'POST',
          path: '/api/v1/cables',
          as: 'de.anna',
          base: async () =>
            toJsonValue(
              cableBody(
                await testCable(t.directory, {
                  sender: anna,
                  distribution: [{ org: 'FR', role: 'action' }],
                  ...(await nextPosition(t.api, anna)),
                }),
              ),
            ) as Json,
        },
        { method: 'GET', path: `/api/v1/inbox`, as: 'fr.claire' },
        {
          method: 'POST',
          path: '/api/v1/inbox/summaries',
          as: 'fr.claire',
          base: async () => ({ ids: [cableId] }),
        },
        { method: 'GET', path: `/api/v1/cables/${cableId}`, as: 'fr.claire' },
        // Signed by the sender, who may not acknowledge: even `{}` is refused (403), so nothing is stored.
        { method: 'POST', path: `/api/v1/cables/${cableId}/ack`, as: 'de.anna', base: async () => ({}) },
        { method: 'GET', path: `/api/v1/cables/${cableId}/acks`, as: 'de.anna' },
        // Attachments: the PUT body is raw ciphertext, so every JSON body is 415.
        { method: 'PUT', path: `/api/v1/attachments/${DIGEST}`, as: 'de.anna' },
        { method: 'GET', path: `/api/v1/cables/${cableId}/attachments/${DIGEST}`, as: 'fr.claire' },
        { method: 'GET', path: '/api/v1/devices', as: 'de.officer' },
        // The watch. The stream is asked by a member (always 403): an officer's would never end.
        { method: 'GET', path: '/api/v1/watch/devices', as: 'fr.officer' },
        { method: 'GET', path: `/api/v1/watch/devices/${WATCHED}/activity`, as: 'fr.officer' },
        {
          method: 'POST',
          path: `/api/v1/watch/devices/${WATCHED}/release`,
          as: 'fr.officer',
          base: async () => ({ reason: 'checked by phone' }),
        },
        {
          method: 'POST',
          path: `/api/v1/watch/devices/${WATCHED}/suspend`,
          as: 'fr.officer',
          base: async () => ({ reason: 'reported stolen' }),
        },
        { method: 'GET', path: '/api/v1/watch/thresholds', as: 'fr.officer' },
        {
          method: 'PUT',
          path: '/api/v1/watch/thresholds/member',
          as: 'fr.officer',
          base: async () => ({ thresholds: structuredClone(DEFAULT_READ_THRESHOLDS.member) as Json }),
        },
        { method: 'GET', path: '/api/v1/watch/stream', as: 'fr.claire' },
        {
          method: 'POST',
          path: '/api/v1/watch/canaries',
          as: 'fr.officer',
          base: async () => ({
            cable: cableId,
            targets: { users: ['fr.dan'], groups: ['COEST'] },
            reason: 'decoy',
          }),
        },
        { method: 'GET', path: '/api/v1/watch/canaries', as: 'fr.officer' },
        { method: 'GET', path: '/api/v1/watch/hours', as: 'fr.officer' },
        {
          method: 'PUT',
          path: '/api/v1/watch/hours',
          as: 'fr.officer',
          base: async () => ({ hours: structuredClone(DEFAULT_WORKING_HOURS) as unknown as Json }),
        },
        { method: 'POST', path: '/api/v1/watch/step-up/options', as: 'de.anna' },
        { method: 'POST', path: '/api/v1/watch/step-up', as: 'de.anna' },
        { method: 'GET', path: '/api/v1/inbox/stream', as: 'de.anna.old' },
        // The audit log.
        { method: 'GET', path: '/api/v1/log', as: undefined },
        { method: 'GET', path: '/api/v1/log/checkpoint', as: 'de.anna' },
        { method: 'GET', path: '/api/v1/log/checkpoints', as: 'de.officer' },
        { method: 'GET', path: '/api/v1/log/leaves', as: 'de.officer' },
        { method: 'GET', path: '/api/v1/log/proofs/inclusion', as: 'de.anna' },
        { method: 'GET', path: '/api/v1/log/proofs/consistency', as: 'de.anna' },
        {
          method: 'POST',
          path: '/api/v1/log/cosignatures',
          as: 'de.registry',
          base: async () => {
            const latest = await t.checkpointer.checkpoint();
            const registry = device(t.network, 'de.registry');
            const { privateKey } = registry.signer as unknown as { privateKey: CryptoKey };
            const name = witnessKeyName('test', 'DE', registry.id);
            const line = await cosign(
              parseNote(latest.note).text,
              cosignatureSigner(name, privateKey, registry.signer.publicKey),
              T0,
            );
            return { size: latest.size, cosignature: line };
          },
        },
        {
          method: 'POST',
          path: '/api/v1/log/alerts',
          as: 'de.registry',
          base: async () => ({ reason: 'ROLLBACK', note: (await t.checkpointer.checkpoint()).note }),
        },
        { method: 'GET', path: '/api/v1/audit/events', as: 'de.officer' },
        // Browser sign-in (src/server/web). The passkey member of the others is a WebAuthn
        // response whose extra members browsers may add are kept, so they have no strict base.
        { method: 'GET', path: '/api/v1/web/config', as: undefined },
        {
          method: 'POST',
          path: '/api/v1/web/enrolments/options',
          as: undefined,
          base: async () => toJsonValue({ invitation: randomId(), secret: randomBytes(32) }) as Json,
        },
        { method: 'POST', path: '/api/v1/web/enrolments', as: undefined },
        { method: 'POST', path: '/api/v1/web/sign-in/options', as: 'de.anna' },
        { method: 'POST', path: '/api/v1/web/sign-in', as: 'de.anna' },
        { method: 'POST', path: '/api/v1/web/step-up/options', as: 'de.anna' },
        { method: 'POST', path: '/api/v1/web/step-up', as: 'de.anna' },
        { method: 'POST', path: '/api/v1/web/sign-out', as: 'de.anna' },
        { method: 'GET', path: '/api/v1/web/session', as: 'de.anna' },
        { method: 'GET', path: '/', as: undefined },
        { method: 'GET', path: '/assets/*', as: undefined },
        // The silence procedure: the Presidency act (root-signed), a procedure's status.
        { method: 'PUT', path: '/api/v1/network/presidency', as: 'cy.authority' },
        { method: 'GET', path: `/api/v1/silence/${cableId}`, as: 'fr.claire' },
      ];
      before0 = await actCounts(t.store);
    });
    after(async () => {
      await t?.close();
    });

    const signer = (route: Route): { as?: TestDevice } =>
      route.as ? { as: device(t.network, route.as) } : {};
    /** `signer`, the body sent as JSON with a bytes section. */
    const withBytes = (route: Route): { as?: TestDevice; contentType: string } => ({
      ...signer(route),
      contentType: JSON_WITH_BYTES_TYPE,
    });

    test('every route is covered by these tables', () => {
      const covered = routes.map(
        (r) =>
          `${r.method} ${r.path.replace(cableId, ':id').replace(DIGEST, ':digest').replace('/orgs/DE/', '/orgs/:org/').replace(WATCHED, ':device').replace('/thresholds/member', '/thresholds/:role').replace(HELD, ':id')}`,
      );
      assert.deepEqual(covered.sort(), t.app.apiRoutes().sort());
    });

    test('fuzzed JSON bodies are refused with 4xx', async () => {
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
            const response = await t.api.send(route.method, route.path, {
              ...signer(route),
              body: JSON.stringify(value),
            });
            // GET routes ignore a body they do not read, but the signature covers its digest.
            if (route.method === 'GET' && response.status === 200) return;
            assert4xx(response, `${route.method} ${route.path} ${JSON.stringify(value).slice(0, 100)}`);
          }),
          RUNS,
        );
      }
    });

    test('a wrong type, a missing field or an unknown field anywhere in a valid body is 400', async () => {
      for (const route of routes.filter((r) => r.base)) {
        const base = await route.base!();
        for (const [path, value] of paths(base)) {
          const what = `${route.path} at ${path.join('.')}`;
          for (const wrong of WRONG) {
            if (kind(wrong) === kind(value)) continue;
            assert4xx(
              await t.api.post(route.path, replaced(base, path, wrong), signer(route)),
              `${what} := ${JSON.stringify(wrong).slice(0, 40)}`,
            );
          }
          if (typeof path.at(-1) === 'string') {
            assert4xx(
              await t.api.post(route.path, replaced(base, path, undefined), signer(route)),
              `${what} removed`,
            );
          }
          if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
            assert4xx(
              await t.api.post(route.path, replaced(base, [...path, 'extra'], 1), signer(route)),
              `${what}.extra`,
            );
          }
        }
        assert4xx(
          await t.api.post(route.path, { ...(base as object), extra: 1 }, signer(route)),
          `${route.path} extra`,
        );
      }
    });

    test('huge bodies are 413, deep nesting and duplicate keys 400, broken encodings 4xx', async () => {
      for (const route of routes.filter((r) => r.method === 'POST')) {
        const limit = route.path === '/api/v1/cables' ? 32 * 1024 * 1024 : 64 * 1024;
        const huge = new Uint8Array(limit + 1).fill(0x20);
        const answers: [string, TestResponse][] = [
          ['huge', await t.api.post(route.path, huge, signer(route))],
          [
            'deep array',
            await t.api.post(route.path, `${'['.repeat(100_000)}${']'.repeat(100_000)}`, signer(route)),
          ],
          [
            'deep object',
            await t.api.post(route.path, `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`, signer(route)),
          ],
          ['duplicate keys', await t.api.post(route.path, '{"a":1,"a":2}', signer(route))],
          ['proto key', await t.api.post(route.path, '{"__proto__":{"polluted":1}}', signer(route))],
          ['not JSON', await t.api.post(route.path, 'hello', signer(route))],
          ['empty', await t.api.post(route.path, '', signer(route))],
          [
            'broken UTF-8',
            await t.api.post(
              route.path,
              Uint8Array.of(0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d),
              signer(route),
            ),
          ],
          ['lone surrogate', await t.api.post(route.path, '{"a":"\\ud800"}', signer(route))],
          ['text/plain', await t.api.post(route.path, '{}', { ...signer(route), contentType: 'text/plain' })],
          [
            'form',
            await t.api.post(route.path, 'a=1', {
              ...signer(route),
              contentType: 'application/x-www-form-urlencoded',
            }),
          ],
          ['huge number', await t.api.post(route.path, `{"a":1${'0'.repeat(400)}}`, signer(route))],
          // JSON with a bytes section: the same document rules, and the section's own.
          ['huge, with bytes', await t.api.post(route.path, huge, withBytes(route))],
          ['with bytes, no NUL', await t.api.post(route.path, '{"a":1}', withBytes(route))],
          ['with bytes, a byte no string uses', await t.api.post(route.path, '{}\u0000x', withBytes(route))],
          [
            'with bytes, a range past the end',
            await t.api.post(route.path, '{"a":{"$bytes":[0,9]}}\u0000x', withBytes(route)),
          ],
          [
            'with bytes, a marker with company',
            await t.api.post(route.path, '{"a":{"$bytes":[0,1],"b":1}}\u0000x', withBytes(route)),
          ],
          [
            'with bytes, duplicate keys',
            await t.api.post(route.path, '{"a":{"$bytes":[0,1]},"a":2}\u0000x', withBytes(route)),
          ],
        ];
        for (const [what, response] of answers) assert4xx(response, `${route.path} ${what}`);
        assert.equal(answers[0]![1].status, 413, `${route.path} huge`);
        assert.equal(
          answers.find(([what]) => what === 'huge, with bytes')![1].status,
          413,
          `${route.path} huge, with bytes`,
        );
        assert.equal(({}.constructor as unknown as { polluted?: number }).polluted, undefined);
      }
    });

    test('fuzzed query strings and path parameters never cause a 5xx', async () => {
      const text = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s));
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.tuple(text, text), { maxLength: 4 }), async (pairs) => {
            const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
            const response = await t.api.send(route.method, `${route.path}?${query}`, signer(route));
            assert.ok(response.status < 500, `${route.path}?${query}: ${response.status} ${response.text}`);
          }),
          RUNS,
        );
      }
      await fc.assert(
        fc.asyncProperty(text, async (param) => {
          for (const path of [
            `/api/v1/cables/${param}`,
            `/api/v1/cables/${param}/acks`,
            `/api/v1/cables/${param}/attachments/${param}`,
            `/api/v1/orgs/${param}/head`,
          ]) {
            const response = await t.api.get(path, { as: device(t.network, 'de.anna') });
            assert.ok(response.status < 500, `${path}: ${response.status}`);
          }
        }),
        RUNS,
      );
    });

    test('fuzzed signature fields are refused with 4xx', async () => {
      const field = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('sig1=:AAAA:', 'sig1=()', 'sig1=("@method");created=1', ''),
      );
      await fc.assert(
        fc.asyncProperty(field, field, field, async (input, signature, digest) => {
          const response = await t.api.get('/api/v1/inbox', {
            as: device(t.network, 'fr.claire'),
            tamper: (headers) => ({
              ...headers,
              'Signature-Input': input,
              Signature: signature,
              'Content-Digest': digest,
            }),
          });
          assert4xx(response, `${input} / ${signature} / ${digest}`);
        }),
        RUNS,
      );
    });

    test('after all of it, nothing was stored', async () => {
      assert.deepEqual(await actCounts(t.store), before0);
    });
  });
}
