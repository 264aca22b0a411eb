import { sql, type Kysely } from 'kysely';
import { GroupCommit, type Outcome } from '../../platform/db/group-commit.js';
import type { Database } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { GroupCommitMetrics } from '../../platform/metrics/metrics.js';
import { parseMoney } from '../../platform/money/money.js';
import type { OutboxEvent, Subscriber } from '../../platform/outbox/outbox.js';
import { businessDate } from '../../platform/time/clock.js';
import { brandFunding, channelPayable, GIFT_CARD_LIABILITY, merchantPayable, PLATFORM_FUNDING, PLATFORM_REVENUE, REDEMPTION_CLEARING } from './domain/accounts.js';
import { addDays, firstOfNextMonth } from './domain/calendar.js';
import { split, type Party } from './domain/split.js';
import { move, reserve, type TransferSpec } from './domain/transfers.js';
import type { Ledger } from './ledger.js';
import type { MerchantTerms, SettlementSettings } from './settings.js';

/** What settlement needs to know about another module's objects, asked through their services. */
export interface SplitFacts {
  /** The merchant's channel now (recorded with the split, so a later change does not move old money). */
  channelOf(merchantId: string): Promise<string | null>;
  /** `PLATFORM`, `GIFT_CARD` or `BRAND:<merchant id>` (coupons/domain/funding.ts). */
  fundingOf(templateId: string): Promise<string | undefined>;
}

export interface SplitCommand {
  readonly redemptionId: string;
  readonly transactionId: string;
  readonly merchantId: string;
  readonly templateId: string;
  readonly amountFen: bigint;
  readonly redeemedAt: Date;
}

interface ConsumedEvent {
  readonly transaction_id: string;
  readonly merchant_id: string;
  readonly lines: readonly { readonly template_id?: string; readonly redemption_id?: string | null; readonly amount: string }[];
}

export const SPLIT_SUBSCRIBER = 'settlement.splits';

/**
 * Step 7 of the specification's redemption flow: each redemption's value moves from its funder into clearing and is split
 * between the platform, the merchant and the channel, each part reserved until the day it becomes available.
 *
 * Exactly once per redemption id: `settlement_splits` is keyed by it, and the ledger's transfer ids are derived
 * from it, so a redelivered `coupon.consumed` (a worker killed mid-way, a lease that lapsed) finds the split and
 * changes nothing. Splits arriving together are group-committed: one transaction, and one update of each hot
 * account (clearing, the platform's revenue and marketing budget) per batch.
 */
export class Splits {
  private readonly queue: GroupCommit<SplitCommand, boolean>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ledger: Ledger,
    private readonly settings: SettlementSettings,
    private readonly facts: SplitFacts,
    private readonly ids: IdGenerator,
    metrics?: GroupCommitMetrics,
  ) {
    this.queue = new GroupCommit(db, { name: 'settlement.splits', maxBatch: 500, runAtomic: (d, commands) => this.runBatch(d, commands), metrics });
  }

  /** Posts one redemption's split; resolves true if this call posted it, false if it already was. */
  record(command: SplitCommand): Promise<boolean> {
    return this.queue.submit(command);
  }

  subscriber(): Subscriber<ConsumedEvent> {
    return {
      name: SPLIT_SUBSCRIBER,
      topics: ['coupon.consumed'],
      handle: async (event: OutboxEvent<ConsumedEvent>) => {
        await Promise.all(commandsOf(event).map((command) => this.record(command)));
      },
    };
  }

  private async runBatch(db: Kysely<Database>, commands: readonly SplitCommand[]): Promise<Outcome<boolean>[]> {
    // Facts from other modules are read before the transaction: embedded PGlite has one connection.
    const merchants = [...new Set(commands.map((c) => c.merchantId))];
    const channels = new Map(await Promise.all(merchants.map(async (m) => [m, await this.facts.channelOf(m)] as const)));
    const fundings = new Map(await Promise.all([...new Set(commands.map((c) => c.templateId))].map(async (t) => [t, await this.facts.fundingOf(t)] as const)));
    const terms = await this.settings.termsOf(db, merchants);
    const earliest = commands.map((c) => businessDate(c.redeemedAt)).sort()[0]!;
    const calendar = await this.settings.calendarFrom(db, earliest);

    const planned = commands.map((command) => {
      const funding = fundingAccount(fundings.get(command.templateId));
      const channelId = channels.get(command.merchantId) ?? null;
      const rule = terms.get(command.merchantId)!;
      const parts = split(command.amountFen, rule, channelId !== null);
      const redeemedOn = businessDate(command.redeemedAt);
      const legs = legsOf(command, parts, channelId, rule, redeemedOn, (date, days) => addDays(date, days, rule.dayBasis, calendar));
      return { command, funding, channelId, parts, redeemedOn, legs };
    });

    return db.transaction().execute(async (trx) => {
      const inserted = await sql<{ redemption_id: string }>`
        INSERT INTO settlement_splits (redemption_id, transaction_id, merchant_id, channel_id, template_id, funding_account, amount_fen,
                                       platform_fen, merchant_fen, channel_fen, redeemed_on)
        SELECT * FROM unnest(${planned.map((p) => p.command.redemptionId)}::bigint[], ${planned.map((p) => p.command.transactionId)}::text[],
                             ${planned.map((p) => p.command.merchantId)}::bigint[], ${planned.map((p) => p.channelId)}::bigint[],
                             ${planned.map((p) => p.command.templateId)}::bigint[], ${planned.map((p) => p.funding)}::text[],
                             ${planned.map((p) => p.command.amountFen.toString())}::bigint[], ${planned.map((p) => p.parts.platform.toString())}::bigint[],
                             ${planned.map((p) => p.parts.merchant.toString())}::bigint[], ${planned.map((p) => p.parts.channel.toString())}::bigint[],
                             ${planned.map((p) => p.redeemedOn)}::date[])
        ON CONFLICT (redemption_id) DO NOTHING
        RETURNING redemption_id
      `.execute(trx);
      const fresh = new Set(inserted.rows.map((r) => String(r.redemption_id)));
      const todo = planned.filter((p) => fresh.has(p.command.redemptionId));
      if (todo.length > 0) {
        const legs = todo.flatMap((p) => p.legs);
        await sql`
          INSERT INTO settlement_legs (redemption_id, party_kind, party_id, account_code, amount_fen, available_on, pending_transfer_id)
          SELECT * FROM unnest(${legs.map((l) => l.redemptionId)}::bigint[], ${legs.map((l) => l.party)}::text[], ${legs.map((l) => l.partyId)}::text[],
                               ${legs.map((l) => l.account)}::text[], ${legs.map((l) => l.amountFen.toString())}::bigint[], ${legs.map((l) => l.availableOn)}::date[],
                               ${legs.map((l) => l.transferId)}::text[])
        `.execute(trx);
        await sql`
          INSERT INTO settlement_items (item_id, party_kind, party_id, kind, redemption_id, transaction_id, amount_fen, available_on)
          SELECT * FROM unnest(${legs.map(() => this.ids.next())}::bigint[], ${legs.map((l) => l.party)}::text[], ${legs.map((l) => l.partyId)}::text[],
                               ${legs.map(() => 'REDEMPTION')}::text[], ${legs.map((l) => l.redemptionId)}::bigint[], ${legs.map((l) => l.transactionId)}::text[],
                               ${legs.map((l) => l.amountFen.toString())}::bigint[], ${legs.map((l) => l.availableOn)}::date[])
        `.execute(trx);
        const transfers: TransferSpec[] = todo.flatMap((p) => [
          move(`split:${p.command.redemptionId}`, 'REDEMPTION_FUNDING', p.funding, REDEMPTION_CLEARING, p.command.amountFen, { ref: p.command.redemptionId }),
          ...p.legs.map((l) => reserve(l.transferId, 'SPLIT_LEG', REDEMPTION_CLEARING, l.account, l.amountFen, { ref: p.command.redemptionId, memo: `${l.party} available ${l.availableOn}` })),
        ]);
        await this.ledger.write(trx, transfers);
      }
      return planned.map((p) => ({ ok: true as const, value: fresh.has(p.command.redemptionId) }));
    });
  }
}

