import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditModule } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { idNumberCheckChar } from '../src/modules/identity/domain/id-number.js';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { lotteryModule, prizesOf } from '../src/modules/lottery/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { notificationsModule } from '../src/modules/notifications/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';
import { riskOf, riskModule } from '../src/modules/risk/index.js';
import { settlementModule } from '../src/modules/settlement/index.js';
import type { Answer, Item } from '../web/src/api/types.js';

/** A prize as GET /users/me/prizes answers it, from the web app's types generated from /openapi.json. */
type Prize = Item<Answer<'/api/v1/users/me/prizes', 'get'>['prizes']>;

interface Message {
  id: string;
  kind: string;
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

interface Winner {
  readonly token: string;
  readonly userId: string;
  readonly phone: string;
  readonly invoiceId: string;
}

const NOTHING = { paid: 0, issued: 0, failed: 0, retried: 0 };

describe.each(backendPairs())('lottery prizes on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    modules: [identityModule, merchantsModule, couponsModule, invoicesModule, auditModule, lotteryModule, payoutsModule, notificationsModule, settlementModule, riskModule],
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const payDue = () => prizesOf(server.platform).payouts.payDue();
  // Every winner here submits a 10.00 invoice from the sandbox's one seller on the same day, which is the
  // seller-wide "just over the floor" fraud signal; reviewing it would hold those invoices out of the draws.
  beforeAll(async () => {
    await server.platform.database.db.transaction().execute((trx) =>
      riskOf(server.platform).config.change(trx, 'INVOICE_FRAUD_SIGNALS', { params: { review_just_over_floor: 0 } }, 'test', 'one sandbox seller'),
    );
  });

  async function sessionFor(role?: 'operator'): Promise<{ token: string; userId: string; phone: string }> {
    const identity = identityOf(server.platform);
    const phone = newPhone();
    if (role) await identity.service.grantRole(phone, role, undefined, 'test');
    const userId = await identity.service.ensureUser(server.platform.database.db, phone);
    const { access_token } = await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
    return { token: access_token, userId, phone };
  }

  let operatorToken: string | undefined;
  async function operator(): Promise<string> {
    operatorToken ??= (await sessionFor('operator')).token;
    return operatorToken;
  }

  async function couponTemplate(body: Record<string, unknown>): Promise<string> {
    const res = await api('/api/v1/coupon/templates', { body: { valid_days: 30, ...body }, headers: bearer(await operator()) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { template_id: string }).template_id;
  }

  /** An instant-win campaign whose every ticket wins. */
  async function campaign(prizes: Record<string, unknown>[]): Promise<string> {
    const tickets = prizes.reduce((sum, p) => sum + (p.count as number), 0);
    const now = Date.now();
    const res = await api('/api/v1/lottery/campaigns', {
      body: {
        name: '有奖发票',
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 86_400_000).toISOString(),
        chances: { mode: 'PER_AMOUNT_STEP', step: '1.00', max_per_invoice: 10 },
        instant: { tickets, prizes },
      },
      headers: bearer(await operator()),
    });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { campaign_id: string }).campaign_id;
  }

  let idSerial = 0;
  /** A consumer verified (consent, then the sandbox 4-factor check) with `bankCard`, holding one accepted invoice. */
  async function winner(bankCard = '6222600260001072444'): Promise<Winner> {
    const session = await sessionFor();
    const auth = bearer(session.token);
    expect((await api('/api/v1/users/me/consents', { body: { purpose: 'real_name_verification' }, headers: auth })).status).toBe(200);
    idSerial += 1;
    const first17 = `11010519850101${String(idSerial).padStart(3, '0')}`;
    const verified = await api('/api/v1/users/me/real-name', {
      body: { name: '张三', id_number: `${first17}${idNumberCheckChar(first17)}`, bank_card: bankCard, bank_phone: '13800001234' },
      headers: auth,
    });
    expect(verified.status, verified.text).toBe(200);
    const issued = await api('/sandbox/tax/invoices', { body: { total_amount: '10.00' } });
    const invoice = issued.json.data as { invoice_number: string; issue_date: string; total_amount: string };
    const submitted = await api('/api/v1/invoices', {
      body: { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: invoice.total_amount },
      headers: auth,
    });
    expect(submitted.status, submitted.text).toBe(200);
    return { ...session, invoiceId: (submitted.json.data as { invoice_id: string }).invoice_id };
  }

