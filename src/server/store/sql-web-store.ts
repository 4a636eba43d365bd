/**
 * The WebStore aggregate (web-store.ts) over the store's context: the tables of migration
 * `0002-passkeys-and-sessions`, for SQLite and PostgreSQL alike. The counter is raised with
 * a conditional UPDATE, so two assertions racing with one counter value cannot both pass;
 * a challenge is taken with a conditional DELETE, so it is used at most once.
 */
import { enumOf } from '../../core/encoding/decode.ts';
import { redeemIn } from './sql-enrolments.ts';
import { blob, bytesOf, optionalNumber } from './sql-values.ts';
import type { AuditRecord, EnrolmentRecord } from './store.ts';
import type { StoreContext } from './store-context.ts';
import {
  type BrowserEnrolOutcome,
  CHALLENGE_PURPOSES,
  type ChallengeRecord,
  type PasskeyRecord,
  type SessionRecord,
  type WebStore,
} from './web-store.ts';

/** Expired challenges older than this are swept when a new one is issued (seconds). */
const CHALLENGE_SWEEP_SECONDS = 3600;

const decodePurpose = enumOf(CHALLENGE_PURPOSES);

export class SqlWebStore implements WebStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  async addChallenge(c: ChallengeRecord): Promise<void> {
    await this.#ctx.write(async (trx) => {
      await trx
        .deleteFrom('webauthn_challenges')
        .where('expires_at', '<', c.expiresAt - CHALLENGE_SWEEP_SECONDS)
        .execute();
      await trx
        .insertInto('webauthn_challenges')
        .values({ challenge: c.challenge, purpose: c.purpose, subject: c.subject, expires_at: c.expiresAt })
        .execute();
    });
  }

  takeChallenge(challenge: string): Promise<ChallengeRecord | undefined> {
    return this.#ctx.write(async (trx) => {
      const row = await trx
        .selectFrom('webauthn_challenges')
        .selectAll()
        .where('challenge', '=', challenge)
        .executeTakeFirst();
      if (!row) return undefined;
      const deleted = await trx
        .deleteFrom('webauthn_challenges')
        .where('challenge', '=', challenge)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return undefined;
      return {
        challenge: row.challenge,
        purpose: decodePurpose(row.purpose, 'webauthn_challenges.purpose'),
        subject: row.subject,
        expiresAt: Number(row.expires_at),
      };
    });
  }

  async enrolBrowser(
    p: PasskeyRecord,
    enrolment: EnrolmentRecord,
    audits: readonly AuditRecord[],
  ): Promise<BrowserEnrolOutcome> {
    try {
      return await this.#ctx.write(async (trx) => {
        const taken = await trx
          .selectFrom('passkeys')
          .select('credential_id')
          .where((eb) => eb.or([eb('credential_id', '=', p.credentialId), eb('device', '=', p.device)]))
          .executeTakeFirst();
        if (taken) return 'passkey-exists';
        const outcome = await redeemIn(trx, enrolment);
        if (outcome !== 'redeemed') return outcome;
        await trx
          .insertInto('passkeys')
          .values({
            credential_id: p.credentialId,
            device: p.device,
            org: p.org,
            user_id: p.user,
            public_key: blob(p.publicKey),
            counter: p.counter,
            device_type: p.deviceType,
            backed_up: p.backedUp ? 1 : 0,
            transports: p.transports.join(','),
            created_at: p.createdAt,
          })
          .execute();
        await this.#ctx.auditAll(trx, audits);
        return 'redeemed';
      });
    } catch (error) {
      // Another app process kept this passkey between our check and insert.
      if (this.#ctx.isDuplicate(error)) return 'passkey-exists';
      throw error;
    }
  }

  passkeyOfDevice(device: string): Promise<PasskeyRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db.selectFrom('passkeys').selectAll().where('device', '=', device).executeTakeFirst();
      if (!row) return undefined;
      return {
        credentialId: row.credential_id,
        device: row.device,
        org: row.org,
        user: row.user_id,
        publicKey: bytesOf(row.public_key),
        counter: Number(row.counter),
        deviceType: row.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
        backedUp: Number(row.backed_up) === 1,
        transports: row.transports === '' ? [] : row.transports.split(','),
        createdAt: Number(row.created_at),
      };
    });
  }

  advanceCounter(credentialId: string, counter: number): Promise<boolean> {
    return this.#ctx.write(async (trx) => {
      const update = trx.updateTable('passkeys').set({ counter }).where('credential_id', '=', credentialId);
      // WebAuthn §6.1.1: an authenticator without a counter always answers 0.
      const result = await (counter === 0
        ? update.where('counter', '=', 0)
        : update.where('counter', '<', counter)
      ).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  async startSession(s: SessionRecord, audit: AuditRecord, replaces?: Uint8Array): Promise<void> {
    await this.#ctx.write(async (trx) => {
      if (replaces !== undefined) {
        await trx
          .updateTable('web_sessions')
          .set({ ended_at: s.createdAt })
          .where('id_hash', '=', blob(replaces))
          .where('ended_at', 'is', null)
          .execute();
      }
      await trx
        .insertInto('web_sessions')
        .values({
          id_hash: blob(s.idHash),
          device: s.device,
          org: s.org,
          user_id: s.user,
          credential_id: s.credentialId,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          expires_at: s.expiresAt,
          stepped_up_at: s.steppedUpAt ?? null,
          ended_at: s.endedAt ?? null,
        })
        .execute();
      await this.#ctx.audit(trx, audit);
    });
  }

  session(idHash: Uint8Array): Promise<SessionRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('web_sessions')
        .selectAll()
        .where('id_hash', '=', blob(idHash))
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        idHash: bytesOf(row.id_hash),
        device: row.device,
        org: row.org,
        user: row.user_id,
        credentialId: row.credential_id,
        createdAt: Number(row.created_at),
        lastSeenAt: Number(row.last_seen_at),
        expiresAt: Number(row.expires_at),
        steppedUpAt: optionalNumber(row.stepped_up_at),
        endedAt: optionalNumber(row.ended_at),
      };
    });
  }

  async touchSession(idHash: Uint8Array, at: number): Promise<void> {
    await this.#ctx.write((trx) =>
      trx.updateTable('web_sessions').set({ last_seen_at: at }).where('id_hash', '=', blob(idHash)).execute(),
    );
  }

  async stepUp(idHash: Uint8Array, at: number, audit: AuditRecord): Promise<void> {
    await this.#ctx.write(async (trx) => {
      await trx
        .updateTable('web_sessions')
        .set({ stepped_up_at: at, last_seen_at: at })
        .where('id_hash', '=', blob(idHash))
        .execute();
      await this.#ctx.audit(trx, audit);
    });
  }

  async endSession(idHash: Uint8Array, at: number, audit?: AuditRecord): Promise<void> {
    await this.#ctx.write(async (trx) => {
      await trx
        .updateTable('web_sessions')
        .set({ ended_at: at })
        .where('id_hash', '=', blob(idHash))
        .where('ended_at', 'is', null)
        .execute();
      if (audit !== undefined) await this.#ctx.audit(trx, audit);
    });
  }

  async endDeviceSessions(device: string, at: number): Promise<void> {
    await this.#ctx.write((trx) =>
      trx
        .updateTable('web_sessions')
        .set({ ended_at: at })
        .where('device', '=', device)
        .where('ended_at', 'is', null)
        .execute(),
    );
  }
}
