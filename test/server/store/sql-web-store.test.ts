/**
 * The web store contract suite (passkeys, challenges, sessions: `store.web`), the same tests
 * on every backend (SQLite file, PostgreSQL). The web store is an aggregate of the server's
 * store on its one handle, so an act and its audit leaf commit or roll back together: the
 * rollback is shown by making the database itself refuse the audit insert mid-transaction.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes } from '../../../src/core/encoding/bytes.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import type { SqlStore } from '../../../src/server/store/sql-store.ts';
import type { EnrolmentRecord, InvitationRecord } from '../../../src/server/store/store.ts';
import type { PasskeyRecord, SessionRecord } from '../../../src/server/store/web-store.ts';
import {
  type BackendName,
  backends,
  rawRows,
  rawStatement,
  type TestDatabase,
} from '../fixtures/backends.ts';
import { randomId, T0 } from '../fixtures/network.ts';

function sessionAudit(type: 'session.started' | 'session.stepped-up' | 'session.ended', device: string) {
  return auditRecord({
    at: T0,
    type,
    actor: { org: 'DE', user: 'de.anna', device },
    object: { kind: 'device', id: device },
    detail: {},
  });
}

function newSession(device: string, fields: Partial<SessionRecord> = {}): SessionRecord {
  return {
    idHash: sha256(randomBytes(32)),
    device,
    org: 'DE',
    user: 'de.anna',
    credentialId: randomId(),
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: T0 + 12 * 3600,
    steppedUpAt: T0,
    endedAt: undefined,
    ...fields,
  };
}

function passkey(device: string, fields: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    credentialId: randomId(),
    device,
    org: 'DE',
    user: 'de.anna',
    publicKey: randomBytes(77),
    counter: 5,
    deviceType: 'singleDevice',
    backedUp: false,
    transports: ['usb', 'nfc'],
    createdAt: T0,
    ...fields,
  };
}

/** An unused invitation in the store, and the pending enrolment a device would make of it. */
async function invitationFor(store: SqlStore, device: string): Promise<EnrolmentRecord> {
  const invitation: InvitationRecord = {
    id: randomId(),
    org: 'DE',
    user: 'de.anna',
    secretHash: randomBytes(32),
    expiresAt: T0 + 3600,
    createdAt: T0,
    createdBy: 'de.officer',
    usedAt: undefined,
  };
  assert.equal(
    await store.createInvitation(invitation, {
      ...auditRecord({
        at: T0,
        type: 'passkey.registered',
        actor: {},
        object: { kind: 'invitation', id: invitation.id },
        detail: {},
      }),
    }),
    true,
  );
  return {
    device,
    invitation: invitation.id,
    org: 'DE',
    user: 'de.anna',
    label: 'laptop',
    signingKey: randomBytes(32),
    kemKey: randomBytes(1216),
    binding: randomBytes(32),
    createdAt: T0,
    status: 'pending',
  };
}

/** Makes the database refuse every audit insert (a real failure inside the transaction). */
async function refuseAudit(database: TestDatabase): Promise<void> {
  const statement: { readonly [B in BackendName]: string } = {
    sqlite: `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
             BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END;`,
    postgres: `CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
               CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
                 FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();`,
  };
  assert.equal(await rawStatement(database, statement[database.backend]), undefined);
}

async function allowAudit(database: TestDatabase): Promise<void> {
  const statement: { readonly [B in BackendName]: string } = {
    sqlite: 'DROP TRIGGER test_refuse_audit;',
    postgres: 'DROP TRIGGER test_refuse_audit ON audit_events; DROP FUNCTION test_refuse_audit();',
  };
  assert.equal(await rawStatement(database, statement[database.backend]), undefined);
}