export interface PlannedLeg {
  readonly redemptionId: string;
  readonly transactionId: string;
  readonly party: Party;
  readonly partyId: string;
  readonly account: string;
  readonly amountFen: bigint;
  readonly availableOn: string;
  /** The reservation holding this part until settlement; revision 0 (a refund before settlement makes 1, 2 …). */
  readonly transferId: string;
}

/** A redemption's parts as settlement legs; a part of zero fen (a 0.01 redemption's platform part) has none. */
function legsOf(
  command: SplitCommand,
  parts: Readonly<Record<Party, bigint>>,
  channelId: string | null,
  terms: MerchantTerms,
  redeemedOn: string,
  after: (date: string, days: number) => string,
): PlannedLeg[] {
  const legs: Omit<PlannedLeg, 'redemptionId' | 'transactionId' | 'transferId'>[] = [
    { party: 'platform', partyId: 'platform', account: PLATFORM_REVENUE, amountFen: parts.platform, availableOn: after(redeemedOn, terms.platformDays) },
    { party: 'merchant', partyId: command.merchantId, account: merchantPayable(command.merchantId), amountFen: parts.merchant, availableOn: after(redeemedOn, terms.merchantDays) },
  ];
  if (channelId !== null) legs.push({ party: 'channel', partyId: channelId, account: channelPayable(channelId), amountFen: parts.channel, availableOn: firstOfNextMonth(redeemedOn) });
  return legs
    .filter((l) => l.amountFen > 0n)
    .map((l) => ({ ...l, redemptionId: command.redemptionId, transactionId: command.transactionId, transferId: legTransferId(command.redemptionId, l.party, 0) }));
}

export function legTransferId(redemptionId: string, party: string, revision: number): string {
  return `leg:${redemptionId}:${party}:${revision}`;
}

/** The ledger account a template's funding names. */
export function fundingAccount(funding: string | undefined): string {
  if (funding === 'GIFT_CARD') return GIFT_CARD_LIABILITY;
  if (funding?.startsWith('BRAND:')) return brandFunding(funding.slice('BRAND:'.length));
  return PLATFORM_FUNDING;
}

function commandsOf(event: OutboxEvent<ConsumedEvent>): SplitCommand[] {
  const { payload } = event;
  return payload.lines.flatMap((line) => {
    if (!line.redemption_id || !line.template_id) return [];
    const amountFen = parseMoney(line.amount);
    if (amountFen <= 0n) return [];
    return [{ redemptionId: line.redemption_id, transactionId: payload.transaction_id, merchantId: payload.merchant_id, templateId: line.template_id, amountFen, redeemedAt: event.createdAt }];
  });
}
