/**
 * The authorisation matrix: every route × role × classification × relation, with
 * the answer expected, written out by hand (not computed from the policy it checks). The
 * routes are read from the app itself (`app.apiRoutes()`, recorded by its onRoute hook): a
 * route added without a row here, or a row whose route is gone, fails the suite. On every
 * backend.
 *
 * The cable-scoped rows use one cable per classification, sent by de.anna (DE) to FR as
 * action addressee, for working group COEST. Actors (see fixtures/network.ts):
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import type { UserCertificate } from '../../src/core/identity/certificate.ts';
import type { Classification } from '../../src/core/identity/classification.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { cosign } from '../../src/core/log/checkpoint/cosign.ts';
import { parseNote } from '../../src/core/log/checkpoint/parse-note.ts';
import { cosignatureSigner } from '../../src/core/log/checkpoint/signer.ts';
import { witnessKeyName } from '../../src/core/log/log-names.ts';
import { signPresidency } from '../../src/core/procedure/presidency.ts';
import { DEFAULT_READ_THRESHOLDS } from '../../src/core/watch/read-thresholds.ts';
import { DEFAULT_WORKING_HOURS } from '../../src/core/watch/working-hours.ts';
import { signRequest } from '../../src/core/wire/sign-request.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { backends } from './fixtures/backends.ts';
import { newDeviceKeys } from './fixtures/enrol.ts';
import { device, ISSUED_AT, randomId, T0 } from './fixtures/network.ts';
import { nextSequence } from './fixtures/sequence.ts';
import type { TestResponse } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

const ACTORS = {
  anonymous: 'no device (unsigned request)',
  'de.anna': 'member, sender',
  'de.anna.2': "member, the sender's other device",
  'de.registry': "registry, sender's org",
  'de.carl': "member, sender's org, other group",
  'de.bob': "member, sender's org, uncleared",
  'de.officer': "security officer, sender's org",
  'fr.claire': 'member, recipient',
  'fr.dan': 'member, recipient, cleared to RESTREINT UE',
  'fr.registry': "registry, recipient's org",
  'fr.officer': "security officer, recipient's org, no group",
  'cy.eva': 'member, other org',
  'cy.authority': 'network authority, other org',
  'de.anna.old': 'revoked device',
} as const;
type Actor = keyof typeof ACTORS;
const ACTOR_NAMES = Object.keys(ACTORS) as Actor[];

const CABLE_LEVELS = [
  'UNCLASSIFIED',
  'RESTREINT UE',
  'CONFIDENTIEL UE',
] as const satisfies readonly Classification[];
const SEND_LEVELS = [...CABLE_LEVELS, 'SECRET UE'] as const satisfies readonly Classification[];
type Level = Classification | '-';

/** A status, or 'ok' for "200 or 201" (idempotent acts answer 201 once, then 200). */
type Expected = number | 'ok';
type Cell = Expected | { readonly [L in Classification]?: Expected };

interface Row {
  readonly levels: readonly Level[];
  readonly expect: { readonly [A in Actor]: Cell };
  readonly call: (
    t: TestApp,
    actor: Actor,
    level: Level,
    cables: Map<Level, string>,
  ) => Promise<TestResponse>;
}

/**
 * One encrypted attachment (opaque bytes to the server) per matrix cable: a blob is linked
 * once, by its uploader (docs/design.md §7).
 */
const BLOBS = new Map<Level, Uint8Array>(CABLE_LEVELS.map((level) => [level, randomBytes(1000)]));
const DIGESTS = new Map([...BLOBS].map(([level, blob]) => [level, toBase64url(sha256(blob))]));

const all = (expected: Expected) =>
  Object.fromEntries(ACTOR_NAMES.map((a) => [a, expected])) as Record<Actor, Cell>;
const as = (actor: Actor, t: TestApp) => (actor === 'anonymous' ? {} : { as: device(t.network, actor) });

/**
 * The live stream never ends, so it is asked over real HTTP and dropped once its status is in
 * (the app listens on loopback for this row only).
 */
