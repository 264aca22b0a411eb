import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { ERROR_CODES, isErrorCode } from '../../platform/errors/error-codes.js';
import { formatMoney } from '../../platform/money/money.js';
import { BUSINESS_TIME_ZONE } from '../../platform/time/clock.js';
import type { Notice, Notifier } from '../notifications/notifier.js';
import type { CampaignRules } from './domain/campaign-rules.js';
import type { PrizeRepo } from './prize-repo.js';
import type { LotteryRepo, PrizeRow } from './repo.js';

/** The prize events a winner is told about: the win (inbox and SMS), the payment, a failure (inbox). */
export const PRIZE_NOTICE_TOPICS = ['lottery.prize_won', 'lottery.prize_paid', 'lottery.prize_failed'] as const;
export type PrizeNoticeTopic = (typeof PRIZE_NOTICE_TOPICS)[number];

/**
 * Tells winners about their prizes. Each event becomes one message keyed by topic and prize (`prize-won:<id>`),
 * so a redelivered event finds its message already there and sends nothing twice. The prize is read afresh:
 * the event names it, the lottery's own table describes it.
 */
export class PrizeNotices {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly prizes: PrizeRepo,
    private readonly lottery: LotteryRepo,
    private readonly notifier: Notifier,
  ) {}

  async handle(topic: PrizeNoticeTopic, prizeId: string): Promise<void> {
    const notified = await this.db.transaction().execute(async (trx) => {
      const prize = await this.prizes.find(trx, prizeId);
      if (!prize) return null;
      const campaign = await this.lottery.campaign(trx, prize.campaign_id);
      const name = prizeName(prize, campaign?.rules, prize.source === 'INSTANT' ? await this.prizes.instantPrizeIndex(trx, prize.draw_id) : null);
      return this.notifier.notify(trx, prizeNotice(topic, { ...prize, name, campaignName: campaign?.name ?? '' }));
    });
    await notified?.deliver();
  }
}

export type DescribedPrize = Pick<PrizeRow, 'prize_id' | 'user_id' | 'kind' | 'amount_fen' | 'due_at' | 'payout_reference' | 'last_error'> & {
  readonly name: string;
  readonly campaignName: string;
};

/** The name the operator gave the prize: the instant prize at the draw's index, or the weekly tier's. */
export function prizeName(prize: Pick<PrizeRow, 'kind' | 'tier'>, rules: CampaignRules | undefined, instantIndex: number | null): string {
  const spec = prize.tier !== null ? rules?.weekly?.tiers.find((t) => t.tier === prize.tier) : instantIndex === null ? undefined : rules?.instant?.prizes[instantIndex];
  return spec?.name ?? (prize.kind === 'CASH' ? '现金奖' : '优惠券');
}

/** The message for one prize event, in both languages. Pure: the texts are tested as they are. */
export function prizeNotice(topic: PrizeNoticeTopic, prize: DescribedPrize): Notice {
  const cash = prize.kind === 'CASH';
  const amount = prize.amount_fen === null ? '' : formatMoney(BigInt(prize.amount_fen));
  const base = { userId: prize.user_id, kind: topic };
  const c = prize.campaignName;
  if (topic === 'lottery.prize_won') {
    const deadline = beijingTime(prize.due_at);
    return {
      ...base,
      dedupeKey: `prize-won:${prize.prize_id}`,
      sms: true,
      zh: {
        title: '恭喜您中奖',
        body: cash
          ? `恭喜您中奖!您在「${c}」中抽中${prize.name}:现金${amount}元,将于${deadline}(北京时间)前发放到您实名认证的银行卡。`
          : `恭喜您中奖!您在「${c}」中抽中${prize.name}(优惠券),将于${deadline}(北京时间)前发放到您的券包。`,
      },
      en: {
        title: 'Congratulations, you won a prize',
        body: cash
          ? `Congratulations! You won ${prize.name} in “${c}”: ${amount} yuan in cash, paid to your verified bank card by ${deadline} (Beijing time).`
          : `Congratulations! You won ${prize.name} (a coupon) in “${c}”. It will be in your coupons by ${deadline} (Beijing time).`,
      },
    };
  }
  if (topic === 'lottery.prize_paid') {
    return {
      ...base,
      dedupeKey: `prize-paid:${prize.prize_id}`,
      sms: false,
      zh: cash
        ? { title: '奖金已发放', body: `您在「${c}」中抽中的${prize.name}(现金${amount}元)已转入您实名认证的银行卡,银行流水号 ${prize.payout_reference ?? ''}。` }
        : { title: '奖品已发放', body: `您在「${c}」中抽中的${prize.name}已发放到您的券包,请在“我的券包”中查看。` },
      en: cash
        ? { title: 'Your prize has been paid', body: `${prize.name} (${amount} yuan) from “${c}” has been paid to your verified bank card. Bank reference: ${prize.payout_reference ?? ''}.` }
        : { title: 'Your prize is in your coupons', body: `${prize.name} from “${c}” has been added to your coupons.` },
    };
  }
  const reason = failureReason(prize.last_error ?? '');
  return {
    ...base,
    dedupeKey: `prize-failed:${prize.prize_id}`,
    sms: false,
    zh: { title: '奖品发放失败', body: `您在「${c}」中抽中的${prize.name}未能发放:${reason.zh}。请联系客服处理。` },
    en: { title: 'We could not pay your prize', body: `We could not pay ${prize.name} from “${c}”: ${reason.en}. Please contact customer service.` },
  };
}

/** Why a prize failed, in words: our own codes, the sandbox bank's frozen account, or the bank's code as given. */
function failureReason(code: string): { zh: string; en: string } {
  switch (code) {
    case 'NO_PAYOUT_ACCOUNT':
      return { zh: '您没有实名认证的收款银行卡', en: 'there is no verified bank card to pay it to' };
    case 'PAYOUT_UNAVAILABLE':
      return { zh: '银行代付服务长时间不可用', en: "the bank's payout service stayed unavailable" };
    case 'ACCOUNT_FROZEN':
      return { zh: '收款银行卡账户已冻结', en: 'the bank account of your card is frozen' };
    default:
      if (isErrorCode(code)) return { zh: ERROR_CODES[code].zh.replace(/[。.]$/, ''), en: ERROR_CODES[code].en.replace(/\.$/, '') };
      return { zh: `银行退回(${code})`, en: `the bank declined it (${code})` };
  }
}

const beijing = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2026-12-01 10:00` in Asia/Shanghai. */
export function beijingTime(at: Date): string {
  const part = Object.fromEntries(beijing.formatToParts(at).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}
