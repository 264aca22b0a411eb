import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface UserRow {
  readonly userId: string;
  readonly phoneEnc: string | null;
  readonly realNameStatus: number;
  readonly status: 'active' | 'erased';
  readonly createdAt: Date;
}

export interface RefreshUse {
  readonly sessionId: string;
  readonly userId: string;
  readonly reused: boolean;
  readonly revoked: boolean;
}

export interface RoleGrant {
  readonly role: string;
  readonly merchantId: string;
}

/** The only code with SQL for the identity tables. Values arrive here already encrypted or hashed. */
export class IdentityRepo {
  // ---- users ----

  async insertUserIfAbsent(db: Db, userId: string, phoneHash: string, phoneEnc: string): Promise<{ userId: string; created: boolean }> {
    const inserted = await db
      .insertInto('user_auth')
      .values({ user_id: userId, phone_hash: phoneHash, phone_enc: phoneEnc, updated_at: sql<Date>`now()` })
      .onConflict((oc) => oc.column('phone_hash').doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (inserted) return { userId: String(inserted.user_id), created: true };
    const row = await db.selectFrom('user_auth').select('user_id').where('phone_hash', '=', phoneHash).executeTakeFirstOrThrow();
    return { userId: String(row.user_id), created: false };
  }

  async findUser(db: Db, userId: string): Promise<UserRow | undefined> {
    const row = await db
      .selectFrom('user_auth')
      .select(['user_id', 'phone_enc', 'real_name_status', 'status', 'created_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && { userId: String(row.user_id), phoneEnc: row.phone_enc, realNameStatus: row.real_name_status, status: row.status, createdAt: row.created_at };
  }

  async rolesOf(db: Db, userId: string): Promise<RoleGrant[]> {
    const rows = await db.selectFrom('user_roles').select(['role', 'merchant_id']).where('user_id', '=', userId).execute();
    return rows.map((r) => ({ role: r.role, merchantId: r.merchant_id }));
  }

  async grantRole(db: Db, userId: string, role: string, merchantId: string, grantedBy: string): Promise<boolean> {
    const result = await db
      .insertInto('user_roles')
      .values({ user_id: userId, role, merchant_id: merchantId, granted_by: grantedBy })
      .onConflict((oc) => oc.columns(['user_id', 'role', 'merchant_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  // ---- one-time codes ----

  async supersedeLiveCodes(db: Db, phoneHash: string, purpose: string): Promise<void> {
    await db
      .updateTable('sms_codes')
      .set({ superseded_at: sql<Date>`now()` })
      .where('phone_hash', '=', phoneHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null)
      .execute();
  }

  async insertCode(db: Db, code: { id: string; phoneHash: string; purpose: string; codeHmac: string; ttlSeconds: number }): Promise<void> {
    await db
      .insertInto('sms_codes')
      .values({
        id: code.id,
        phone_hash: code.phoneHash,
        purpose: code.purpose,
        code_hmac: code.codeHmac,
        expires_at: sql<Date>`now() + make_interval(secs => ${code.ttlSeconds})`,
      })
      .execute();
  }

  async latestLiveCode(db: Db, phoneHash: string, purpose: string) {
    return db
      .selectFrom('sms_codes')
      .select(['id', 'code_hmac', 'attempts', sql<boolean>`expires_at < now()`.as('expired')])
      .where('phone_hash', '=', phoneHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Counts a wrong try; returns the attempts so far (guarded so concurrent tries can't exceed the cap unseen). */
  async recordWrongAttempt(db: Db, codeId: string): Promise<number> {
    const row = await db
      .updateTable('sms_codes')
      .set({ attempts: sql<number>`attempts + 1` })
      .where('id', '=', codeId)
      .returning('attempts')
      .executeTakeFirst();
    return row?.attempts ?? Number.POSITIVE_INFINITY;
  }

  /** Single use: only one caller can consume a code, and never past its tries or its expiry. */
  async consumeCode(db: Db, codeId: string, maxAttempts: number): Promise<boolean> {
    const result = await db
      .updateTable('sms_codes')
      .set({ consumed_at: sql<Date>`now()` })
      .where('id', '=', codeId)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null)
      .where('attempts', '<', maxAttempts)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async devMessages(db: Db, phoneHash: string, limit: number) {
    return db
      .selectFrom('dev_sms_messages')
      .select(['phone_enc', 'text', 'otp', 'sent_at'])
      .where('phone_hash', '=', phoneHash)
      .orderBy('sent_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  // ---- sessions and refresh tokens ----

  async insertSession(db: Db, sessionId: string, userId: string): Promise<void> {
    await db.insertInto('auth_sessions').values({ session_id: sessionId, user_id: userId, last_used_at: sql<Date>`now()` }).execute();
  }

  async insertRefreshToken(db: Db, tokenHash: string, sessionId: string, userId: string, ttlSeconds: number): Promise<void> {
    await db
      .insertInto('refresh_tokens')
      .values({
        token_hash: tokenHash,
        session_id: sessionId,
        user_id: userId,
        expires_at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
      })
      .execute();
  }

  /**
   * Marks a refresh token used, exactly once. `reused` means it had been used before (or by a concurrent call):
   * the signal of a stolen token. Undefined when the token is unknown or expired.
   */
  async useRefreshToken(db: Db, tokenHash: string): Promise<RefreshUse | undefined> {
    const row = await db
      .selectFrom('refresh_tokens as r')
      .innerJoin('auth_sessions as s', 's.session_id', 'r.session_id')
      .select(['r.session_id', 'r.user_id', 'r.used_at', 's.revoked_at', sql<boolean>`r.expires_at < now()`.as('expired')])
      .where('r.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const found = { sessionId: String(row.session_id), userId: String(row.user_id), revoked: row.revoked_at !== null };
    if (row.used_at !== null) return { ...found, reused: true };
    if (row.expired) return undefined;
    const used = await db
      .updateTable('refresh_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return { ...found, reused: Number(used.numUpdatedRows) === 0 };
  }

  async touchSession(db: Db, sessionId: string): Promise<void> {
    await db.updateTable('auth_sessions').set({ last_used_at: sql<Date>`now()` }).where('session_id', '=', sessionId).execute();
  }

  async revokeSession(db: Db, sessionId: string, reason: string): Promise<void> {
    await db
      .updateTable('auth_sessions')
      .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
      .where('session_id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Revokes every live session of a user; returns their ids so the token cache can be told. */
  async revokeUserSessions(db: Db, userId: string, reason: string): Promise<string[]> {
    const rows = await db
      .updateTable('auth_sessions')
      .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('session_id')
      .execute();
    return rows.map((r) => String(r.session_id));
  }

  /** Sessions revoked in the last `seconds`: those whose access tokens may still be presented. */
  async sessionsRevokedWithin(db: Db, seconds: number): Promise<string[]> {
    const rows = await db
      .selectFrom('auth_sessions')
      .select('session_id')
      .where('revoked_at', '>', sql<Date>`now() - make_interval(secs => ${seconds})`)
      .execute();
    return rows.map((r) => String(r.session_id));
  }

  async isSessionRevoked(db: Db, sessionId: string): Promise<boolean> {
    const row = await db.selectFrom('auth_sessions').select('revoked_at').where('session_id', '=', sessionId).executeTakeFirst();
    return !row || row.revoked_at !== null;
  }
}