async function streamStatus(
  t: TestApp,
  actor: Actor,
  target = '/api/v1/watch/stream?org=FR',
): Promise<TestResponse> {
  if (!t.app.server.listening) await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const signer = actor === 'anonymous' ? undefined : device(t.network, actor);
  const headers = signer
    ? await signRequest(
        { method: 'GET', url: `${t.api.transport.origin}${target}`, headers: {} },
        {
          keyId: signer.id,
          signer: signer.signer,
          now: Math.floor(t.clock.now() / 1000),
          nonce: toBase64url(randomBytes(16)),
          sequence: nextSequence(signer.id),
        },
      )
    : {};
  const abort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}${target}`, {
    headers: { ...headers },
    signal: abort.signal,
  });
  const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  const text = streaming ? '' : await response.text();
  abort.abort();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: {}, text, raw: new Uint8Array(), json };
}

/** An invitation for de.bob posted by DE's second officer from the command line: held, its id. */
async function heldAct(t: TestApp): Promise<string> {
  const held = await t.api.post(
    '/api/v1/invitations',
    { id: randomId(), org: 'DE', user: 'de.bob', secretHash: randomBytes(32), expiresAt: T0 + 600 },
    { as: device(t.network, 'de.officer.2') },
  );
  assert.equal(held.status, 202, held.text);
  return (held.json as { held: { id: string } }).held.id;
}

const MATRIX: Record<string, Row> = {
  'GET /api/v1/network': {
    levels: ['-'],
    expect: all(200),
    call: (t, actor) => t.api.get('/api/v1/network', as(actor, t)),
  },
  'GET /api/v1/directory': {
    levels: ['-'],
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => t.api.get('/api/v1/directory?from=10', as(actor, t)),
  },
  'POST /api/v1/directory': {
    levels: ['-'],
    // The officer's device is a command-line device: the act is held for a second officer (202).
    expect: { ...all(403), anonymous: 401, 'de.officer': 202 },
    async call(t, actor) {
      const user: UserCertificate = {
        v: 1,
        kind: 'user',
        org: 'DE',
        user: `de.new-${randomId()
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')}`,
        name: 'New',
        clearance: 'RESTREINT UE',
        role: 'member',
        groups: [],
        issuedAt: ISSUED_AT,
      };
      return t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(user, t.network.orgs.DE!.signer) },
        as(actor, t),
      );
    },
  },
  // Variants of one route (`route · case`): who may post which directory entry (docs/design.md §5).
  'POST /api/v1/directory · a network-authority user signed by an organisation key': {
    levels: ['-'],
    // Only the root grants the role: refused whoever posts it (the revoked device is refused first).
    expect: { ...all(422), 'de.anna.old': 403 },
    call: async (t, actor) =>
      t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(authorityUser(), t.network.orgs.DE!.signer) },
        as(actor, t),
      ),
  },
  'POST /api/v1/directory · a network-authority user signed by the root': {
    levels: ['-'],
    // The root's signature is the authority, so anyone may carry it, unsigned included.
    expect: { ...all(201), 'de.anna.old': 403 },
    call: async (t, actor) =>
      t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(authorityUser(), t.network.rootSigner) },
        as(actor, t),
      ),
  },
  'POST /api/v1/directory · a re-post of an entry in force': {
    levels: ['-'],
    expect: { ...all(200), 'de.anna.old': 403 },
    call: (t, actor) => t.api.post('/api/v1/directory', { entry: t.network.entries[1]! }, as(actor, t)),
  },
  'POST /api/v1/directory · an organisation certificate older than the one in force': {
    levels: ['-'],
    expect: { ...all(409), 'de.anna.old': 403 },
    async call(t, actor) {
      // CY's version 2 says the same as version 1: the rows after this one see no change.
      const cy = t.network.orgs.CY!.cert;
      const newer = await issueCertificate({ ...cy, version: 2, issuedAt: T0 }, t.network.rootSigner);
      await t.api.post('/api/v1/directory', { entry: newer });
      const older = t.network.entries.find((e) => e.body.kind === 'org' && e.body.org === 'CY')!;
      return t.api.post('/api/v1/directory', { entry: older }, as(actor, t));
    },
  },
  'POST /api/v1/invitations': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.officer': 202 },
    call: (t, actor) =>
      t.api.post(
        '/api/v1/invitations',
        { id: randomId(), org: 'DE', user: 'de.bob', secretHash: randomBytes(32), expiresAt: T0 + 600 },
        as(actor, t),
      ),
  },
  // The two-person rule (docs/design.md §5): DE's second officer posts from the command line, and
  // only another officer of DE decides; anyone else learns nothing of the act (404).
  'GET /api/v1/officer-acts': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.officer': 200, 'fr.officer': 200 },
    call: (t, actor) => t.api.get('/api/v1/officer-acts', as(actor, t)),
  },
  'POST /api/v1/officer-acts/:id/confirm': {
    levels: ['-'],
    expect: { ...all(404), anonymous: 401, 'de.anna.old': 403, 'de.officer': 201 },
    call: async (t, actor) =>
      t.api.post(`/api/v1/officer-acts/${await heldAct(t)}/confirm`, {}, as(actor, t)),
  },
  'POST /api/v1/officer-acts/:id/refuse': {
    levels: ['-'],
    expect: { ...all(404), anonymous: 401, 'de.anna.old': 403, 'de.officer': 200 },
    call: async (t, actor) =>
      t.api.post(
        `/api/v1/officer-acts/${await heldAct(t)}/refuse`,
        { reason: 'not asked for' },
        as(actor, t),
      ),
  },
  'POST /api/v1/enrolments': {
    // Unsigned by design: the invitation secret is the authority, whoever sends it.
    levels: ['-'],
    expect: all(201),
    async call(t, actor) {
      const secret = randomBytes(32);
      const id = randomId();
      await t.store.createInvitation(
        {
          id,
          org: 'DE',
          user: 'de.bob',
          secretHash: sha256(secret),
          expiresAt: T0 + 600,
          createdAt: T0,
          createdBy: 'matrix',
          usedAt: undefined,
        },
        auditRecord({
          at: T0,
          type: 'invitation.created',
          actor: {},
          object: { kind: 'invitation', id },
          detail: {},
        }),
      );
      const keys = await newDeviceKeys('matrix');
      const body = {
        invitation: id,
        secret,
        device: keys.id,
        label: 'm',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        binding: randomBytes(32),
      };
      return t.api.post('/api/v1/enrolments', body, as(actor, t));
    },
  },
  'GET /api/v1/enrolments': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.anna.old': 403, 'de.officer': 200, 'fr.officer': 200 },
    call: (t, actor) => t.api.get('/api/v1/enrolments?status=pending', as(actor, t)),
  },
  'GET /api/v1/orgs/:org/head': {
    levels: ['-'],
    expect: {
      ...all(403),
      anonymous: 401,
      'de.anna': 200,
      'de.anna.2': 200,
      'de.registry': 200,
      'de.carl': 200,
      'de.bob': 200,
      'de.officer': 200,
    },
    call: (t, actor) => t.api.get('/api/v1/orgs/DE/head', as(actor, t)),
  },
  'POST /api/v1/cables': {
    levels: SEND_LEVELS,
    expect: {
      anonymous: 401,
      'de.anna': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'de.anna.2': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'de.registry': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'de.carl': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'de.bob': { UNCLASSIFIED: 201, 'RESTREINT UE': 403, 'CONFIDENTIEL UE': 403, 'SECRET UE': 403 },
      'de.officer': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'fr.claire': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'fr.dan': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 403, 'SECRET UE': 403 },
      'fr.registry': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'fr.officer': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 201, 'SECRET UE': 403 },
      'cy.eva': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 403, 'SECRET UE': 403 },
      'cy.authority': { UNCLASSIFIED: 201, 'RESTREINT UE': 201, 'CONFIDENTIEL UE': 403, 'SECRET UE': 403 },
      'de.anna.old': 403,
    },
    async call(t, actor, level) {
      const sender = device(t.network, actor === 'anonymous' ? 'de.anna' : actor);
      const position = await nextPosition(
        t.api,
        device(t.network, sender.org === 'DE' ? 'de.anna' : sender.name),
      );
      const cable = await testCable(t.directory, {
        sender,
        distribution: [{ org: 'FR', role: 'action' }],
        groups: ['COEST'],
        classification: level as Classification,
        ...position,
        // Nobody is entitled above the levels the policy allows: the sender lists itself.
        ...(level === 'SECRET UE' || actor === 'de.anna.old' ? { recipients: () => [sender.id] } : {}),
      });
      return t.api.post('/api/v1/cables', cableBody(cable), as(actor, t));
    },
  },
  'GET /api/v1/inbox': {
    levels: ['-'],
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => t.api.get('/api/v1/inbox?limit=5', as(actor, t)),
  },
  'POST /api/v1/inbox/summaries': {
    // Every signed device may ask; only the ids it holds a wrap for come back (routes/inbox.test.ts).
    levels: CABLE_LEVELS,
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor, level, cables) =>
      t.api.post('/api/v1/inbox/summaries', { ids: [cables.get(level)] }, as(actor, t)),
  },
  'GET /api/v1/cables/:id': {
    levels: CABLE_LEVELS,
    expect: {
      anonymous: 401,
      'de.anna': 200,
      'de.anna.2': 200,
      'de.registry': 200,
      'de.carl': 404,
      'de.bob': 404,
      'de.officer': 404,
      'fr.claire': 200,
      'fr.dan': { UNCLASSIFIED: 200, 'RESTREINT UE': 200, 'CONFIDENTIEL UE': 404 },
      'fr.registry': 200,
      'fr.officer': 404,
      'cy.eva': 404,
      'cy.authority': 404,
      'de.anna.old': 403,
    },
    call: (t, actor, level, cables) => t.api.get(`/api/v1/cables/${cables.get(level)}`, as(actor, t)),
  },
  'POST /api/v1/cables/:id/ack': {
    levels: CABLE_LEVELS,
    expect: {
      anonymous: 401,
      'de.anna': 403,
      'de.anna.2': 403,
      'de.registry': 403,
      'de.carl': 404,
      'de.bob': 404,
      'de.officer': 404,
      'fr.claire': 'ok',
      'fr.dan': { UNCLASSIFIED: 'ok', 'RESTREINT UE': 'ok', 'CONFIDENTIEL UE': 404 },
      'fr.registry': 'ok',
      'fr.officer': 404,
      'cy.eva': 404,
      'cy.authority': 404,
      'de.anna.old': 403,
    },
    call: (t, actor, level, cables) =>
      t.api.post(`/api/v1/cables/${cables.get(level)}/ack`, undefined, as(actor, t)),
  },
  'PUT /api/v1/attachments/:digest': {
    // Any signed device may store ciphertext; only linking it to a cable gives it readers.
    levels: ['-'],
    expect: { ...all('ok'), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => {
      const blob = randomBytes(64);
      return t.api.send('PUT', `/api/v1/attachments/${toBase64url(sha256(blob))}`, {
        ...as(actor, t),
        body: blob,
        contentType: 'application/octet-stream',
      });
    },
  },
  'GET /api/v1/cables/:id/attachments/:digest': {
    // Exactly who may fetch the cable.
    levels: CABLE_LEVELS,
    expect: {
      anonymous: 401,
      'de.anna': 200,
      'de.anna.2': 200,
      'de.registry': 200,
      'de.carl': 404,
      'de.bob': 404,
      'de.officer': 404,
      'fr.claire': 200,
      'fr.dan': { UNCLASSIFIED: 200, 'RESTREINT UE': 200, 'CONFIDENTIEL UE': 404 },
      'fr.registry': 200,
      'fr.officer': 404,
      'cy.eva': 404,
      'cy.authority': 404,
      'de.anna.old': 403,
    },
    call: (t, actor, level, cables) =>
      t.api.get(`/api/v1/cables/${cables.get(level)}/attachments/${DIGESTS.get(level)}`, as(actor, t)),
  },
  'GET /api/v1/cables/:id/acks': {
    levels: CABLE_LEVELS,
    expect: {
      anonymous: 401,
      'de.anna': 200,
      'de.anna.2': 200,
      'de.registry': 200,
      'de.carl': 404,
      'de.bob': 404,
      'de.officer': 404,
      'fr.claire': 403,
      'fr.dan': { UNCLASSIFIED: 403, 'RESTREINT UE': 403, 'CONFIDENTIEL UE': 404 },
      'fr.registry': 403,
      'fr.officer': 404,
      'cy.eva': 404,
      'cy.authority': 404,
      'de.anna.old': 403,
    },
    call: (t, actor, level, cables) => t.api.get(`/api/v1/cables/${cables.get(level)}/acks`, as(actor, t)),
  },
  // Browser sign-in (src/server/web). The test devices enrolled without a passkey, as the CLI
  // does, so the passkey routes refuse them (NO_PASSKEY) and the session routes find none;
  // the passkey ceremonies themselves are exercised in Chromium (test/e2e).
  'GET /api/v1/web/config': {
    levels: ['-'],
    expect: all(200),
    call: (t, actor) => t.api.get('/api/v1/web/config', as(actor, t)),
  },
  'POST /api/v1/web/enrolments/options': {
    // Unsigned by design, like POST /enrolments: the invitation secret is the authority.
    levels: ['-'],
    expect: all(200),
    async call(t, actor) {
      const { id, secret } = await webInvitation(t);
      return t.api.post('/api/v1/web/enrolments/options', { invitation: id, secret }, as(actor, t));
    },
  },
  'POST /api/v1/web/enrolments': {
    // A passkey answering no challenge of this node is refused whoever sends it.
    levels: ['-'],
    expect: all(401),
    async call(t, actor) {
      const { id, secret } = await webInvitation(t);
      const keys = await newDeviceKeys('matrix');
      const body = {
        invitation: id,
        secret,
        device: keys.id,
        label: 'm',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        binding: randomBytes(32),
        passkey: fakePasskey('webauthn.create', { attestationObject: 'AA' }),
      };
      return t.api.post('/api/v1/web/enrolments', body, as(actor, t));
    },
  },
  'POST /api/v1/web/sign-in/options': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401 },
    call: (t, actor) => t.api.post('/api/v1/web/sign-in/options', {}, as(actor, t)),
  },
  'POST /api/v1/web/sign-in': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401 },
    call: (t, actor) =>
      t.api.post(
        '/api/v1/web/sign-in',
        { passkey: fakePasskey('webauthn.get', { authenticatorData: 'AA', signature: 'AA' }) },
        as(actor, t),
      ),
  },
  'POST /api/v1/web/step-up/options': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401 },
    call: (t, actor) => t.api.post('/api/v1/web/step-up/options', {}, as(actor, t)),
  },
  'POST /api/v1/web/step-up': {
    levels: ['-'],
    expect: { ...all(401), 'de.anna.old': 403 },
    call: (t, actor) =>
      t.api.post(
        '/api/v1/web/step-up',
        { passkey: fakePasskey('webauthn.get', { authenticatorData: 'AA', signature: 'AA' }) },
        as(actor, t),
      ),
  },
  'POST /api/v1/web/sign-out': {
    levels: ['-'],
    expect: { ...all(401), 'de.anna.old': 403 },
    call: (t, actor) => t.api.post('/api/v1/web/sign-out', {}, as(actor, t)),
  },
  'GET /api/v1/web/session': {
    levels: ['-'],
    expect: { ...all(401), 'de.anna.old': 403 },
    call: (t, actor) => t.api.get('/api/v1/web/session', as(actor, t)),
  },
  // The test app is built without a web app to serve (the e2e suites serve one).
  'GET /': {
    levels: ['-'],
    expect: all(404),
    call: (t, actor) => t.api.get('/', as(actor, t)),
  },
  'GET /assets/*': {
    levels: ['-'],
    expect: all(404),
    call: (t, actor) => t.api.get('/assets/index.js', as(actor, t)),
  },
  'GET /api/v1/devices': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/devices?org=DE', as(actor, t)),
  },
  // The watch: officers of the device's organisation act; the network authority only reads.
  'GET /api/v1/watch/devices': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/watch/devices?org=FR', as(actor, t)),
  },
  'GET /api/v1/watch/devices/:device/activity': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) =>
      t.api.get(`/api/v1/watch/devices/${device(t.network, 'fr.dan').id}/activity`, as(actor, t)),
  },
  'POST /api/v1/watch/devices/:device/suspend': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200 },
    async call(t, actor) {
      const dan = device(t.network, 'fr.dan').id;
      const reason = { reason: 'matrix: suspend' };
      const answer = await t.api.post(`/api/v1/watch/devices/${dan}/suspend`, reason, as(actor, t));
      // Put the device back for the rows that follow.
      if (answer.status === 200) {
        const back = { reason: 'matrix: release' };
        await t.api.post(`/api/v1/watch/devices/${dan}/release`, back, as('fr.officer', t));
      }
      return answer;
    },
  },
  'POST /api/v1/watch/devices/:device/release': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200 },
    call: (t, actor) =>
      t.api.post(
        `/api/v1/watch/devices/${device(t.network, 'fr.dan').id}/release`,
        { reason: 'matrix: release' },
        as(actor, t),
      ),
  },
  'GET /api/v1/watch/thresholds': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/watch/thresholds?org=FR', as(actor, t)),
  },
  'PUT /api/v1/watch/thresholds/:role': {
    levels: ['-'],
    // Each officer tunes their own organisation; the defaults are sent, so nothing changes.
    expect: { ...all(403), anonymous: 401, 'de.officer': 200, 'fr.officer': 200 },
    call: (t, actor) =>
      t.api.send('PUT', '/api/v1/watch/thresholds/member', {
        body: { thresholds: DEFAULT_READ_THRESHOLDS.member },
        ...as(actor, t),
      }),
  },
  'GET /api/v1/inbox/stream': {
    levels: ['-'],
    // Every certified device follows its own inbox; a revoked one is refused.
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => streamStatus(t, actor, '/api/v1/inbox/stream'),
  },
  'GET /api/v1/watch/stream': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => streamStatus(t, actor),
  },
  'POST /api/v1/watch/canaries': {
    levels: ['-'],
    // Only an officer of the organisation that sent the cable, to itself only, plants it;
    // another organisation's officer is not told the cable exists.
    expect: { ...all(403), anonymous: 401, 'fr.officer': 201, 'de.officer': 404 },
    async call(t, actor) {
      const officer = device(t.network, 'fr.officer');
      const cable = await testCable(t.directory, {
        sender: officer,
        distribution: [{ org: 'FR', role: 'info' }],
        groups: ['COEST'],
        ...(await nextPosition(t.api, officer)),
      });
      const sent = await t.api.post('/api/v1/cables', cableBody(cable), { as: officer });
      if (sent.status !== 201) throw new Error(`send: ${sent.status} ${sent.text}`);
      const body = { cable: cable.header.id, targets: { users: ['fr.dan'], groups: [] }, reason: 'matrix' };
      return t.api.post('/api/v1/watch/canaries', body, as(actor, t));
    },
  },
  'GET /api/v1/watch/canaries': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/watch/canaries?org=FR', as(actor, t)),
  },
  'GET /api/v1/watch/hours': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/watch/hours?org=FR', as(actor, t)),
  },
  'PUT /api/v1/watch/hours': {
    levels: ['-'],
    // Each officer sets their own organisation's hours; the defaults are sent.
    expect: { ...all(403), anonymous: 401, 'de.officer': 200, 'fr.officer': 200 },
    call: (t, actor) =>
      t.api.send('PUT', '/api/v1/watch/hours', { body: { hours: DEFAULT_WORKING_HOURS }, ...as(actor, t) }),
  },
  // A held browser device's passkey step-up: these test devices have no passkey (403 NO_PASSKEY).
  'POST /api/v1/watch/step-up/options': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401 },
    call: (t, actor) => t.api.post('/api/v1/watch/step-up/options', {}, as(actor, t)),
  },
  'POST /api/v1/watch/step-up': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401 },
    call: (t, actor) =>
      t.api.post(
        '/api/v1/watch/step-up',
        { passkey: fakePasskey('webauthn.get', { authenticatorData: 'AA', signature: 'AA' }) },
        as(actor, t),
      ),
  },
  // The audit log: its key is public; checkpoints and proofs are for every device;
  // the whole log for officers and the authority; witness acts for registry devices.
  'GET /api/v1/log': {
    levels: ['-'],
    expect: all(200),
    call: (t, actor) => t.api.get('/api/v1/log', as(actor, t)),
  },
  'GET /api/v1/log/checkpoint': {
    levels: ['-'],
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => t.api.get('/api/v1/log/checkpoint', as(actor, t)),
  },
  'GET /api/v1/log/checkpoints': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.officer': 200, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/log/checkpoints?limit=5', as(actor, t)),
  },
  'GET /api/v1/log/leaves': {
    levels: ['-'],
    // Witnesses (registry devices) read every leaf as its hash, to check each range they cosign.
    expect: {
      ...all(403),
      anonymous: 401,
      'de.officer': 200,
      'fr.officer': 200,
      'cy.authority': 200,
      'de.registry': 200,
      'fr.registry': 200,
    },
    call: (t, actor) => t.api.get('/api/v1/log/leaves?from=0&limit=5', as(actor, t)),
  },
  'GET /api/v1/log/proofs/inclusion': {
    levels: ['-'],
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => t.api.get('/api/v1/log/proofs/inclusion?index=0&size=2', as(actor, t)),
  },
  'GET /api/v1/log/proofs/consistency': {
    levels: ['-'],
    expect: { ...all(200), anonymous: 401, 'de.anna.old': 403 },
    call: (t, actor) => t.api.get('/api/v1/log/proofs/consistency?from=1&to=3', as(actor, t)),
  },
  'POST /api/v1/log/cosignatures': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.registry': 'ok', 'fr.registry': 'ok' },
    async call(t, actor) {
      // Every device cosigns with its own key: only the role decides.
      const signer = device(t.network, actor === 'anonymous' ? 'de.registry' : actor);
      const latest = await t.checkpointer.checkpoint();
      const name = witnessKeyName('test', signer.org, signer.id);
      const { privateKey } = signer.signer as unknown as { privateKey: CryptoKey };
      const line = await cosign(
        parseNote(latest.note).text,
        cosignatureSigner(name, privateKey, signer.signer.publicKey),
        T0,
      );
      return t.api.post('/api/v1/log/cosignatures', { size: latest.size, cosignature: line }, as(actor, t));
    },
  },
  'POST /api/v1/log/alerts': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.registry': 201, 'fr.registry': 201 },
    async call(t, actor) {
      const latest = await t.checkpointer.checkpoint();
      return t.api.post('/api/v1/log/alerts', { reason: 'ROLLBACK', note: latest.note }, as(actor, t));
    },
  },
  'GET /api/v1/audit/events': {
    levels: ['-'],
    expect: { ...all(403), anonymous: 401, 'de.officer': 200, 'fr.officer': 200, 'cy.authority': 200 },
    call: (t, actor) => t.api.get('/api/v1/audit/events?limit=5', as(actor, t)),
  },
  // The silence procedure: the network authority names the Presidency; a procedure is shown
  // to the devices entitled to its text (DE opened it to FR, COEST, RESTREINT UE).
  'PUT /api/v1/network/presidency': {
    levels: ['-'],
    // The root's signature is the authority, whoever carries the act.
    expect: { ...all(200), 'de.anna.old': 403 },
    async call(t, actor) {
      presidencyActs += 1;
      const act = await signPresidency(
        {
          v: 1,
          kind: 'presidency',
          network: t.network.root.network,
          org: 'DE',
          from: T0 - 86_400,
          until: T0 + 180 * 86_400,
          issuedAt: T0 + presidencyActs,
        },
        t.network.rootSigner,
      );
      return t.api.send('PUT', '/api/v1/network/presidency', { body: { act }, ...as(actor, t) });
    },
  },
  'GET /api/v1/silence/:id': {
    levels: ['-'],
    expect: {
      ...all(404),
      anonymous: 401,
      'de.anna': 200,
      'de.anna.2': 200,
      'de.registry': 200,
      'fr.claire': 200,
      'fr.dan': 200,
      'fr.registry': 200,
      'de.anna.old': 403,
    },
    call: (t, actor, _level, cables) => t.api.get(`/api/v1/silence/${cables.get('-')}`, as(actor, t)),
  },
};

