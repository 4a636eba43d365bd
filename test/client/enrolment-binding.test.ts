/**
 * A hostile operator swaps the keys of a pending enrolment (docs/design.md §5): the invitee's
 * device made its keys and enrolled with its officer's code; the operator replaces the public
 * keys in the database with their own. The officer's approval must be refused before
 * anything is signed, on SQLite and PostgreSQL, whatever comparison code the officer types.
 * The same checks catch an enrolment made with an intercepted code (the comparison code) and
 * an approval without the binding key (another device, unless it has the code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approve, listPending, pendingComparisonCode } from '../../src/client/approve.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { enrol } from '../../src/client/enrol.ts';
import { type InvitationBook, invitationBook } from '../../src/client/invitation-book.ts';
import { invite } from '../../src/client/invite.ts';
import { makeDeviceKeys } from '../../src/client/make-device-keys.ts';
import { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import type { DeviceSession } from '../../src/client/open-session.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { comparisonCode } from '../../src/core/identity/enrolment-binding.ts';
import { type Backend, backends, rawStatement, type TestDatabase } from '../server/fixtures/backends.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { APP_ORIGIN, appFetch } from './app-fetch.ts';
import { appSession, deviceStore } from './app-session.ts';
import { confirmWaiting } from './second-officer.ts';

const isCode = (code: string) => (error: unknown) => {
  assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

/** An invitation book in memory, as an officer's device keeps one. */
export function memoryBook(): InvitationBook {
  let data: Uint8Array | undefined;
  return invitationBook(
    {
      read: async () => data,
      write: async (d) => {
        data = d;
      },
    },
    () => T0,
  );
}

function byteLiteral(database: TestDatabase, bytes: Uint8Array): string {
  return database.backend === 'sqlite' ? `X'${toHex(bytes)}'` : `'\\x${toHex(bytes)}'::bytea`;
}

