import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Cache } from '../../../platform/cache/cache.js';
import type { Database } from '../../../platform/db/schema.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { IdGenerator } from '../../../platform/ids/snowflake.js';
import type { PiiVault } from '../../../platform/privacy/vault.js';
import type { IdentityRepo } from '../repo.js';
import type { SmsProvider } from './sms-provider.js';

export const CODE_PURPOSES = ['login', 'real_name'] as const;
export type CodePurpose = (typeof CODE_PURPOSES)[number];

export const CODE_TTL_SECONDS = 300;
export const MAX_WRONG_ATTEMPTS = 5;

/** Per phone: the SMS gateways' own defaults (Aliyun: 1/min, 5/h, 10/day); per IP: against number sweeping. */
const SEND_LIMITS = [
  { scope: 'phone', windowMs: 60_000, max: 1 },
  { scope: 'phone', windowMs: 3_600_000, max: 5 },
  { scope: 'phone', windowMs: 86_400_000, max: 10 },
  { scope: 'ip', windowMs: 3_600_000, max: 30 },
] as const;

/**
 * SMS one-time codes: 6 digits from node:crypto, stored only as an HMAC, valid 5 minutes, single use, dead after
 * 5 wrong tries; a new code supersedes the old. Sending answers the same whether or not the phone has an account.
 */
export class OneTimeCodes {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: IdentityRepo,
    private readonly vault: PiiVault,
    private readonly cache: Cache,
    private readonly sms: SmsProvider,
    private readonly ids: IdGenerator,
    private readonly hmacKey: Buffer,
  ) {}

  async send(phone: string, purpose: CodePurpose, ip: string): Promise<{ expires_in: number; resend_after: number }> {
    const phoneHash = this.vault.blindIndex('phone', phone);
    await this.enforceSendLimits(phoneHash, ip);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = this.ids.next();
    const message = {
      phone,
      otp: code,
      text: `【权益】您的验证码是${code},${CODE_TTL_SECONDS / 60}分钟内有效。如非本人操作,请忽略本短信。`,
      templateParams: { code, minutes: String(CODE_TTL_SECONDS / 60) },
    };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.supersedeLiveCodes(trx, phoneHash, purpose);
      await this.repo.insertCode(trx, { id, phoneHash, purpose, codeHmac: this.hmac(id, code), ttlSeconds: CODE_TTL_SECONDS });
      await this.sms.record(trx, message);
    });
    await this.sms.deliver(message);
    return { expires_in: CODE_TTL_SECONDS, resend_after: 60 };
  }

  /** Consumes the phone's live code if `code` matches; otherwise counts the try and throws. */
  async consume(phone: string, purpose: CodePurpose, code: string): Promise<void> {
    const phoneHash = this.vault.blindIndex('phone', phone);
    const live = await this.repo.latestLiveCode(this.db, phoneHash, purpose);
    if (!live || live.expired) throw new AppError('SMS_CODE_INVALID');
    if (live.attempts >= MAX_WRONG_ATTEMPTS) throw new AppError('SMS_CODE_EXHAUSTED');
    const expected = Buffer.from(live.code_hmac, 'hex');
    const given = Buffer.from(this.hmac(String(live.id), code), 'hex');
    if (!timingSafeEqual(expected, given)) {
      const attempts = await this.repo.recordWrongAttempt(this.db, String(live.id));
      throw new AppError(attempts >= MAX_WRONG_ATTEMPTS ? 'SMS_CODE_EXHAUSTED' : 'SMS_CODE_INVALID', {
        attempts_left: Math.max(0, MAX_WRONG_ATTEMPTS - attempts),
      });
    }
    // The guarded update decides races: of two logins with the right code, one wins.
    if (!(await this.repo.consumeCode(this.db, String(live.id), MAX_WRONG_ATTEMPTS))) throw new AppError('SMS_CODE_INVALID');
  }

  private async enforceSendLimits(phoneHash: string, ip: string): Promise<void> {
    for (const limit of SEND_LIMITS) {
      const subject = limit.scope === 'phone' ? phoneHash : ip;
      const state = await this.cache.increment(`sms:${limit.scope}:${limit.windowMs}:${subject}`, limit.windowMs);
      if (state.count > limit.max) {
        throw new AppError('SMS_RATE_LIMITED', { retry_after: Math.max(1, Math.ceil(state.resetInMs / 1000)) });
      }
    }
  }

  private hmac(codeId: string, code: string): string {
    return createHmac('sha256', this.hmacKey).update(`sms-code\u0000${codeId}\u0000${code}`).digest('hex');
  }
}
