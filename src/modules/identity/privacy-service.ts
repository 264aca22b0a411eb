import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { maskBankCard, maskIdNumber, maskName, maskPhone } from '../../platform/privacy/mask.js';
import type { PiiVault } from '../../platform/privacy/vault.js';
import type { Clock } from '../../platform/time/clock.js';
import { checkBankCard } from './domain/bank-card.js';
import { checkIdNumber } from './domain/id-number.js';
import { checkPersonName } from './domain/person-name.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { RealNameAttempts } from './real-name/attempt-limits.js';
import type { FourFactorResult, RealNameVerifier } from './real-name/verifier.js';
import { PRIVACY_NOTICE } from './privacy-notice.js';
import { requirePhone } from './service.js';
import type { SignupFingerprints } from './signup-fingerprints.js';
import type { Sessions } from './tokens/sessions.js';

/** The consent a user gives, separately (PIPL Art. 29), before we take their ID number and bank card. */
export const REAL_NAME_CONSENT = { purpose: 'real_name_verification', version: '2026-11' } as const;
export const CONSENT_PURPOSES = [REAL_NAME_CONSENT.purpose] as const;

export interface RealNameInput {
  readonly name: string;
  readonly id_number: string;
  readonly bank_card: string;
  readonly bank_phone: string;
}

/** A verified payee: the name on the ID card and the bank card verified with it. */
export interface PayoutAccount {
  readonly name: string;
  readonly bankCard: string;
}

/**
 * Sensitive personal data: separate consent, real-name verification, and the data subject's rights (access,
 * copy, erasure). Everything sensitive is encrypted in the vault; answers show masks only.
 */