for (const backend of await backends()) {
  describe(`SqlWebStore on ${backend.name}`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let store: SqlStore;

    before(async () => {
      database = await backend.create();
      store = await database.open();
    });
    after(async () => {
      await store?.close();
      await database?.destroy();
    });

    test('a challenge is taken once; a second take and an unknown one find nothing', async () => {
      const challenge = randomId();
      await store.web.addChallenge({ challenge, purpose: 'sign-in', subject: 'dev-1', expiresAt: T0 + 300 });
      assert.deepEqual(await store.web.takeChallenge(challenge), {
        challenge,
        purpose: 'sign-in',
        subject: 'dev-1',
        expiresAt: T0 + 300,
      });
      assert.equal(await store.web.takeChallenge(challenge), undefined);
      assert.equal(await store.web.takeChallenge(randomId()), undefined);
    });

    test('a browser enrolment keeps the passkey, the pending enrolment and both leaves together', async () => {
      const device = randomId();
      const enrolment = await invitationFor(store, device);
      const key = passkey(device);
      const before = await store.counts();
      const outcome = await store.web.enrolBrowser(key, enrolment, [
        sessionAudit('session.started', device),
        sessionAudit('session.stepped-up', device),
      ]);
      assert.equal(outcome, 'redeemed');
      const after = await store.counts();
      assert.equal(after.passkeys, before.passkeys + 1);
      assert.equal(after.enrolments, before.enrolments + 1);
      assert.equal(after.audit_events, before.audit_events + 2);
      assert.deepEqual(await store.web.passkeyOfDevice(device), key);
      assert.equal((await store.enrolment(device))?.status, 'pending');
    });

    test('a browser enrolment refused for any reason writes nothing', async () => {
      const device = randomId();
      const enrolment = await invitationFor(store, device);
      const key = passkey(device);
      assert.equal(
        await store.web.enrolBrowser(key, enrolment, [sessionAudit('session.started', device)]),
        'redeemed',
      );
      const other = await invitationFor(store, randomId());
      const before = await store.counts();
      // The same credential for another device, on a fresh invitation.
      assert.equal(
        await store.web.enrolBrowser({ ...key, device: other.device }, other, [
          sessionAudit('session.started', device),
        ]),
        'passkey-exists',
      );
      // A fresh passkey for a device that is already enrolling.
      assert.equal(
        await store.web.enrolBrowser(passkey(device), { ...other, device }, [
          sessionAudit('session.started', device),
        ]),
        'passkey-exists',
      );
      // A used invitation with a fresh passkey and device.
      const again = { ...enrolment, device: randomId() };
      assert.equal(
        await store.web.enrolBrowser(passkey(again.device), again, [sessionAudit('session.started', device)]),
        'used',
      );
      assert.deepEqual(await store.counts(), before);
      assert.equal((await store.invitation(other.invitation))?.usedAt, undefined);
      assert.equal(await store.web.passkeyOfDevice(again.device), undefined);
    });

    test('the signature counter only grows; a counterless authenticator stays at 0', async () => {
      const device = randomId();
      const key = passkey(device, { counter: 5 });
      assert.equal(await store.web.enrolBrowser(key, await invitationFor(store, device), []), 'redeemed');
      assert.equal(await store.web.advanceCounter(key.credentialId, 5), false);
      assert.equal(await store.web.advanceCounter(key.credentialId, 4), false);
      assert.equal(await store.web.advanceCounter(key.credentialId, 6), true);
      assert.equal((await store.web.passkeyOfDevice(device))?.counter, 6);
      const zero = passkey(randomId(), { counter: 0 });
      assert.equal(
        await store.web.enrolBrowser(zero, await invitationFor(store, zero.device), []),
        'redeemed',
      );
      assert.equal(await store.web.advanceCounter(zero.credentialId, 0), true);
      assert.equal(await store.web.advanceCounter(randomId(), 9), false);
    });

    test('a session starts, ends the one it replaces, steps up, is touched and ends with its leaves', async () => {
      const device = randomId();
      const first = newSession(device);
      await store.web.startSession(first, sessionAudit('session.started', device));
      const second = newSession(device, { createdAt: T0 + 10, lastSeenAt: T0 + 10 });
      await store.web.startSession(second, sessionAudit('session.started', device), first.idHash);
      assert.equal((await store.web.session(first.idHash))?.endedAt, T0 + 10);
      assert.deepEqual(await store.web.session(second.idHash), second);
      await store.web.touchSession(second.idHash, T0 + 40);
      await store.web.stepUp(second.idHash, T0 + 50, sessionAudit('session.stepped-up', device));
      const stepped = await store.web.session(second.idHash);
      assert.equal(stepped?.steppedUpAt, T0 + 50);
      assert.equal(stepped?.lastSeenAt, T0 + 50);
      const leaves = (await store.counts()).audit_events;
      await store.web.endSession(second.idHash, T0 + 60, sessionAudit('session.ended', device));
      await store.web.endSession(second.idHash, T0 + 70);
      assert.equal((await store.web.session(second.idHash))?.endedAt, T0 + 60);
      assert.equal((await store.counts()).audit_events, leaves + 1);
    });

    test("a device's live sessions all end at once", async () => {
      const device = randomId();
      const sessions = [newSession(device), newSession(device), newSession(randomId())];
      for (const s of sessions) await store.web.startSession(s, sessionAudit('session.started', s.device));
      await store.web.endDeviceSessions(device, T0 + 5);
      assert.equal((await store.web.session(sessions[0]!.idHash))?.endedAt, T0 + 5);
      assert.equal((await store.web.session(sessions[1]!.idHash))?.endedAt, T0 + 5);
      assert.equal((await store.web.session(sessions[2]!.idHash))?.endedAt, undefined);
    });

    test('a sign-in whose audit leaf fails leaves no session, and the session it replaced stays live', async () => {
      const device = randomId();
      const previous = newSession(device);
      await store.web.startSession(previous, sessionAudit('session.started', device));
      const before = await store.counts();
      const session = newSession(device, { createdAt: T0 + 1 });
      await refuseAudit(database);
      try {
        await assert.rejects(
          store.web.startSession(session, sessionAudit('session.started', device), previous.idHash),
          { name: 'StoreError', code: 'UNAVAILABLE' },
        );
      } finally {
        await allowAudit(database);
      }
      assert.equal(await store.web.session(session.idHash), undefined);
      assert.equal((await store.web.session(previous.idHash))?.endedAt, undefined);
      assert.deepEqual(await store.counts(), before);

      // The same sign-in once the log takes it: the session and its leaf are both there.
      await store.web.startSession(session, sessionAudit('session.started', device), previous.idHash);
      assert.deepEqual(await store.web.session(session.idHash), session);
      const after = await store.counts();
      assert.equal(after.web_sessions, before.web_sessions + 1);
      assert.equal(after.audit_events, before.audit_events + 1);
      const [last] = await rawRows(
        database,
        'SELECT type, leaf_index FROM audit_events ORDER BY seq DESC LIMIT 1',
      );
      assert.equal(last?.type, 'session.started');
      assert.equal(Number(last?.leaf_index), after.audit_events - 1);
      assert.equal(await store.log.size(), after.audit_events);
    });

    test('a step-up or a sign-out whose audit leaf fails changes no session', async () => {
      const device = randomId();
      const session = newSession(device, { steppedUpAt: T0 });
      await store.web.startSession(session, sessionAudit('session.started', device));
      await refuseAudit(database);
      try {
        await assert.rejects(
          store.web.stepUp(session.idHash, T0 + 30, sessionAudit('session.stepped-up', device)),
          {
            code: 'UNAVAILABLE',
          },
        );
        await assert.rejects(
          store.web.endSession(session.idHash, T0 + 30, sessionAudit('session.ended', device)),
          {
            code: 'UNAVAILABLE',
          },
        );
      } finally {
        await allowAudit(database);
      }
      assert.deepEqual(await store.web.session(session.idHash), session);
    });
  });
}