/** Presidency acts signed so far: each row call signs a newer one. */
let presidencyActs = 0;

/** A fresh invitation to de.bob, written straight to the store. */
async function webInvitation(t: TestApp): Promise<{ id: string; secret: Uint8Array }> {
  const secret = randomBytes(32);
  const id = randomId();
  await t.store.createInvitation(
    {
      id,
      org: 'DE',
      user: 'de.bob',
      secretHash: sha256(secret),
      expiresAt: T0 + 600,
      createdAt: T0,
      createdBy: 'matrix',
      usedAt: undefined,
    },
    auditRecord({
      at: T0,
      type: 'invitation.created',
      actor: {},
      object: { kind: 'invitation', id },
      detail: {},
    }),
  );
  return { id, secret };
}

/** A well-formed WebAuthn response from the node's own origin that answers no issued challenge. */
function fakePasskey(type: string, parts: Record<string, string>) {
  const clientData = JSON.stringify({ type, challenge: 'bm90LWlzc3VlZA', origin: 'http://localhost:8080' });
  return {
    id: 'AAAA',
    rawId: 'AAAA',
    type: 'public-key',
    clientExtensionResults: {},
    response: { clientDataJSON: Buffer.from(clientData).toString('base64url'), ...parts },
  };
}

/** A new network-authority user of DE (a fresh id each call). */
function authorityUser(): UserCertificate {
  return {
    v: 1,
    kind: 'user',
    org: 'DE',
    user: `de.authority-${randomId()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`,
    name: 'Authority',
    clearance: 'RESTREINT UE',
    role: 'network-authority',
    groups: [],
    issuedAt: ISSUED_AT,
  };
}

