/**
 * The enrolment aggregate: invitations an officer issued and the pending enrolments their
 * redemption made. Single use is decided by the database: in the redeeming transaction, only
 * the first conditional update finds the invitation unused. `redeemIn` is exported for the
 * browser's enrolment, which writes its passkey in the same transaction.
 */
import { insertDecision } from './sql-officer-acts.ts';
import { blob, bytesOf } from './sql-values.ts';
import type {
  AuditRecord,
  ConfirmedAct,
  EnrolmentRecord,
  EnrolmentStatus,
  InvitationRecord,
  RedeemOutcome,
} from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';

export class SqlEnrolments {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  async createInvitation(
    invitation: InvitationRecord,
    audit: AuditRecord,
    confirms?: ConfirmedAct,
  ): Promise<boolean> {
    try {
      await this.#ctx.write(async (trx) => {
        // A held act is decided once: a second decision rolls the invitation back.
        if (confirms) await insertDecision(trx, confirms.decision);
        await trx
          .insertInto('invitations')
          .values({
            id: invitation.id,
            org: invitation.org,
            user_id: invitation.user,
            secret_hash: blob(invitation.secretHash),
            expires_at: invitation.expiresAt,
            created_at: invitation.createdAt,
            created_by: invitation.createdBy,
            used_at: null,
          })
          .execute();
        await this.#ctx.auditAll(trx, confirms ? [audit, confirms.audit] : [audit]);
      });
      return true;
    } catch (error) {
      if (this.#ctx.isDuplicate(error)) return false;
      throw error;
    }
  }

  invitation(id: string): Promise<InvitationRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        org: row.org,
        user: row.user_id,
        secretHash: bytesOf(row.secret_hash),
        expiresAt: Number(row.expires_at),
        createdAt: Number(row.created_at),
        createdBy: row.created_by,
        usedAt: row.used_at === null ? undefined : Number(row.used_at),
      };
    });
  }

  redeem(enrolment: EnrolmentRecord, audit: AuditRecord): Promise<RedeemOutcome> {
    return this.#ctx.write(async (trx) => {
      const outcome = await redeemIn(trx, enrolment);
      if (outcome === 'redeemed') await this.#ctx.audit(trx, audit);
      return outcome;
    });
  }

  enrolment(device: string): Promise<EnrolmentRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('enrolments')
        .selectAll()
        .where('device', '=', device)
        .executeTakeFirst();
      return row ? enrolmentOf(row) : undefined;
    });
  }

  enrolments(org: string, status?: EnrolmentStatus): Promise<EnrolmentRecord[]> {
    return this.#ctx.read(async (db) => {
      let query = db.selectFrom('enrolments').selectAll().where('org', '=', org);
      if (status !== undefined) query = query.where('status', '=', status);
      const rows = await query.orderBy('created_at').orderBy('device').execute();
      return rows.map(enrolmentOf);
    });
  }
}

/**
 * Marks the invitation used and inserts the pending enrolment, in `trx`. Writes nothing
 * unless the outcome is `redeemed`.
 */
export async function redeemIn(trx: Trx, enrolment: EnrolmentRecord): Promise<RedeemOutcome> {
  const taken = await trx
    .selectFrom('enrolments')
    .select('device')
    .where('device', '=', enrolment.device)
    .executeTakeFirst();
  if (taken) return 'device-exists';
  // Single use, decided by the database: only the first transaction finds used_at NULL.
  const used = await trx
    .updateTable('invitations')
    .set({ used_at: enrolment.createdAt })
    .where('id', '=', enrolment.invitation)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return 'used';
  await trx
    .insertInto('enrolments')
    .values({
      device: enrolment.device,
      invitation: enrolment.invitation,
      org: enrolment.org,
      user_id: enrolment.user,
      label: enrolment.label,
      signing_key: blob(enrolment.signingKey),
      kem_key: blob(enrolment.kemKey),
      binding: enrolment.binding ? blob(enrolment.binding) : null,
      created_at: enrolment.createdAt,
      status: enrolment.status,
    })
    .execute();
  return 'redeemed';
}

function enrolmentOf(row: {
  device: string;
  invitation: string;
  org: string;
  user_id: string;
  label: string;
  signing_key: Uint8Array;
  kem_key: Uint8Array;
  binding: Uint8Array | null;
  created_at: number;
  status: string;
}): EnrolmentRecord {
  return {
    device: row.device,
    invitation: row.invitation,
    org: row.org,
    user: row.user_id,
    label: row.label,
    signingKey: bytesOf(row.signing_key),
    kemKey: bytesOf(row.kem_key),
    binding: row.binding ? bytesOf(row.binding) : undefined,
    createdAt: Number(row.created_at),
    status: row.status === 'done' ? 'done' : 'pending',
  };
}
