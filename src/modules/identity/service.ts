import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { ROLES } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { maskPhone } from '../../platform/privacy/mask.js';
import type { PiiVault } from '../../platform/privacy/vault.js';
import { normalizeMainlandMobile } from './domain/phone.js';
import type { IdentityRepo } from './repo.js';
import type { SignupFingerprints } from './signup-fingerprints.js';
import type { CodePurpose, OneTimeCodes } from './sms/one-time-codes.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { Sessions, TokenResponse } from './tokens/sessions.js';

/** What a sign-up is judged by (marketing activities, referral). */
export interface SignUpContext {
  readonly ip?: string;
  readonly deviceId?: string;
  readonly inviteCode?: string;
  readonly requestId?: string;
}

export interface LoginResult extends TokenResponse {
  readonly user_id: string;
}

/** Identity use cases other modules and the routes call. Personal data enters and leaves here only masked. */
export class IdentityService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: IdentityRepo,
    private readonly vault: PiiVault,
    private readonly codes: OneTimeCodes,
    readonly sessions: Sessions,
    private readonly ids: IdGenerator,
    private readonly outbox: Outbox,
    private readonly fingerprints: SignupFingerprints,
  ) {}

  async sendCode(phoneInput: string, purpose: CodePurpose, ip: string) {
    return this.codes.send(requirePhone(phoneInput), purpose, ip);
  }

  /** SMS login; the first login with a phone creates the user. */
  /**
   * Logs in with an SMS code, signing up a new phone. A sign-up announces `user.registered` in the same
   * transaction, with what marketing activities judge it by (IP, device, the invite code it came with).
   */
  async loginWithSms(phoneInput: string, code: string, context: SignUpContext = {}): Promise<LoginResult> {
    const phone = requirePhone(phoneInput);
    await this.codes.consume(phone, 'login', code);
    return this.db.transaction().execute(async (trx) => {
      const { userId, created } = await this.repo.insertUserIfAbsent(trx, this.ids.next(), this.vault.blindIndex('phone', phone), this.vault.encrypt(phone, 'phone'));
      if (created) {
        await this.fingerprints.record(trx, userId, phone, context.deviceId);
        await this.outbox.publish(trx, {
          topic: 'user.registered',
          aggregateId: userId,
          payload: { user_id: userId, ip: context.ip ?? null, device_id: context.deviceId ?? null, invite_code: context.inviteCode ?? null, registered_at: new Date().toISOString() },
          requestId: context.requestId,
        });
      }
      const tokens = await this.sessions.open(trx, userId);
      return { ...tokens, user_id: userId };
    });
  }

  /**
   * Other accounts of the same person (same phone or same device at sign-up, erased accounts included): a reward
   * meant once per person is not given if one of them already had it.
   */
  async otherAccountsOfSamePerson(userId: string, db: Kysely<Database> = this.db): Promise<string[]> {
    return this.fingerprints.otherAccountsOfSamePerson(db, userId);
  }

  /** Finds or creates the user holding a phone number (also used by `quanyi users grant-role`). */
  async ensureUser(db: Kysely<Database>, phone: string): Promise<string> {
    return (await this.repo.insertUserIfAbsent(db, this.ids.next(), this.vault.blindIndex('phone', phone), this.vault.encrypt(phone, 'phone'))).userId;
  }

  /** `quanyi users grant-role`: works with no server running; creates the user if the phone is new. */
  async grantRole(phoneInput: string, role: string, merchantId: string | undefined, grantedBy: string) {
    if (!(ROLES as readonly string[]).includes(role) || role === 'consumer') {
      throw new Error(`role must be one of ${ROLES.filter((r) => r !== 'consumer').join(', ')}`);
    }
    if ((role === 'merchant_staff') !== Boolean(merchantId)) {
      throw new Error(role === 'merchant_staff' ? 'merchant_staff needs --merchant-id' : `${role} is not bound to a merchant`);
    }
    const phone = requirePhone(phoneInput);
    return this.db.transaction().execute(async (trx) => {
      const userId = await this.ensureUser(trx, phone);
      const added = await this.repo.grantRole(trx, userId, role, merchantId ?? '', grantedBy);
      return { userId, phone: maskPhone(phone), role, added };
    });
  }

  /** The blind index of a user's phone (risk control matches it against blacklists; the phone stays hidden). */
  async phoneHashOf(userId: string, db: Kysely<Database> = this.db): Promise<string | undefined> {
    const row = await db.selectFrom('user_auth').select('phone_hash').where('user_id', '=', userId).executeTakeFirst();
    return row?.phone_hash ?? undefined;
  }

  /** The blind index of a phone number as typed (normalised the way accounts store it), or undefined if invalid. */
  phoneHash(phoneInput: string): string | undefined {
    const phone = normalizeMainlandMobile(phoneInput);
    return phone ? this.vault.blindIndex('phone', phone) : undefined;
  }

  /** Whether the user passed real-name verification (other modules ask this, never the identity tables). */
  async isRealNameVerified(userId: string, db: Kysely<Database> = this.db): Promise<boolean> {
    const user = await this.repo.findUser(db, userId);
    return user?.realNameStatus === 1;
  }

  /**
   * Whom a message to the user reaches: null once the account is erased (or never existed) — nothing is sent to
   * it then — else their phone in clear (null for accounts without one), for an SMS the platform must send them.
   * Pass the caller's transaction where there is one. Never log the phone.
   */
  async contactOf(userId: string, db: Kysely<Database> = this.db): Promise<{ readonly phone: string | null } | null> {
    const user = await this.repo.findUser(db, userId);
    if (!user || user.status !== 'active') return null;
    return { phone: user.phoneEnc ? this.vault.decrypt(user.phoneEnc, 'phone') : null };
  }

  async profile(userId: string) {
    const user = await this.repo.findUser(this.db, userId);
    if (!user || user.status !== 'active') throw new AppError('UNAUTHORIZED');
    const grants = await this.repo.rolesOf(this.db, userId);
    return {
      user_id: user.userId,
      phone: user.phoneEnc ? maskPhone(this.vault.decrypt(user.phoneEnc, 'phone')) : null,
      real_name_status: user.realNameStatus === 1 ? 'VERIFIED' : 'NONE',
      roles: ['consumer', ...grants.map((g) => g.role).filter((r) => r !== 'consumer')],
      merchant_ids: grants.filter((g) => g.merchantId).map((g) => g.merchantId),
      created_at: user.createdAt.toISOString(),
    };
  }

  /** The dev SMS outbox for a phone, newest first (only served while the dev provider is active). */
  async devMessages(phoneInput: string) {
    const phone = requirePhone(phoneInput);
    const rows = await this.repo.devMessages(this.db, this.vault.blindIndex('phone', phone), 20);
    return rows.map((r) => ({
      phone: maskPhone(this.vault.decrypt(r.phone_enc, 'phone')),
      text: r.text,
      otp: r.otp,
      sent_at: r.sent_at.toISOString(),
    }));
  }
}

export function requirePhone(input: string): string {
  const phone = normalizeMainlandMobile(input);
  if (!phone) throw new AppError('PHONE_INVALID');
  return phone;
}
