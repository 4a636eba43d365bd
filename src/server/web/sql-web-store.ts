/**
 * The WebStore over the server's database (the tables of migration
 * `0002-passkeys-and-sessions`), for SQLite and PostgreSQL alike. The counter is raised with
 * a conditional UPDATE, so two assertions racing with one counter value cannot both pass.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type {
  ChallengePurpose,
  ChallengeRecord,
  PasskeyRecord,
  SessionRecord,
  WebStore,
} from './web-store.ts';

function bytesOf(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** better-sqlite3 binds Buffers only; pg accepts them too. */
function blob(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function optionalNumber(value: number | null): number | undefined {
  return value === null ? undefined : Number(value);
}

export class SqlWebStore implements WebStore {
  readonly #db: Kysely<Database>;
  readonly #onClose: () => Promise<void>;

  constructor(db: Kysely<Database>, onClose: () => Promise<void> = () => db.destroy()) {
    this.#db = db;
    this.#onClose = onClose;
  }

  async addChallenge(c: ChallengeRecord): Promise<void> {
    await this.#db
      .deleteFrom('webauthn_challenges')
      .where('expires_at', '<', c.expiresAt - 3600)
      .execute();
    await this.#db
      .insertInto('webauthn_challenges')
      .values({ challenge: c.challenge, purpose: c.purpose, subject: c.subject, expires_at: c.expiresAt })
      .execute();
  }

  async takeChallenge(challenge: string): Promise<ChallengeRecord | undefined> {
    return this.#db.transaction().execute(async (trx) => {
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
        purpose: row.purpose as ChallengePurpose,
        subject: row.subject,
        expiresAt: Number(row.expires_at),
      };
    });
  }

  async addPasskey(p: PasskeyRecord): Promise<boolean> {
    const result = await this.#db
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
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async removePasskey(credentialId: string): Promise<void> {
    await this.#db.deleteFrom('passkeys').where('credential_id', '=', credentialId).execute();
  }

  async passkeyOfDevice(device: string): Promise<PasskeyRecord | undefined> {
    const row = await this.#db
      .selectFrom('passkeys')
      .selectAll()
      .where('device', '=', device)
      .executeTakeFirst();
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
  }

  async advanceCounter(credentialId: string, counter: number): Promise<boolean> {
    // WebAuthn §6.1.1: an authenticator without a counter always answers 0.
    const update = this.#db
      .updateTable('passkeys')
      .set({ counter })
      .where('credential_id', '=', credentialId);
    const result = await (counter === 0
      ? update.where('counter', '=', 0)
      : update.where('counter', '<', counter)
    ).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async addSession(s: SessionRecord): Promise<void> {
    await this.#db
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
  }

  async session(idHash: Uint8Array): Promise<SessionRecord | undefined> {
    const row = await this.#db
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
  }

  async touchSession(idHash: Uint8Array, at: number): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ last_seen_at: at })
      .where('id_hash', '=', blob(idHash))
      .execute();
  }

  async stepUp(idHash: Uint8Array, at: number): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ stepped_up_at: at, last_seen_at: at })
      .where('id_hash', '=', blob(idHash))
      .execute();
  }

  async endSession(idHash: Uint8Array, at: number): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ ended_at: at })
      .where('id_hash', '=', blob(idHash))
      .where('ended_at', 'is', null)
      .execute();
  }

  async endDeviceSessions(device: string, at: number): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ ended_at: at })
      .where('device', '=', device)
      .where('ended_at', 'is', null)
      .execute();
  }

  close(): Promise<void> {
    return this.#onClose();
  }
}
