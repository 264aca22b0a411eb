import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { couponsModule, couponsOf } from '../src/modules/coupons/index.js';
import { merchantsModule, merchantsOf } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { settlementModule, settlementOf } from '../src/modules/settlement/index.js';
import { addDays } from '../src/modules/settlement/domain/calendar.js';
import { businessDate, startOfBusinessDay } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { useTestServer } from './support/test-platform.js';
import { mulberry32 } from './support/seeded-random.js';

const STEPS = Number(process.env.SETTLEMENT_PROPERTY_STEPS ?? 1_200);
const GOOD_CARD = '6222600260001072444';
const FROZEN_CARD = '6222600260001070000'; // the sandbox bank refuses cards ending 0000

type PartyKind = 'platform' | 'merchant' | 'channel';

interface ModelRedemption {
  readonly id: string;
  readonly amount: bigint;
  /** Parts as the test computes them itself: ⌊g·bps/10000⌋ for platform and channel, the rest to the merchant. */
  readonly parts: Record<PartyKind, bigint>;
  readonly partyIds: Record<PartyKind, string | null>;
  refunded: bigint;
}

/**
 * The ledger under a random sequence of consumes, partial and full refunds, settlement runs (some repeated),
 * risk holds, payouts refused by the bank (their reservations voided) and days passing. After every step:
 * - the trial balance is zero, posted and pending;
 * - no account that may not go negative is negative;
 * - each party's ledger balance plus what it was paid equals its settled statement lines plus the refunds taken
 *   from it since its last statement.
 * At the end, once everything is due and settled, each party's statements add up to its shares, computed here
 * independently of the code under test.
 */
