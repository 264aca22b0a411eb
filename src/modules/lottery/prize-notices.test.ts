import { describe, expect, it } from 'vitest';
import { beijingTime, prizeName, prizeNotice, type DescribedPrize } from './prize-notices.js';
import type { CampaignRules } from './domain/campaign-rules.js';

const cash: DescribedPrize = {
  prize_id: '7',
  user_id: '42',
  kind: 'CASH',
  amount_fen: '880',
  due_at: new Date('2026-12-01T02:00:00Z'),
  payout_reference: null,
  last_error: null,
  name: '二等奖',
  campaignName: '有奖发票',
};

describe('prizeNotice', () => {
  it('announces a win in both languages, with the amount and the deadline in Beijing time, and texts it', () => {
    const notice = prizeNotice('lottery.prize_won', cash);
    expect(notice).toMatchObject({ userId: '42', dedupeKey: 'prize-won:7', kind: 'lottery.prize_won', sms: true });
    expect(notice.zh.body).toBe('恭喜您中奖!您在「有奖发票」中抽中二等奖:现金8.80元,将于2026-12-01 10:00(北京时间)前发放到您实名认证的银行卡。');
    expect(notice.en.body).toContain('8.80 yuan in cash, paid to your verified bank card by 2026-12-01 10:00 (Beijing time)');
    expect(prizeNotice('lottery.prize_won', { ...cash, kind: 'COUPON', amount_fen: null }).zh.body).toContain('发放到您的券包');
  });

  it('confirms a payment with the bank reference, and an issued coupon, in the inbox only', () => {
    const paid = prizeNotice('lottery.prize_paid', { ...cash, payout_reference: 'SBX1' });
    expect(paid).toMatchObject({ dedupeKey: 'prize-paid:7', sms: false });
    expect(paid.zh.body).toContain('银行流水号 SBX1');
    expect(paid.en.body).toContain('Bank reference: SBX1');
    expect(prizeNotice('lottery.prize_paid', { ...cash, kind: 'COUPON' }).en.title).toBe('Your prize is in your coupons');
  });

  it('explains a failure by its reason: ours, the bank frozen account, a coupon refusal, or the bank code as given', () => {
    const failed = (last_error: string) => prizeNotice('lottery.prize_failed', { ...cash, last_error });
    expect(failed('ACCOUNT_FROZEN').zh.body).toContain('收款银行卡账户已冻结');
    expect(failed('NO_PAYOUT_ACCOUNT').en.body).toContain('there is no verified bank card');
    expect(failed('COUPON_OUT_OF_STOCK').zh.body).toContain('未能发放:券已领完。');
    expect(failed('CARD_CLOSED').en.body).toContain('the bank declined it (CARD_CLOSED)');
    expect(failed('CARD_CLOSED').dedupeKey).toBe('prize-failed:7');
  });
});

describe('prizeName', () => {
  const rules = {
    instant: { tickets: 3, prizes: [{ name: '一等奖', kind: 'CASH', amount_fen: 100, count: 1 }] },
    weekly: { cron: '0 10 * * 3', tiers: [{ tier: 'A', name: '周大奖', kind: 'CASH', amount_fen: 100, count: 1 }] },
  } as unknown as CampaignRules;

  it("takes the instant prize at the draw's index or the weekly tier's name, else a generic one", () => {
    expect(prizeName({ kind: 'CASH', tier: null }, rules, 0)).toBe('一等奖');
    expect(prizeName({ kind: 'CASH', tier: 'A' }, rules, null)).toBe('周大奖');
    expect(prizeName({ kind: 'COUPON', tier: null }, rules, 5)).toBe('优惠券');
  });
});

describe('beijingTime', () => {
  it('formats in UTC+8 on a 24-hour clock', () => {
    expect(beijingTime(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01 00:30');
  });
});