function expected(cell: Cell, level: Level): Expected {
  if (typeof cell === 'number' || typeof cell === 'string') return cell;
  const value = level === '-' ? undefined : cell[level];
  if (value === undefined) throw new Error(`the matrix has no answer for ${level}`);
  return value;
}

for (const backend of await backends()) {
  describe(`authorisation matrix on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const cables = new Map<Level, string>();

    before(async () => {
      t = await startTestApp(backend);
      const anna = device(t.network, 'de.anna');
      for (const level of CABLE_LEVELS) {
        const upload = await t.api.send('PUT', `/api/v1/attachments/${DIGESTS.get(level)}`, {
          as: anna,
          body: BLOBS.get(level)!,
          contentType: 'application/octet-stream',
        });
        assert.equal(upload.status, 201, upload.text);
        const cable = await testCable(t.directory, {
          sender: anna,
          distribution: [{ org: 'FR', role: 'action' }],
          groups: ['COEST'],
          classification: level,
          ...(await nextPosition(t.api, anna)),
        });
        const body = { ...cableBody(cable), attachments: [DIGESTS.get(level)!] };
        const response = await t.api.post('/api/v1/cables', body, { as: anna });
        assert.equal(response.status, 201, response.text);
        cables.set(level, cable.header.id);
      }
      // A silence procedure opened by DE (the Presidency) to FR, keyed '-' in `cables`.
      presidencyActs += 1;
      const act = await signPresidency(
        {
          v: 1,
          kind: 'presidency',
          network: t.network.root.network,
          org: 'DE',
          from: T0 - 86_400,
          until: T0 + 180 * 86_400,
          issuedAt: T0 + presidencyActs,
        },
        t.network.rootSigner,
      );
      const named = await t.api.send('PUT', '/api/v1/network/presidency', {
        body: { act },
        as: device(t.network, 'cy.authority'),
      });
      assert.equal(named.status, 200, named.text);
      const procedure = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        groups: ['COEST'],
        silence: { act: 'open', deadline: T0 + 86_400 },
        ...(await nextPosition(t.api, anna)),
      });
      const opened = await t.api.post('/api/v1/cables', cableBody(procedure), { as: anna });
      assert.equal(opened.status, 201, opened.text);
      cables.set('-', procedure.header.id);
    });
    after(async () => {
      await t?.close();
    });

    test('every route of the app has a row in the matrix, and every row a route', () => {
      const routes = new Set(Object.keys(MATRIX).map((key) => key.split(' · ')[0]!));
      assert.deepEqual(t.app.apiRoutes().sort(), [...routes].sort());
    });

    for (const [route, row] of Object.entries(MATRIX)) {
      test(`${route}: every role, classification and relation gets the expected answer`, async () => {
        const wrong: string[] = [];
        for (const actor of ACTOR_NAMES) {
          for (const level of row.levels) {
            const want = expected(row.expect[actor], level);
            const response = await row.call(t, actor, level, cables);
            const ok =
              want === 'ok' ? response.status === 200 || response.status === 201 : response.status === want;
            if (!ok) {
              wrong.push(
                `${actor} (${ACTORS[actor]}) ${level}: expected ${want}, got ${response.status} ${response.text.slice(0, 160)}`,
              );
            }
          }
        }
        assert.deepEqual(wrong, []);
      });
    }
  });
}