for (const backend of (await backends()) as Backend[]) {
  describe(`an officer's approval binds the invitee's keys, on ${backend.name}`, {
    skip: backend.skip,
  }, () => {
    let t: TestApp;
    const book = memoryBook();
    /**
     * The officer's session as it opens now, with the directory as it stands. One profile for
     * every opening, as a real device keeps: its request numbers go on rising (a second
     * profile of the same key would be a clone to the watch).
     */
    let officerStore: MemoryKeyStore | undefined;
    const officerNow = async (): Promise<DeviceSession> => {
      officerStore ??= await deviceStore(t.network, device(t.network, 'de.officer'));
      return appSession(officerStore, appFetch(t.app));
    };

    /** DE's second officer, who confirms the first one's command-line acts. */
    let secondStore: MemoryKeyStore | undefined;
    const secondNow = async (): Promise<DeviceSession> => {
      secondStore ??= await deviceStore(t.network, device(t.network, 'de.officer.2'));
      return appSession(secondStore, appFetch(t.app));
    };

    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    /** The officer invites a new person; their device enrols with the code. */
    async function invitedAndEnrolled(user: string) {
      const invitation = await invite({
        session: await officerNow(),
        orgKey: t.network.orgs.DE!.signer,
        invitations: book,
        invitee: {
          user,
          name: `Person ${user}`,
          clearance: 'RESTREINT UE',
          role: 'member',
          groups: ['COEST'],
        },
      });
      assert.deepEqual(
        invitation.held.map((h) => h.act),
        ['user', 'invitation'],
        'from the command line, both wait for a second officer',
      );
      assert.equal(await confirmWaiting(await secondNow()), 2);
      const enrolment = await enrol({
        store: new MemoryKeyStore(user),
        fetch: appFetch(t.app),
        clock: fixedClock(T0),
        server: APP_ORIGIN,
        code: invitation.code,
        label: 'laptop',
        root: t.network.root.key,
      });
      return { invitation, enrolment };
    }

    const approveAs = (session: DeviceSession, device: string, more: Record<string, unknown>) =>
      approve({ session, orgKey: t.network.orgs.DE!.signer, device, invitations: book, ...more });

    /** An approval that passed the officer's checks is held; the second officer confirms it. */
    const confirmedApproval = async (approval: Promise<unknown>) => {
      await assert.rejects(approval, isCode('ACT_HELD'));
      assert.equal(await confirmWaiting(await secondNow()), 1);
    };

    test('keys swapped in the store are refused, whatever code the officer types, and nothing is certified', async () => {
      const { enrolment } = await invitedAndEnrolled('de.swap');
      const operator = await makeDeviceKeys('laptop');
      const swapped = await rawStatement(
        t.database,
        `UPDATE enrolments SET signing_key = ${byteLiteral(t.database, operator.signer.publicKey)}, kem_key = ${byteLiteral(t.database, operator.kemPublicKey)} WHERE device = '${enrolment.device}'`,
      );
      assert.equal(swapped, undefined);
      const pending = (await listPending(await officerNow())).find((p) => p.device === enrolment.device)!;
      assert.equal(
        pendingComparisonCode(pending),
        comparisonCode(operator.signer.publicKey, operator.kemPublicKey),
      );

      // The code the invitee reads out, and the one on the officer's own screen (a careless officer).
      for (const code of [enrolment.comparisonCode, pendingComparisonCode(pending)]) {
        await assert.rejects(
          approveAs(await officerNow(), enrolment.device, { comparisonCode: code }),
          isCode('ENROLMENT_TAMPERED'),
        );
      }
      const session = await officerNow();
      assert.equal(
        session.directory.device(enrolment.device),
        undefined,
        'the swapped keys are not certified',
      );
      assert.ok(
        (await listPending(await officerNow())).some((p) => p.device === enrolment.device),
        'still pending',
      );
    });

    test('an untouched enrolment is approved with the code the invitee reads out', async () => {
      const { enrolment } = await invitedAndEnrolled('de.fine');
      await assert.rejects(
        approveAs(await officerNow(), enrolment.device, {}),
        isCode('COMPARISON_REQUIRED'),
      );
      await assert.rejects(
        approveAs(await officerNow(), enrolment.device, { comparisonCode: 'AAAA-AAAA-AAAA-AAAA' }),
        isCode('COMPARISON_MISMATCH'),
      );
      await confirmedApproval(
        approveAs(await officerNow(), enrolment.device, {
          comparisonCode: enrolment.comparisonCode.toLowerCase().replaceAll('-', ' '),
        }),
      );
      const session = await officerNow();
      assert.equal(session.directory.device(enrolment.device)?.user.user, 'de.fine', 'certified');
    });

    test("a device without the invitation's binding key needs the code handed over", async () => {
      const { invitation, enrolment } = await invitedAndEnrolled('de.other');
      const empty = memoryBook();
      const elsewhere = { comparisonCode: enrolment.comparisonCode };
      await assert.rejects(
        approve({
          session: await officerNow(),
          orgKey: t.network.orgs.DE!.signer,
          device: enrolment.device,
          invitations: empty,
          ...elsewhere,
        }),
        isCode('ENROLMENT_UNBOUND'),
      );
      const other = await invitedAndEnrolled('de.third');
      await assert.rejects(
        approve({
          session: await officerNow(),
          orgKey: t.network.orgs.DE!.signer,
          device: enrolment.device,
          invitations: empty,
          invitationCode: other.invitation.code,
          ...elsewhere,
        }),
        isCode('ENROLMENT_TAMPERED'),
      );
      await confirmedApproval(
        approve({
          session: await officerNow(),
          orgKey: t.network.orgs.DE!.signer,
          device: enrolment.device,
          invitations: empty,
          invitationCode: invitation.code,
          ...elsewhere,
        }),
      );
      assert.ok((await officerNow()).directory.device(enrolment.device), 'certified');
    });
  });
}