export class PrivacyService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly vault: PiiVault,
    private readonly verifier: RealNameVerifier,
    private readonly sessions: Sessions,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly attempts: RealNameAttempts,
    private readonly audit: AuditTrail,
    private readonly fingerprints: SignupFingerprints,
  ) {}

  async grantConsent(userId: string, purpose: string, version: string, requestId: string) {
    await this.db.transaction().execute(async (trx) => {
      await withdrawLiveConsents(trx, userId, purpose); // a new version replaces the one in force
      await trx.insertInto('user_consents').values({ id: this.ids.next(), user_id: userId, purpose, version, request_id: requestId }).execute();
    });
    return { purpose, version, granted: true };
  }

  async withdrawConsent(userId: string, purpose: string) {
    await withdrawLiveConsents(this.db, userId, purpose);
    return { purpose, granted: false };
  }

  async verifyRealName(userId: string, input: RealNameInput, requestId?: string) {
    const user = await this.db.selectFrom('user_auth').select(['real_name_status', 'status']).where('user_id', '=', userId).executeTakeFirst();
    if (!user || user.status !== 'active') throw new AppError('UNAUTHORIZED');
    if (user.real_name_status === 1) throw new AppError('REAL_NAME_ALREADY_VERIFIED');
    const consent = await this.db
      .selectFrom('user_consents')
      .select('id')
      .where('user_id', '=', userId)
      .where('purpose', '=', REAL_NAME_CONSENT.purpose)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst();
    if (!consent) throw new AppError('CONSENT_REQUIRED', { purpose: REAL_NAME_CONSENT.purpose, version: REAL_NAME_CONSENT.version });

    const name = checkPersonName(input.name);
    if (!name.ok) throw new AppError('NAME_INVALID');
    const id = checkIdNumber(input.id_number, this.clock.now());
    if (!id.ok) throw new AppError('ID_NUMBER_INVALID', { reason: id.reason });
    const card = checkBankCard(input.bank_card);
    if (!card.ok) throw new AppError('BANK_CARD_INVALID');
    const bankPhone = requirePhone(input.bank_phone);

    const idHash = this.vault.blindIndex('id_number', id.normalized);
    const cardHash = this.vault.blindIndex('bank_card', card.normalized);
    // Every attempt leaves a record, with the ID number masked and no other personal data.
    const audit = (db: Transaction<Database>, outcome: string, provider?: FourFactorResult) =>
      this.audit.record(db, {
        actor: `user:${userId}`,
        action: 'identity.real_name_attempt',
        subjectKind: 'user',
        subjectId: userId,
        details: {
          outcome,
          id_number: maskIdNumber(id.normalized),
          ...(provider ? { provider: this.verifier.name, provider_code: provider.providerCode, provider_reference: provider.reference } : {}),
        },
        requestId,
      });
    const auditAlone = (outcome: string, provider?: FourFactorResult) => this.db.transaction().execute((trx) => audit(trx, outcome, provider));

    // The paid verifier is reached a capped number of times a day, per user and per ID number.
    const taken = await this.attempts.take(userId, idHash);
    if (!taken.ok) {
      await auditAlone('ATTEMPTS_EXCEEDED');
      throw new AppError('REAL_NAME_ATTEMPTS_EXCEEDED', { retry_after: taken.retryAfterSeconds });
    }
    // The factors are verified before anything is said about who holds the ID number: only someone who proved
    // the identity learns that it is bound to another account.
    const result = await this.verifier.verify({ name: name.normalized, idNumber: id.normalized, bankCard: card.normalized, bankPhone });
    const certificate = (certType: 1 | 2, certHash: string) => ({
      id: this.ids.next(),
      user_id: userId,
      cert_type: certType,
      cert_hash: certHash,
      verified_at: result.outcome === 'MATCH' ? sql<Date>`now()` : null,
      provider: this.verifier.name,
      provider_reference: result.reference,
      outcome: result.outcome,
    });
    if (result.outcome === 'UNAVAILABLE' || result.outcome === 'UNSUPPORTED') {
      if (result.outcome === 'UNAVAILABLE') await this.attempts.giveBack(userId, idHash, taken.day);
      await auditAlone(result.outcome, result);
      throw new AppError('REAL_NAME_UNAVAILABLE');
    }
    if (result.outcome !== 'MATCH') {
      // The failed attempt is kept (hashes and the provider's reference only) for support and abuse review.
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('user_certificates').values(certificate(2, cardHash)).execute();
        await audit(trx, result.outcome, result);
      });
      throw new AppError(result.outcome === 'CARD_PROBLEM' ? 'REAL_NAME_CARD_PROBLEM' : 'REAL_NAME_MISMATCH', { provider_code: result.providerCode });
    }
    const holder = await this.db.selectFrom('user_auth').select('user_id').where('id_card_hash', '=', idHash).executeTakeFirst();
    if (holder && String(holder.user_id) !== userId) {
      await auditAlone('ID_NUMBER_IN_USE', result);
      throw new AppError('ID_NUMBER_IN_USE');
    }

    await this.db.transaction().execute(async (trx) => {
      const encrypted = {
        name_enc: this.vault.encrypt(name.normalized, 'name'),
        id_number_enc: this.vault.encrypt(id.normalized, 'id_number'),
        bank_card_enc: this.vault.encrypt(card.normalized, 'bank_card'),
        bank_card_bin: card.bin,
        bank_card_last4: card.last4,
        bank_phone_enc: this.vault.encrypt(bankPhone, 'bank_phone'),
        updated_at: sql<Date>`now()`,
      };
      await trx
        .insertInto('user_pii')
        .values({ user_id: userId, ...encrypted })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(encrypted))
        .execute();
      await trx.insertInto('user_certificates').values([certificate(1, idHash), certificate(2, cardHash)]).execute();
      // The unique index on id_card_hash settles a race between two accounts verifying one ID number.
      await trx
        .updateTable('user_auth')
        .set({ real_name_status: 1, id_card_hash: idHash, updated_at: sql<Date>`now()` })
        .where('user_id', '=', userId)
        .execute()
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505') throw new AppError('ID_NUMBER_IN_USE');
          throw error;
        });
      await audit(trx, 'MATCH', result);
      await this.outbox.publish(trx, { topic: 'user.real_name_verified', aggregateId: userId, payload: { user_id: userId } });
    });
    return {
      real_name_status: 'VERIFIED' as const,
      name: maskName(name.normalized),
      id_number: maskIdNumber(id.normalized),
      bank_card: maskBankCard(card.normalized),
      warnings: card.luhnValid ? [] : ['BANK_CARD_LUHN'],
    };
  }

  /**
   * Where a cash prize is paid: the verified real name and bank card, in clear, for the bank's payout request
   * only (never logged, never stored elsewhere). Null unless the account is active and verified.
   */
  async payoutAccountOf(userId: string, db: Kysely<Database> = this.db): Promise<PayoutAccount | null> {
    const row = await db
      .selectFrom('user_auth as u')
      .innerJoin('user_pii as p', 'p.user_id', 'u.user_id')
      .select(['u.status', 'u.real_name_status', 'p.name_enc', 'p.bank_card_enc'])
      .where('u.user_id', '=', userId)
      .executeTakeFirst();
    if (!row || row.status !== 'active' || row.real_name_status !== 1 || !row.name_enc || !row.bank_card_enc) return null;
    return { name: this.vault.decrypt(row.name_enc, 'name'), bankCard: this.vault.decrypt(row.bank_card_enc, 'bank_card') };
  }

  /**
   * The user's verified real name in clear, for checking that an invoice issued to a named person was issued to
   * this user (never logged, never stored elsewhere). Null unless the account is active and verified.
   */
  async verifiedNameOf(userId: string, db: Kysely<Database> = this.db): Promise<string | null> {
    const row = await db
      .selectFrom('user_auth as u')
      .innerJoin('user_pii as p', 'p.user_id', 'u.user_id')
      .select(['u.status', 'u.real_name_status', 'p.name_enc'])
      .where('u.user_id', '=', userId)
      .executeTakeFirst();
    if (!row || row.status !== 'active' || row.real_name_status !== 1 || !row.name_enc) return null;
    return this.vault.decrypt(row.name_enc, 'name');
  }

  /** Everything held about the user (PIPL Art. 45), personal fields masked as in every response. */
  async export(userId: string) {
    const user = await this.db.selectFrom('user_auth').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!user || user.status !== 'active') throw new AppError('UNAUTHORIZED');
    const pii = await this.db.selectFrom('user_pii').selectAll().where('user_id', '=', userId).executeTakeFirst();
    const open = (value: string | null | undefined, field: string, mask: (v: string) => string) => (value ? mask(this.vault.decrypt(value, field)) : null);
    const [roles, consents, certificates, sessions] = await Promise.all([
      this.db.selectFrom('user_roles').select(['role', 'merchant_id', 'granted_at']).where('user_id', '=', userId).execute(),
      this.db.selectFrom('user_consents').select(['purpose', 'version', 'granted_at', 'withdrawn_at']).where('user_id', '=', userId).orderBy('granted_at').execute(),
      this.db.selectFrom('user_certificates').select(['cert_type', 'verified_at', 'provider', 'outcome']).where('user_id', '=', userId).orderBy('id').execute(),
      this.db.selectFrom('auth_sessions').select(['created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
    ]);
    const antiFraudRecord = await this.fingerprints.ofUser(this.db, userId);
    return {
      exported_at: this.clock.now().toISOString(),
      privacy_notice_version: PRIVACY_NOTICE.version,
      user: {
        user_id: String(user.user_id),
        phone: open(user.phone_enc, 'phone', maskPhone),
        real_name_status: user.real_name_status === 1 ? 'VERIFIED' : 'NONE',
        created_at: user.created_at.toISOString(),
      },
      real_name: pii
        ? {
            name: open(pii.name_enc, 'name', maskName),
            id_number: open(pii.id_number_enc, 'id_number', maskIdNumber),
            bank_card: open(pii.bank_card_enc, 'bank_card', maskBankCard),
            bank_phone: open(pii.bank_phone_enc, 'bank_phone', maskPhone),
          }
        : null,
      roles: roles.map((r) => ({ role: r.role, merchant_id: r.merchant_id || null, granted_at: r.granted_at.toISOString() })),
      consents: consents.map((c) => ({ ...c, granted_at: c.granted_at.toISOString(), withdrawn_at: c.withdrawn_at?.toISOString() ?? null })),
      certificates: certificates.map((c) => ({ ...c, verified_at: c.verified_at?.toISOString() ?? null })),
      sessions: sessions.map((s) => ({ created_at: s.created_at.toISOString(), last_used_at: s.last_used_at.toISOString(), revoked_at: s.revoked_at?.toISOString() ?? null })),
      // Kept after erasure (see the privacy notice): keyed hashes of the phone and device at sign-up.
      anti_fraud_record: antiFraudRecord,
    };
  }

  /**
   * Erasure (PIPL Art. 47): personal data and its blind indexes are deleted and every session ends. The user id
   * stays as a pseudonym, so records the law or the books require (redemptions, ledger entries) still add up.
   * Other modules erase their share on the `user.erased` event (coupons revokes the unspent free ones). The
   * sign-up anti-fraud record stays, as the privacy notice says.
   */
  async erase(userId: string): Promise<{ erased: true }> {
    const revoked = await this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('user_auth').select(['phone_hash', 'status']).where('user_id', '=', userId).forUpdate().executeTakeFirst();
      if (!user || user.status !== 'active') throw new AppError('UNAUTHORIZED');
      if (user.phone_hash) {
        await trx.deleteFrom('sms_codes').where('phone_hash', '=', user.phone_hash).execute();
        await trx.deleteFrom('dev_sms_messages').where('phone_hash', '=', user.phone_hash).execute();
      }
      await trx.deleteFrom('user_pii').where('user_id', '=', userId).execute();
      await trx.deleteFrom('user_certificates').where('user_id', '=', userId).execute();
      await trx.deleteFrom('real_name_attempts').where('scope', '=', 'user').where('subject', '=', userId).execute();
      await trx
        .updateTable('user_auth')
        .set({ phone_hash: null, phone_enc: null, id_card_hash: null, status: 'erased', erased_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
        .where('user_id', '=', userId)
        .execute();
      const sessions = await this.sessions.revokeAll(trx, userId, 'account_erased');
      await this.outbox.publish(trx, { topic: 'user.erased', aggregateId: userId, payload: { user_id: userId } });
      return sessions;
    });
    await this.sessions.markRevoked(revoked);
    return { erased: true };
  }
}

async function withdrawLiveConsents(db: Kysely<Database>, userId: string, purpose: string): Promise<void> {
  await db
    .updateTable('user_consents')
    .set({ withdrawn_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('withdrawn_at', 'is', null)
    .execute();
}