  async function deliverEvents(): Promise<void> {
    const relay = new OutboxRelay(server.platform.database.db, server.platform.outbox, createLogger('silent'), 'test-worker');
    while ((await relay.deliverDue()) > 0);
  }

  /** Delivers every prize notice again, as a relay does after a lost acknowledgement. */
  async function redeliverNotices(): Promise<void> {
    await sql`
      UPDATE outbox_deliveries SET status = 'pending', next_attempt_at = now(), locked_until = NULL, delivered_at = NULL
      WHERE subscriber = 'lottery.prize-notices'
    `.execute(server.platform.database.db);
    await deliverEvents();
  }

  async function drawAll(holder: Winner, campaignId: string, draws: number): Promise<void> {
    for (let i = 0; i < draws; i++) {
      const res = await api('/api/v1/lottery/instant-draw', { body: { invoice_id: holder.invoiceId, campaign_id: campaignId }, headers: bearer(holder.token) });
      expect(res.status, res.text).toBe(200);
      expect((res.json.data as { prize: unknown }).prize).not.toBeNull();
    }
  }

  async function prizesIn(token: string, campaignId: string): Promise<Prize[]> {
    const res = await api('/api/v1/users/me/prizes', { headers: bearer(token) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { prizes: Prize[] }).prizes.filter((p) => p.campaign_id === campaignId);
  }

  async function inbox(token: string, language?: string): Promise<{ unread: number; messages: Message[] }> {
    const res = await api('/api/v1/users/me/messages', { headers: { ...bearer(token), ...(language ? { 'accept-language': language } : {}) } });
    expect(res.status, res.text).toBe(200);
    return res.json.data as { unread: number; messages: Message[] };
  }

  async function smsTo(phone: string): Promise<string[]> {
    const res = await api(`/api/v1/dev/sms?phone=${phone}`);
    return (res.json.data as { messages: { text: string }[] }).messages.map((m) => m.text);
  }

  async function transfersOf(payoutIds: readonly string[]): Promise<{ payout_id: string; status: string; requests: number }[]> {
    const result = await sql<{ payout_id: string; status: string; requests: number }>`
      SELECT payout_id, status, requests FROM payout_sandbox_transfers WHERE payout_id = ANY(${payoutIds}::text[]) ORDER BY payout_id
    `.execute(server.platform.database.db);
    return result.rows;
  }

  it('pays the cash prizes to the bank card, issues the coupon prize, and tells the winner once per prize', async () => {
    const templateId = await couponTemplate({ name: '立减5元', type: 'CASH', amount: '5.00', total_stock: 10 });
    const campaignId = await campaign([
      { name: '现金红包', kind: 'CASH', amount: '8.80', count: 2 },
      { name: '立减券', kind: 'COUPON', coupon_template_id: templateId, count: 1 },
    ]);
    const holder = await winner();
    await deliverEvents(); // the invoice's chances
    await drawAll(holder, campaignId, 3);

    // The win: one inbox message and one SMS per prize, even when every event is delivered twice.
    await deliverEvents();
    await redeliverNotices();
    const won = await inbox(holder.token);
    expect(won.unread).toBe(3);
    expect(won.messages.map((m) => m.kind)).toEqual(['lottery.prize_won', 'lottery.prize_won', 'lottery.prize_won']);
    expect(won.messages.every((m) => m.title === '恭喜您中奖' && m.body.includes('「有奖发票」') && m.read_at === null)).toBe(true);
    expect(won.messages.filter((m) => m.body.includes('现金8.80元') && m.body.includes('北京时间'))).toHaveLength(2);
    expect((await inbox(holder.token, 'en')).messages[0]!.title).toBe('Congratulations, you won a prize');
    const texts = await smsTo(holder.phone);
    expect(texts.filter((t) => t.startsWith('【权益】恭喜您中奖'))).toHaveLength(3);

    expect(await payDue()).toEqual({ paid: 2, issued: 1, failed: 0, retried: 0 });
    expect(await payDue()).toEqual(NOTHING);
    const prizes = await prizesIn(holder.token, campaignId);
    const cash = prizes.filter((p) => p.kind === 'CASH');
    expect(cash).toHaveLength(2);
    for (const prize of cash) {
      expect(prize).toMatchObject({ name: '现金红包', status: 'PAID', amount: '8.80', attempts: 1, last_error: null, next_attempt_at: null, payout_reference: expect.stringMatching(/^SBX[0-9A-F]{20}$/) });
      const transfer = await api(`/sandbox/payouts/payouts/prize-${prize.prize_id}`);
      expect(transfer.json.data).toMatchObject({ status: 'PAID', amount: '8.80', card_last4: '2444', reference: prize.payout_reference, requests: 1 });
    }
    const couponPrize = prizes.find((p) => p.kind === 'COUPON')!;
    expect(couponPrize).toMatchObject({ name: '立减券', status: 'ISSUED', coupon_code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/) });
    const mine = await api('/api/v1/users/me/coupons', { headers: bearer(holder.token) });
    expect((mine.json.data as { coupons: { coupon_code: string; status: string }[] }).coupons).toContainEqual(expect.objectContaining({ coupon_code: couponPrize.coupon_code, status: 'ACTIVATED' }));

    // The payment: one more message per prize (no SMS), however often delivered.
    await deliverEvents();
    await redeliverNotices();
    const after = await inbox(holder.token);
    expect(after.messages.filter((m) => m.kind === 'lottery.prize_paid')).toHaveLength(3);
    expect(after.messages.filter((m) => m.kind === 'lottery.prize_won')).toHaveLength(3);
    expect(after.messages.filter((m) => m.title === '奖金已发放').map((m) => m.body.match(/SBX[0-9A-F]{20}/)?.[0]).sort()).toEqual(cash.map((p) => p.payout_reference).sort());
    expect(await smsTo(holder.phone)).toEqual(texts);

    // Reading: the first read time stays; another user's message is not found.
    const first = after.messages.find((m) => m.title === '奖品已发放')!;
    const read = await api(`/api/v1/users/me/messages/${first.id}/read`, { body: {}, headers: bearer(holder.token) });
    expect(read.status, read.text).toBe(200);
    expect(read.json.data).toMatchObject({ id: first.id, read_at: expect.any(String) });
    const again = await api(`/api/v1/users/me/messages/${first.id}/read`, { body: {}, headers: { ...bearer(holder.token), 'accept-language': 'en' } });
    expect(again.json.data).toMatchObject({ read_at: (read.json.data as { read_at: string }).read_at, title: 'Your prize is in your coupons' });
    expect((await inbox(holder.token)).unread).toBe(5);
    const stranger = await sessionFor();
    const notYours = await api(`/api/v1/users/me/messages/${first.id}/read`, { body: {}, headers: bearer(stranger.token) });
    expect(notYours.status).toBe(404);
    expect(notYours.json.error).toBe('NOTIFICATION_NOT_FOUND');
    expect(await inbox(stranger.token)).toEqual({ unread: 0, messages: [] });
  });

