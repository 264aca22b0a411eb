import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { handleOnce, type OutboxEvent, type Subscriber } from '../../platform/outbox/outbox.js';
import type { CouponRepo } from './repo.js';
import type { CouponService } from './service.js';

const SUBSCRIBER = 'coupons.erased-account';
const REASON = 'account_erased';

/**
 * An erased account's unspent free coupons are revoked (`user.erased`), so farmed sign-up coupons cannot be spent
 * after the account that got them is gone. They take the risk claw-back's path: ACTIVATED → FROZEN → REVOKED,
 * each step an event. Gift cards are left ACTIVATED: they were paid for, their balance is the holder's money,
 * and erasing personal data must not confiscate it; whoever holds the code can still spend it.
 */
export class ErasedAccountCoupons {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: CouponRepo,
    private readonly service: CouponService,
    private readonly ids: IdGenerator,
  ) {}

  /** Answers the revoked codes. */
  async revokeFreeCoupons(trx: Transaction<Database>, userId: string, requestId?: string): Promise<string[]> {
    const actor = 'system:account-erasure';
    const frozen = await this.repo.transitionAllOfUser(trx, userId, 'ACTIVATED', 'FROZEN', await this.repo.activatedSingleUseOf(trx, userId));
    await this.repo.insertEvents(trx, frozen.map((c) => ({ id: this.ids.next(), couponId: c.couponId, action: 'freeze', fromStatus: 'ACTIVATED', toStatus: 'FROZEN', actor, reason: REASON, requestId })));
    return this.service.revokeFrozenOfUser(trx, userId, REASON, actor, requestId);
  }

  subscriber(): Subscriber<{ user_id: string }> {
    return {
      name: SUBSCRIBER,
      topics: ['user.erased'],
      handle: (event: OutboxEvent<{ user_id: string }>) =>
        handleOnce(this.db, SUBSCRIBER, event.id, async (trx) => {
          await this.revokeFreeCoupons(trx, event.payload.user_id, event.requestId ?? undefined);
        }).then(() => undefined),
    };
  }
}