describe.each(backendPairs())('settlement property on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [merchantsModule, couponsModule, payoutsModule, settlementModule] });

  it(`${STEPS} random steps keep the ledger balanced and every party's statements equal to its shares`, { timeout: 600_000 }, async () => {
    const { platform } = server;
    const dbh = platform.database.db;
    const settlement = settlementOf(platform);
    const random = mulberry32(Number(process.env.SETTLEMENT_PROPERTY_SEED ?? 7));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

    // Parties: two merchants under channels (one with its own rule on working days), one without a channel.
    const merchants = merchantsOf(platform);
    const setup = await dbh.transaction().execute(async (trx) => {
      const channelA = await merchants.createChannel(trx, `c-${randomUUID()}`, 'test');
      const channelB = await merchants.createChannel(trx, `c-${randomUUID()}`, 'test');
      const m1 = await merchants.create(trx, 'm1', 'test', channelA.channel_id);
      const m2 = await merchants.create(trx, 'm2', 'test', channelB.channel_id);
      const m3 = await merchants.create(trx, 'm3', 'test');
      await settlement.settings.setTerms(trx, m2.merchant_id, { platformBps: 1200, merchantBps: 8000, channelBps: 800, platformDays: 2, merchantDays: 5, dayBasis: 'working' }, 'test');
      for (const [kind, id] of [['merchant', m1.merchant_id], ['merchant', m2.merchant_id], ['channel', channelA.channel_id], ['channel', channelB.channel_id]] as const) {
        await settlement.settings.setPayee(trx, kind, id, { name: '张三', bankCard: GOOD_CARD }, 'test');
      }
      await settlement.settings.setPayee(trx, 'merchant', m3.merchant_id, { name: '李四', bankCard: FROZEN_CARD }, 'test');
      await settlement.funding.topUp(trx, { source: 'PLATFORM' }, 10_000_000_00n, 'budget');
      const coupons = couponsOf(platform).service;
      const templates = [
        (await coupons.createTemplate(trx, { name: '平台券', type: 'CASH', params: { amount: '1.00' }, valid_days: 30 }, 'test')).template_id,
        (await coupons.createTemplate(trx, { name: '品牌券', type: 'CASH', params: { amount: '1.00' }, valid_days: 30, funding: { source: 'BRAND', brand_merchant_id: m1.merchant_id } }, 'test')).template_id,
        (await coupons.createTemplate(trx, { name: '礼品卡', type: 'GIFT_CARD', params: { balance: '1000.00' }, valid_days: 30 }, 'test')).template_id,
      ];
      return {
        merchants: [
          { id: m1.merchant_id, channel: channelA.channel_id, rule: [1000n, 500n] as const },
          { id: m2.merchant_id, channel: channelB.channel_id, rule: [1200n, 800n] as const },
          { id: m3.merchant_id, channel: null, rule: [1000n, 500n] as const },
        ],
        templates,
      };
    });

    const redemptions: ModelRedemption[] = [];
    const activeHolds = new Map<string, string>();
    let day = businessDate(new Date());
    const counts = { consume: 0, refund: 0, run: 0, rerun: 0, hold: 0, release: 0, day: 0, payeeFixed: 0 };

    for (let step = 0; step < STEPS; step++) {
      const roll = random();
      if (roll < 0.5) {
        // A burst of concurrent redemptions, so some splits share a group-committed batch.
        const burst = 1 + Math.floor(random() * 6);
        const recorded = Array.from({ length: burst }, () => {
          const merchant = pick(setup.merchants);
          const amount = BigInt(1 + Math.floor(random() * (random() < 0.2 ? 99 : 99_999)));
          const id = platform.ids.next();
          const redeemedAt = new Date(startOfBusinessDay(day).getTime() + Math.floor(random() * 86_000_000));
          const platformPart = (amount * merchant.rule[0]) / 10_000n;
          const channelPart = (amount * merchant.rule[1]) / 10_000n;
          const parts = merchant.channel
            ? { platform: platformPart, channel: channelPart, merchant: amount - platformPart - channelPart }
            : { platform: platformPart + channelPart, channel: 0n, merchant: amount - platformPart - channelPart };
          redemptions.push({ id, amount, parts, partyIds: { platform: 'platform', merchant: merchant.id, channel: merchant.channel }, refunded: 0n });
          return settlement.splits.record({ redemptionId: id, transactionId: `TX-${id}`, merchantId: merchant.id, templateId: pick(setup.templates), amountFen: amount, redeemedAt });
        });
        expect((await Promise.all(recorded)).every(Boolean)).toBe(true);
        counts.consume += burst;
      } else if (roll < 0.7) {
        const open = redemptions.filter((r) => r.refunded < r.amount);
        if (open.length === 0) continue;
        const r = pick(open);
        const left = r.amount - r.refunded;
        const amount = random() < 0.3 ? left : 1n + BigInt(Math.floor(random() * Number(left)));
        expect(await settlement.refunds.apply({ refundId: randomUUID(), redemptionId: r.id, amountFen: amount })).toBe(true);
        r.refunded += amount;
        counts.refund += 1;
      } else if (roll < 0.82) {
        await settlement.run.settle(day);
        counts.run += 1;
        if (random() < 0.3) {
          expect((await settlement.run.settle(day)).statements).toBe(0);
          counts.rerun += 1;
        }
      } else if (roll < 0.86) {
        const merchant = setup.merchants[1]!.id;
        if (activeHolds.has(merchant)) {
          await dbh.transaction().execute((trx) => settlement.settings.releaseHold(trx, activeHolds.get(merchant)!, 'test', 'released'));
          activeHolds.delete(merchant);
          counts.release += 1;
        } else {
          const hold = await dbh.transaction().execute((trx) => settlement.settings.placeHold(trx, 'merchant', merchant, 'cash-out pattern', 'test'));
          activeHolds.set(merchant, hold.hold_id);
          counts.hold += 1;
        }
      } else if (roll < 0.87 && counts.payeeFixed === 0 && step > STEPS / 2) {
        await dbh.transaction().execute((trx) => settlement.settings.setPayee(trx, 'merchant', setup.merchants[2]!.id, { name: '李四', bankCard: GOOD_CARD }, 'test'));
        counts.payeeFixed += 1;
      } else {
        day = addDays(day, 1 + Math.floor(random() * 2), 'calendar', { marked: new Map() });
        counts.day += 1;
      }
      await checkInvariants(`step ${step}`);
    }

    // Everything becomes due: release holds, fix the refused payee, and settle well after the last redemption.
    for (const holdId of activeHolds.values()) await dbh.transaction().execute((trx) => settlement.settings.releaseHold(trx, holdId, 'test', 'end'));
    await dbh.transaction().execute((trx) => settlement.settings.setPayee(trx, 'merchant', setup.merchants[2]!.id, { name: '李四', bankCard: GOOD_CARD }, 'test'));
    const end = addDays(day, 45, 'calendar', { marked: new Map() });
    await settlement.run.settle(end);
    await checkInvariants('final run');

    // Each redemption's legs hold the parts computed here, have given back in all what the model refunded, each
    // within 2 fen of its exact pro-rata share and never beyond its part; and each party's statements add up to
    // its parts less what they gave back.
    const legRows = await sql<{ redemption_id: string; party_kind: PartyKind; party_id: string; amount_fen: string; refunded_fen: string }>`
      SELECT redemption_id, party_kind, party_id, amount_fen, refunded_fen FROM settlement_legs
    `.execute(dbh);
    const legsOf = new Map<string, typeof legRows.rows>();
    for (const leg of legRows.rows) (legsOf.get(String(leg.redemption_id)) ?? legsOf.set(String(leg.redemption_id), []).get(String(leg.redemption_id))!).push(leg);
    const expected = new Map<string, bigint>();
    for (const r of redemptions) {
      const legs = legsOf.get(r.id) ?? [];
      let givenBack = 0n;
      for (const party of ['platform', 'merchant', 'channel'] as const) {
        const leg = legs.find((l) => l.party_kind === party);
        expect(BigInt(leg?.amount_fen ?? 0), `${r.id} ${party} part`).toBe(r.parts[party]);
        if (!leg) continue;
        const refunded = BigInt(leg.refunded_fen);
        givenBack += refunded;
        expect(refunded >= 0n && refunded <= r.parts[party], `${r.id} ${party} refunded within its part`).toBe(true);
        const drift = refunded * r.amount - r.parts[party] * r.refunded;
        expect(drift < 2n * r.amount && drift > -2n * r.amount, `${r.id} ${party} refunded ${refunded} of ${r.parts[party]} after ${r.refunded}/${r.amount}`).toBe(true);
        const key = `${party}:${r.partyIds[party]}`;
        expected.set(key, (expected.get(key) ?? 0n) + r.parts[party] - refunded);
      }
      expect(givenBack, `${r.id} refunds`).toBe(r.refunded);
    }
    const settled = await sql<{ party: string; total: string }>`
      SELECT party_kind || ':' || party_id AS party, sum(total_fen) AS total FROM settlement_statements GROUP BY 1
    `.execute(dbh);
    const actual = new Map(settled.rows.map((r) => [r.party, BigInt(r.total)]));
    for (const [party, total] of expected) expect(actual.get(party) ?? 0n, party).toBe(total);
    const pending = await sql<{ n: string }>`SELECT count(*) AS n FROM settlement_items WHERE status = 'pending'`.execute(dbh);
    expect(Number(pending.rows[0]!.n)).toBe(0);
    const reconciled = await settlement.reports.reconcile({ redemptionPage: async () => [] });
    expect(reconciled.problems).toEqual([]);
    expect(counts.consume).toBeGreaterThan(STEPS);
    expect(counts.refund).toBeGreaterThan(STEPS / 10);
    expect(counts.run).toBeGreaterThan(STEPS / 20);

    async function checkInvariants(where: string): Promise<void> {
      const trial = await sql<{ dpo: string; cpo: string; dp: string; cp: string; overdrawn: string }>`
        SELECT coalesce(sum(debits_posted), 0) AS dpo, coalesce(sum(credits_posted), 0) AS cpo,
               coalesce(sum(debits_pending), 0) AS dp, coalesce(sum(credits_pending), 0) AS cp,
               count(*) FILTER (WHERE NOT may_go_negative AND (
                 (normal_side = 'credit' AND credits_posted - debits_posted - debits_pending < 0) OR
                 (normal_side = 'debit' AND debits_posted - credits_posted - credits_pending < 0))) AS overdrawn
        FROM ledger_accounts
      `.execute(dbh);
      const t = trial.rows[0]!;
      expect(t.dpo, `${where}: posted debits = credits`).toBe(t.cpo);
      expect(t.dp, `${where}: pending debits = credits`).toBe(t.cp);
      expect(Number(t.overdrawn), `${where}: no non-negative account below zero`).toBe(0);
      const parties = await sql<{ party: string; posted: string | null; paid: string; settled: string; owed_refunds: string }>`
        WITH parties AS (SELECT DISTINCT party_kind, party_id FROM settlement_items)
        SELECT p.party_kind || ':' || p.party_id AS party,
               (SELECT credits_posted - debits_posted FROM ledger_accounts a
                 WHERE a.code = CASE p.party_kind WHEN 'platform' THEN 'revenue:platform' ELSE 'payable:' || p.party_kind || ':' || p.party_id END) AS posted,
               (SELECT coalesce(sum(payout_fen), 0) FROM settlement_statements s WHERE s.party_kind = p.party_kind AND s.party_id = p.party_id AND s.status = 'PAID') AS paid,
               (SELECT coalesce(sum(amount_fen), 0) FROM settlement_items i WHERE i.party_kind = p.party_kind AND i.party_id = p.party_id AND i.status = 'settled') AS settled,
               (SELECT coalesce(sum(i.amount_fen), 0) FROM settlement_items i JOIN settlement_legs l ON l.redemption_id = i.redemption_id AND l.party_kind = i.party_kind
                 WHERE i.party_kind = p.party_kind AND i.party_id = p.party_id AND i.status = 'pending' AND i.kind = 'REFUND' AND l.status = 'settled') AS owed_refunds
        FROM parties p
      `.execute(dbh);
      for (const p of parties.rows) {
        expect(BigInt(p.posted ?? 0) + BigInt(p.paid), `${where}: ${p.party} balance + paid = settled lines + refunds since`).toBe(BigInt(p.settled) + BigInt(p.owed_refunds));
      }
    }
  });
});