  it("names each prize as the campaign's rules do: the instant pool's entry the draw won, the weekly tier's", async () => {
    const templateId = await couponTemplate({ name: '立减10元', type: 'CASH', amount: '10.00', total_stock: 10 });
    const instantId = await campaign([
      { name: '幸运红包 0.50元', kind: 'CASH', amount: '0.50', count: 1 },
      { name: '立减10元券', kind: 'COUPON', coupon_template_id: templateId, count: 1 },
    ]);
    const holder = await winner();
    await deliverEvents();
    await drawAll(holder, instantId, 2);
    const named = async () => (await prizesIn(holder.token, instantId)).map((p) => [p.kind, p.name, p.tier, p.status]).sort();
    expect(await named()).toEqual([
      ['CASH', '幸运红包 0.50元', null, 'PENDING'],
      ['COUPON', '立减10元券', null, 'PENDING'],
    ]);
    // Paid (and so out of the way of the tests after this one), they keep their names.
    expect(await payDue()).toEqual({ ...NOTHING, paid: 1, issued: 1 });
    expect(await named()).toEqual([
      ['CASH', '幸运红包 0.50元', null, 'PAID'],
      ['COUPON', '立减10元券', null, 'ISSUED'],
    ]);

    // A weekly campaign (already over, so it takes no one else's invoices) and two of its prizes as weekly draws
    // write them (tier and amount, no name): each gets its tier's name. Not due for a year, so no payout run here pays them.
    const now = Date.now();
    const weekly = await api('/api/v1/lottery/campaigns', {
      body: {
        name: '周周抽',
        starts_at: new Date(now - 7_200_000).toISOString(),
        ends_at: new Date(now - 3_600_000).toISOString(),
        weekly: {
          tiers: [
            { tier: 'FIRST', name: '周一等奖 88元', kind: 'CASH', amount: '88.00', count: 1 },
            { tier: 'SECOND', name: '周二等奖 满减券', kind: 'COUPON', coupon_template_id: templateId, count: 2 },
          ],
        },
      },
      headers: bearer(await operator()),
    });
    expect(weekly.status, weekly.text).toBe(200);
    const weeklyId = (weekly.json.data as { campaign_id: string }).campaign_id;
    const later = new Date(now + 365 * 86_400_000);
    // Two weeks' draws: an invoice wins at most once per draw.
    for (const [tier, kind, amountFen, template] of [['FIRST', 'CASH', 8800, null], ['SECOND', 'COUPON', null, templateId]] as const) {
      await sql`
        INSERT INTO lottery_prizes (prize_id, user_id, campaign_id, source, draw_id, invoice_id, tier, kind, amount_fen, coupon_template_id, due_at, next_attempt_at)
        VALUES (${server.platform.ids.next()}, ${holder.userId}, ${weeklyId}, 'WEEKLY', ${server.platform.ids.next()}, ${holder.invoiceId}, ${tier}, ${kind}, ${amountFen}, ${template}, ${later}, ${later})
      `.execute(server.platform.database.db);
    }
    const won = await prizesIn(holder.token, weeklyId);
    expect(won.map((p) => [p.tier, p.name, p.amount]).sort()).toEqual([
      ['FIRST', '周一等奖 88元', '88.00'],
      ['SECOND', '周二等奖 满减券', null],
    ]);
  });

  it('keeps a cash prize PENDING with backoff while the bank is down, then pays it exactly once', async () => {
    const campaignId = await campaign([{ name: '现金', kind: 'CASH', amount: '1.00', count: 1 }]);
    const holder = await winner();
    await deliverEvents();
    await drawAll(holder, campaignId, 1);

    expect((await api('/sandbox/payouts/settings', { body: { available: false } })).json.data).toEqual({ available: false });
    const before = Date.now();
    expect(await payDue()).toEqual({ ...NOTHING, retried: 1 });
    const [pending] = await prizesIn(holder.token, campaignId);
    expect(pending).toMatchObject({ status: 'PENDING', attempts: 1, last_error: 'PAYOUT_UNAVAILABLE', payout_reference: null });
    expect(Date.parse(pending!.next_attempt_at!)).toBeGreaterThanOrEqual(before + 60_000);
    expect(await payDue()).toEqual(NOTHING); // not due again before its backoff
    expect((await api(`/sandbox/payouts/payouts/prize-${pending!.prize_id}`)).status).toBe(404); // a bank that is down saw nothing

    await api('/sandbox/payouts/settings', { body: { available: true } });
    // A second back: PostgreSQL's now() has microseconds, the app's clock milliseconds, so now() can be "later".
    await sql`UPDATE lottery_prizes SET next_attempt_at = now() - interval '1 second' WHERE prize_id = ${pending!.prize_id}`.execute(server.platform.database.db);
    expect(await payDue()).toEqual({ ...NOTHING, paid: 1 });
    const [paid] = await prizesIn(holder.token, campaignId);
    expect(paid).toMatchObject({ status: 'PAID', attempts: 2, last_error: null, payout_reference: expect.stringMatching(/^SBX/) });
    expect(await transfersOf([`prize-${paid!.prize_id}`])).toEqual([{ payout_id: `prize-${paid!.prize_id}`, status: 'PAID', requests: 1 }]);

    // The same payout asked again (a retry after a lost answer) is answered from the bank's record, not paid again.
    const replay = await api('/sandbox/payouts/payouts', {
      body: { payout_id: `prize-${paid!.prize_id}`, amount: '1.00', payee_name: '张三', bank_card: '6222600260001072444', memo: `权益发票抽奖奖金 ${paid!.prize_id}` },
      headers: { 'idempotency-key': `prize-${paid!.prize_id}` },
    });
    expect(replay.json.data).toMatchObject({ status: 'PAID', reference: paid!.payout_reference, requests: 2 });
    const reused = await api('/sandbox/payouts/payouts', { body: { payout_id: `prize-${paid!.prize_id}`, amount: '100.00', payee_name: '李四', bank_card: '6222600260001072444' } });
    expect(reused.status).toBe(422);
    expect(reused.json.error).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("fails a prize the bank refuses (a frozen card) and one whose winner erased the account, and says why", async () => {
    const campaignId = await campaign([{ name: '现金', kind: 'CASH', amount: '2.00', count: 2 }]);
    const frozen = await winner('6222600260001080000');
    const erased = await winner();
    await deliverEvents();
    await drawAll(frozen, campaignId, 1);
    await drawAll(erased, campaignId, 1);
    const erasedPrize = (await prizesIn(erased.token, campaignId))[0]!;
    expect((await api('/api/v1/users/me', { method: 'DELETE', headers: bearer(erased.token) })).status).toBe(200);

    // The scheduled job does what payDue does, every minute.
    const job = lotteryModule.jobs!(server.platform).find((j) => j.name === 'lottery.pay-prizes')!;
    expect(job.schedule).toEqual({ cron: '* * * * *' });
    await job.run({ fireAt: new Date(), fencingToken: '1', signal: new AbortController().signal });

    const [refused] = await prizesIn(frozen.token, campaignId);
    expect(refused).toMatchObject({ status: 'FAILED', last_error: 'ACCOUNT_FROZEN', attempts: 1, settled_at: null });
    expect((await api(`/sandbox/payouts/payouts/prize-${refused!.prize_id}`)).json.data).toMatchObject({ status: 'FAILED', reason: 'ACCOUNT_FROZEN', card_last4: '0000' });
    const gone = await sql<{ status: string; last_error: string }>`SELECT status, last_error FROM lottery_prizes WHERE prize_id = ${erasedPrize.prize_id}`.execute(server.platform.database.db);
    expect(gone.rows[0]).toEqual({ status: 'FAILED', last_error: 'NO_PAYOUT_ACCOUNT' });
    expect(await transfersOf([`prize-${erasedPrize.prize_id}`])).toEqual([]);

    await deliverEvents();
    const told = (await inbox(frozen.token)).messages.find((m) => m.kind === 'lottery.prize_failed');
    expect(told).toMatchObject({ title: '奖品发放失败', body: expect.stringContaining('收款银行卡账户已冻结') });
    const erasedMessages = await sql<{ n: string }>`SELECT count(*) AS n FROM notifications WHERE user_id = ${erased.userId}`.execute(server.platform.database.db);
    expect(Number(erasedMessages.rows[0]!.n)).toBe(0); // the inbox went with the account
  });

  it('asks risk control before paying: a blacklisted winner fails, a frozen account waits', async () => {
    const campaignId = await campaign([{ name: '现金', kind: 'CASH', amount: '3.00', count: 2 }]);
    const listed = await winner();
    const frozen = await winner();
    await deliverEvents();
    await drawAll(listed, campaignId, 1);
    await drawAll(frozen, campaignId, 1);
    const risk = riskOf(server.platform);
    await server.platform.database.db.transaction().execute((trx) =>
      risk.blacklists.add(trx, 'PHONE_HASH', identityOf(server.platform).service.phoneHash(listed.phone)!, '黑产手机号', 'test'),
    );
    // Eleven claims' worth of checks from one address freeze the second winner's account (the farming rule).
    const ip = '203.0.113.201';
    for (let i = 0; i < 10; i++) await risk.screen.check('coupon.claim', { userId: frozen.userId, ip });
    await expect(risk.screen.check('coupon.claim', { userId: frozen.userId, ip })).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });

    await payDue();
    const [refused] = await prizesIn(listed.token, campaignId);
    expect(refused).toMatchObject({ status: 'FAILED', last_error: 'RISK_DENIED' });
    const [waiting] = await prizesIn(frozen.token, campaignId);
    expect(waiting).toMatchObject({ status: 'PENDING', last_error: 'RISK_ACCOUNT_FROZEN' });
    expect(await transfersOf([`prize-${refused!.prize_id}`, `prize-${waiting!.prize_id}`])).toEqual([]);
  });

  it('two payout runs racing pay every prize exactly once', async () => {
    const templateId = await couponTemplate({ name: '立减1元', type: 'CASH', amount: '1.00', total_stock: 1 });
    const campaignId = await campaign([
      { name: '现金', kind: 'CASH', amount: '0.66', count: 5 },
      { name: '立减券', kind: 'COUPON', coupon_template_id: templateId, count: 1 },
    ]);
    const holder = await winner();
    await deliverEvents();
    await drawAll(holder, campaignId, 6);

    const runs = await Promise.all([payDue(), payDue()]);
    const total = runs.reduce((sum, r) => ({ paid: sum.paid + r.paid, issued: sum.issued + r.issued, failed: sum.failed + r.failed, retried: sum.retried + r.retried }), NOTHING);
    expect(total).toEqual({ paid: 5, issued: 1, failed: 0, retried: 0 });

    const prizes = await prizesIn(holder.token, campaignId);
    expect(prizes.map((p) => p.status).sort()).toEqual(['ISSUED', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID']);
    expect(prizes.every((p) => p.attempts === 1)).toBe(true);
    const cashIds = prizes.filter((p) => p.kind === 'CASH').map((p) => `prize-${p.prize_id}`);
    expect((await transfersOf(cashIds)).map((t) => [t.status, t.requests])).toEqual(cashIds.map(() => ['PAID', 1]));
    const events = await sql<{ topic: string; n: string }>`
      SELECT topic, count(*) AS n FROM outbox_events WHERE aggregate_id = ANY(${prizes.map((p) => p.prize_id)}::text[]) GROUP BY topic ORDER BY topic
    `.execute(server.platform.database.db);
    expect(events.rows.map((r) => [r.topic, Number(r.n)])).toEqual([
      ['lottery.prize_paid', 6],
      ['lottery.prize_won', 6],
    ]);
    const coupons = await api('/api/v1/users/me/coupons', { headers: bearer(holder.token) });
    expect((coupons.json.data as { coupons: { template_id: string }[] }).coupons.filter((c) => c.template_id === templateId)).toHaveLength(1);
  });
});
