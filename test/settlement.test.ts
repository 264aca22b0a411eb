import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule, payoutsOf } from '../src/modules/payouts/index.js';
import { settlementModule, settlementOf } from '../src/modules/settlement/index.js';
import { addDays, firstOfNextMonth } from '../src/modules/settlement/domain/calendar.js';
import { businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';
import { mulberry32 } from './support/seeded-random.js';
import { drainOutbox as drainOutboxOf } from './support/outbox.js';

interface Statement {
  statement_id: string;
  party_kind: string;
  party_id: string;
  cycle_date: string;
  opening_balance: string;
  total: string;
  closing_balance: string;
  payout: string;
  line_count: number;
  status: string;
  payout_reference: string | null;
  lines?: { kind: string; amount: string; redemption_id: string }[];
}

interface Account {
  code: string;
  balance: string;
  available: string;
  debits_pending: string;
  credits_pending: string;
  debits_posted: string;
  credits_posted: string;
}

const calendarDays = (from: string, n: number) => addDays(from, n, 'calendar', { marked: new Map() });

describe.each(backendPairs())('settlement on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule, payoutsModule, settlementModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const settlement = () => settlementOf(server.platform);

  const tokenFor = async (role?: 'operator' | 'auditor' | 'merchant_staff', merchantId?: string) => (await sessionFor(server.platform, role, merchantId)).access_token;


  let operatorToken: string | undefined;
  const operator = async () => (operatorToken ??= await tokenFor('operator'));
  const asOperator = async (path: string, init: Parameters<typeof http>[1] = {}) => api(path, { ...init, headers: { ...bearer(await operator()), ...init.headers } });

  /** Delivers every outbox event due, as the worker would. */
  const drainOutbox = () => drainOutboxOf(server.platform);


  let fundedOnce = false;
  async function fundPlatform(): Promise<void> {
    if (fundedOnce) return;
    fundedOnce = true;
    const res = await asOperator('/api/v1/ledger/top-ups', { body: { source: 'PLATFORM', amount: '100000.00', reference: 'marketing budget' } });
    expect(res.status, res.text).toBe(200);
  }

  /** A merchant under a new channel, both with payees. */
  async function merchantWithChannel(card = '6222600260001072444'): Promise<{ merchant: MerchantCredentialsForTest; channelId: string }> {
    await fundPlatform();
    const channel = await asOperator('/api/v1/channels', { body: { name: `渠道-${randomUUID().slice(0, 8)}` } });
    expect(channel.status, channel.text).toBe(200);
    const channelId = (channel.json.data as { channel_id: string }).channel_id;
    const created = await asOperator('/api/v1/merchants', { body: { name: '便利店', channel_id: channelId } });
    const merchant = created.json.data as unknown as MerchantCredentialsForTest;
    for (const [kind, id] of [['merchant', merchant.merchant_id], ['channel', channelId]] as const) {
      const payee = await asOperator(`/api/v1/settlement/payees/${kind}/${id}`, { method: 'PUT', body: { name: '张三', bank_card: card } });
      expect(payee.status, payee.text).toBe(200);
      expect((payee.json.data as { bank_card: string }).bank_card).not.toContain(card.slice(6, 12));
    }
    return { merchant, channelId };
  }

  async function couponFor(template: Record<string, unknown>): Promise<string> {
    const created = await asOperator('/api/v1/coupon/templates', { body: { valid_days: 30, ...template } });
    expect(created.status, created.text).toBe(200);
    const claimed = await api('/api/v1/coupon/claim', { body: { template_id: (created.json.data as { template_id: string }).template_id }, headers: bearer(await tokenFor()) });
    expect(claimed.status, claimed.text).toBe(200);
    return (claimed.json.data as { coupon_code: string }).coupon_code;
  }

  const consume = (merchant: MerchantCredentialsForTest, code: string, amount: string) =>
    signedCall(server.base, merchant, 'POST', '/api/v1/coupon/consume', { merchant_id: merchant.merchant_id, order_id: randomUUID(), coupon_code: code, amount });

  const refund = (merchant: MerchantCredentialsForTest, transactionId: string, amount?: string) =>
    signedCall(server.base, merchant, 'POST', '/api/v1/coupon/refund', { transaction_id: transactionId, ...(amount ? { amount } : {}) });

  async function accounts(): Promise<Map<string, Account>> {
    const res = await asOperator('/api/v1/ledger/accounts');
    expect(res.status, res.text).toBe(200);
    return new Map((res.json.data as { accounts: Account[] }).accounts.map((a) => [a.code, a]));
  }

  async function expectBalanced(): Promise<void> {
    const res = await api('/api/v1/ledger/trial-balance', { headers: bearer(await tokenFor('auditor')) });
    expect(res.status, res.text).toBe(200);
    const data = res.json.data as { debits: string; credits: string; difference: string; pending: { difference: string } };
    expect(data.difference).toBe('0.00');
    expect(data.debits).toBe(data.credits);
    expect(data.pending.difference).toBe('0.00');
  }

  async function statementsOf(kind: string, id: string): Promise<Statement[]> {
    const res = await asOperator(`/api/v1/settlement/statements?party_kind=${kind}&party_id=${id}`);
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { statements: Statement[] }).statements;
  }

  const today = () => businessDate(new Date());

  it('a redemption is split 10/85/5, reserved until T+1, T+3 and the first of next month, then settled and paid once', async () => {
    const { merchant, channelId } = await merchantWithChannel();
    const code = await couponFor({ name: '10元代金券', type: 'CASH', amount: '10.00' });
    const paid = await consume(merchant, code, '50.00');
    expect(paid.status, paid.text).toBe(200);
    await drainOutbox();
    await expectBalanced();

    const before = await accounts();
    expect(before.get(`payable:merchant:${merchant.merchant_id}`)).toMatchObject({ credits_pending: '8.50', balance: '0.00' });
    expect(before.get(`payable:channel:${channelId}`)).toMatchObject({ credits_pending: '0.50', balance: '0.00' });

    const day = today();
    expect((await settlement().run.settle(day)).statements).toBe(0); // nothing is due on the day itself
    await settlement().run.settle(calendarDays(day, 1));
    const platformStatements = await statementsOf('platform', 'platform');
    expect(platformStatements[0]).toMatchObject({ status: 'RETAINED', payout: '0.00' });

    expect(await statementsOf('merchant', merchant.merchant_id)).toEqual([]); // T+1 is too early for the merchant
    const t3 = calendarDays(day, 3);
    const run = await settlement().run.settle(t3);
    expect(run.paid).toBeGreaterThanOrEqual(1);
    const [statement] = await statementsOf('merchant', merchant.merchant_id);
    expect(statement).toMatchObject({ cycle_date: t3, total: '8.50', opening_balance: '0.00', closing_balance: '8.50', payout: '8.50', status: 'PAID', line_count: 1 });
    const transfer = await payoutsOf(server.platform).sandbox.find(`settlement-${statement!.statement_id}`);
    expect(transfer).toMatchObject({ status: 'PAID', amount: '8.50' });
    const announced = await server.platform.database.db
      .selectFrom('outbox_events')
      .select(['topic', 'payload'])
      .where('aggregate_id', '=', statement!.statement_id)
      .orderBy('id')
      .execute();
    expect(announced.map((e) => e.topic)).toEqual(['settlement.statement_created', 'settlement.payout_paid']);
    expect(announced[1]!.payload).toMatchObject({ amount: '8.50', party_kind: 'merchant', reference: transfer!.reference });

    // The same date again settles nothing and pays nothing.
    expect(await settlement().run.settle(t3)).toMatchObject({ statements: 0, paid: 0 });
    expect(await statementsOf('merchant', merchant.merchant_id)).toHaveLength(1);

    await settlement().run.settle(firstOfNextMonth(day) > t3 ? firstOfNextMonth(day) : t3);
    const channelStatements = await statementsOf('channel', channelId);
    expect(channelStatements).toHaveLength(1);
    expect(channelStatements[0]).toMatchObject({ total: '0.50', status: 'PAID', cycle_date: firstOfNextMonth(day) > t3 ? firstOfNextMonth(day) : t3 });

    const after = await accounts();
    expect(after.get(`payable:merchant:${merchant.merchant_id}`)).toMatchObject({ balance: '0.00', credits_posted: '8.50', debits_posted: '8.50', credits_pending: '0.00' });
    await expectBalanced();

    // The merchant's staff see and download their statement; another merchant's staff do not.
    const staff = await tokenFor('merchant_staff', merchant.merchant_id);
    const mine = await api('/api/v1/merchants/me/settlements', { headers: bearer(staff) });
    expect((mine.json.data as { statements: Statement[] }).statements.map((s) => s.statement_id)).toEqual([statement!.statement_id]);
    const csv = await api(`/api/v1/merchants/me/settlements/${statement!.statement_id}?format=csv`, { headers: bearer(staff) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toContain('redemption_id');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(',REDEMPTION,');
    expect(rows[1]).toContain(',8.50,');
    const other = await merchantWithChannel();
    const stranger = await tokenFor('merchant_staff', other.merchant.merchant_id);
    const denied = await api(`/api/v1/merchants/me/settlements/${statement!.statement_id}`, { headers: bearer(stranger) });
    expect(denied.status).toBe(404);
    expect(denied.json.error).toBe('STATEMENT_NOT_FOUND');

    const reconciliation = await asOperator('/api/v1/settlement/reconciliation');
    expect(reconciliation.json.data).toMatchObject({ ok: true, problems: [] });
  });

  it('refunds before, between and after settlement take each share back pro rata; the parts end at zero and the card is owed in full again', async () => {
    const { merchant, channelId } = await merchantWithChannel();
    const card = await couponFor({ name: '礼品卡', type: 'GIFT_CARD', balance: '100.00' });
    const sold = await asOperator('/api/v1/ledger/gift-card-sales', { body: { coupon_code: card } });
    expect(sold.status, sold.text).toBe(200);
    const resold = await asOperator('/api/v1/ledger/gift-card-sales', { body: { coupon_code: card } });
    expect(resold.json.error).toBe('GIFT_CARD_ALREADY_SOLD');
    const liability = async () => (await accounts()).get('liability:gift-cards')!.balance;
    const owedBefore = await liability();

    const paid = await consume(merchant, card, '33.33');
    expect(paid.status, paid.text).toBe(200);
    const txId = (paid.json.data as { transaction_id: string }).transaction_id;
    await drainOutbox();

    // 33.33: platform ⌊3.333⌋ = 3.33, channel ⌊1.6665⌋ = 1.66, merchant 28.34.
    expect((await refund(merchant, txId, '10.00')).status).toBe(200); // before anything settles
    await drainOutbox();
    await expectBalanced();
    const day = today();
    await settlement().run.settle(calendarDays(day, 1)); // the platform's part settles
    expect((await refund(merchant, txId, '5.00')).status).toBe(200); // platform settled, merchant not yet
    await drainOutbox();
    await expectBalanced();
    const t3 = calendarDays(day, 3);
    const end = firstOfNextMonth(day) > t3 ? firstOfNextMonth(day) : t3;
    await settlement().run.settle(end); // merchant (and channel) settle and are paid
    const merchantPaid = (await statementsOf('merchant', merchant.merchant_id))[0]!;
    expect(merchantPaid.status).toBe('PAID');
    // Worked by hand: after 10.00 of 33.33 the parts (333 / 2834 / 166 fen) have given back ⌊pro rata⌋ = 99 / 850 / 49
    // plus the 2-fen remainder to the two furthest behind (platform, channel): 100 / 850 / 50. After 15.00:
    // ⌊⌋ = 149 / 1275 / 74, remainder again to platform and channel: 150 / 1275 / 75. The merchant is paid
    // 2834 − 1275 = 1559 fen.
    const merchantPaidFen = 1559n;
    expect(merchantPaid.total).toBe(yuan(merchantPaidFen));

    expect((await refund(merchant, txId)).status).toBe(200); // the rest, after everyone was paid
    await drainOutbox();
    await expectBalanced();
    const balances = await accounts();
    expect(balances.get(`payable:merchant:${merchant.merchant_id}`)!.balance).toBe(`-${yuan(merchantPaidFen)}`);
    expect(await liability()).toBe(owedBefore);

    // The next run nets the deficit: a statement with the refund line, nothing paid, the deficit carried.
    await settlement().run.settle(calendarDays(end, 1));
    const [deficit] = await statementsOf('merchant', merchant.merchant_id);
    expect(deficit).toMatchObject({ status: 'NO_PAYOUT', payout: '0.00', total: `-${yuan(merchantPaidFen)}`, closing_balance: `-${yuan(merchantPaidFen)}` });

    // A later redemption is netted against the deficit: 20.00 gives the merchant 17.00, and 17.00 − 15.59 is paid.
    const next = await couponFor({ name: '20元代金券', type: 'CASH', amount: '20.00' });
    expect((await consume(merchant, next, '20.00')).status).toBe(200);
    await drainOutbox();
    const later = calendarDays(end, 1 + 3);
    await settlement().run.settle(later);
    const [netted] = await statementsOf('merchant', merchant.merchant_id);
    expect(netted).toMatchObject({ cycle_date: later, opening_balance: `-${yuan(merchantPaidFen)}`, total: '17.00', closing_balance: yuan(1700n - merchantPaidFen), payout: yuan(1700n - merchantPaidFen), status: 'PAID' });
    expect((await accounts()).get(`payable:merchant:${merchant.merchant_id}`)!.balance).toBe('0.00');

    // Every party's statements add up to zero for a fully refunded redemption (and the next one's part).
    for (const [kind, id] of [['merchant', merchant.merchant_id], ['channel', channelId]] as const) {
      const all = await statementsOf(kind, id);
      const lines = await Promise.all(all.map(async (s) => ((await asOperator(`/api/v1/settlement/statements/${s.statement_id}`)).json.data as unknown as Statement).lines!));
      const net = lines.flat().reduce((sum, l) => sum + toFen(l.amount), 0n);
      const paidOut = all.reduce((sum, s) => sum + toFen(s.payout), 0n);
      const latest = await accounts();
      const channelDue = firstOfNextMonth(today()) <= later ? 100n : 0n; // the second redemption's channel part, if due
      expect(net).toBe(kind === 'merchant' ? 1700n : channelDue);
      expect(toFen(latest.get(kind === 'merchant' ? `payable:merchant:${id}` : `payable:channel:${id}`)!.balance)).toBe(net - paidOut);
    }
    const reconciliation = await asOperator('/api/v1/settlement/reconciliation');
    expect(reconciliation.json.data).toMatchObject({ ok: true });
  });

  it("a risk hold delays a merchant's settlement until released", async () => {
    const { merchant } = await merchantWithChannel();
    const code = await couponFor({ name: '20元代金券', type: 'CASH', amount: '20.00' });
    expect((await consume(merchant, code, '20.00')).status).toBe(200);
    await drainOutbox();
    const hold = await asOperator('/api/v1/settlement/holds', { body: { party_kind: 'merchant', party_id: merchant.merchant_id, reason: '套现嫌疑:高频核销' } });
    expect(hold.status, hold.text).toBe(200);
    const t3 = calendarDays(today(), 3);
    const held = await settlement().run.settle(t3);
    expect(held.held).toBeGreaterThanOrEqual(1);
    expect(await statementsOf('merchant', merchant.merchant_id)).toEqual([]);
    const released = await asOperator(`/api/v1/settlement/holds/${(hold.json.data as { hold_id: string }).hold_id}/release`, { body: { note: '人工审核通过' } });
    expect(released.status, released.text).toBe(200);
    await settlement().run.settle(t3);
    expect(await statementsOf('merchant', merchant.merchant_id)).toMatchObject([{ total: '17.00', status: 'PAID' }]);
    const again = await asOperator(`/api/v1/settlement/holds/${(hold.json.data as { hold_id: string }).hold_id}/release`, { body: {} });
    expect(again.json.error).toBe('SETTLEMENT_HOLD_NOT_FOUND');
  });

  it('a payout the bank refuses is voided and the money stays owed; the next run pays it once the payee is fixed', async () => {
    const { merchant } = await merchantWithChannel('6222600260001070000'); // the sandbox bank refuses cards ending 0000
    const code = await couponFor({ name: '10元代金券', type: 'CASH', amount: '10.00' });
    expect((await consume(merchant, code, '10.00')).status).toBe(200);
    await drainOutbox();
    const t3 = calendarDays(today(), 3);
    const refused = await settlement().run.settle(t3);
    expect(refused.payoutsFailed).toBeGreaterThanOrEqual(1);
    const [failed] = await statementsOf('merchant', merchant.merchant_id);
    expect(failed).toMatchObject({ status: 'PAYOUT_FAILED', payout: '8.50' });
    const owed = (await accounts()).get(`payable:merchant:${merchant.merchant_id}`)!;
    expect(owed).toMatchObject({ balance: '8.50', available: '8.50', debits_pending: '0.00' }); // the reservation was voided
    expect((await asOperator(`/api/v1/settlement/payees/merchant/${merchant.merchant_id}`, { method: 'PUT', body: { name: '张三', bank_card: '6222600260001072444' } })).status).toBe(200);
    await settlement().run.settle(calendarDays(t3, 1)); // nothing new is due, but the merchant is still owed
    const [retried] = await statementsOf('merchant', merchant.merchant_id);
    expect(retried).toMatchObject({ line_count: 0, total: '0.00', opening_balance: '8.50', payout: '8.50', status: 'PAID' });
    expect((await accounts()).get(`payable:merchant:${merchant.merchant_id}`)!.balance).toBe('0.00');
    await settlement().run.settle(calendarDays(t3, 2));
    expect(await statementsOf('merchant', merchant.merchant_id)).toHaveLength(2); // paid: no more retries
    await expectBalanced();
  });

  it("counts a merchant's T+N in working days when its terms say so, skipping the holiday calendar's days off", async () => {
    const { merchant } = await merchantWithChannel();
    const terms = await asOperator(`/api/v1/settlement/rules/${merchant.merchant_id}`, {
      method: 'PUT',
      body: { platform_bps: 1000, merchant_bps: 8500, channel_bps: 500, platform_days: 1, merchant_days: 2, day_basis: 'working' },
    });
    expect(terms.status, terms.text).toBe(200);
    // By hand: the next weekdays after today; the first is declared a holiday, so T+2 working days is the third.
    const weekdays: string[] = [];
    for (let d = today(); weekdays.length < 3; ) {
      d = calendarDays(d, 1);
      const day = new Date(`${d}T12:00:00Z`).getUTCDay();
      if (day !== 0 && day !== 6) weekdays.push(d);
    }
    const holiday = await asOperator(`/api/v1/settlement/holidays/${weekdays[0]}`, { method: 'PUT', body: { working: false, name: '测试假日' } });
    expect(holiday.status, holiday.text).toBe(200);
    const code = await couponFor({ name: '10元代金券', type: 'CASH', amount: '10.00' });
    expect((await consume(merchant, code, '10.00')).status).toBe(200);
    await drainOutbox();
    const legs = await sql<{ party_kind: string; available_on: string }>`
      SELECT party_kind, available_on::text AS available_on FROM settlement_legs l JOIN settlement_splits s USING (redemption_id)
      WHERE s.merchant_id = ${merchant.merchant_id} ORDER BY party_kind
    `.execute(server.platform.database.db);
    expect(Object.fromEntries(legs.rows.map((l) => [l.party_kind, l.available_on]))).toMatchObject({ merchant: weekdays[2], platform: weekdays[1] });
    expect((await asOperator(`/api/v1/settlement/holidays/${weekdays[0]}`, { method: 'PUT', body: { working: true, name: '' } })).status).toBe(200);
  });

  it('two settlement runs for one date at once: one statement and one payout per party', async () => {
    const { merchant } = await merchantWithChannel();
    for (const amount of ['10.00', '20.00', '30.00']) {
      const code = await couponFor({ name: '代金券', type: 'CASH', amount });
      expect((await consume(merchant, code, '100.00')).status).toBe(200);
    }
    await drainOutbox();
    const t3 = calendarDays(today(), 3);
    const [a, b] = await Promise.all([settlement().run.settle(t3), settlement().run.settle(t3)]);
    const statements = await statementsOf('merchant', merchant.merchant_id);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ total: '51.00', payout: '51.00', status: 'PAID' });
    expect(a.paid + b.paid).toBeGreaterThanOrEqual(1);
    const transfer = await payoutsOf(server.platform).sandbox.find(`settlement-${statements[0]!.statement_id}`);
    expect(transfer).toMatchObject({ status: 'PAID', amount: '51.00' });
    const bankTransfers = await sql<{ n: string }>`SELECT count(*) AS n FROM payout_sandbox_transfers WHERE payout_id = ${`settlement-${statements[0]!.statement_id}`}`.execute(server.platform.database.db);
    expect(Number(bankTransfers.rows[0]!.n)).toBe(1);
    const account = (await accounts()).get(`payable:merchant:${merchant.merchant_id}`)!;
    expect(account).toMatchObject({ balance: '0.00', debits_posted: '51.00' });
  });

  it('1,000 redemptions of random amounts: each splits into parts that sum to it exactly, posted once even when recorded twice', async () => {
    const { merchant } = await merchantWithChannel();
    const random = mulberry32(20261129);
    const commands = Array.from({ length: 1_000 }, (_, i) => ({
      redemptionId: server.platform.ids.next(),
      transactionId: `TX-test-${i}`,
      merchantId: merchant.merchant_id,
      templateId: '1',
      amountFen: BigInt(1 + Math.floor(random() * 99_999)),
      redeemedAt: new Date(),
    }));
    const first = await Promise.all(commands.map((c) => settlement().splits.record(c)));
    expect(first.every(Boolean)).toBe(true);
    const again = await Promise.all(commands.slice(0, 100).map((c) => settlement().splits.record(c)));
    expect(again.some(Boolean)).toBe(false);
    const legs = await sql<{ ref: string; total: string; transfers: string }>`
      SELECT t.ref, sum(e.amount_fen) AS total, count(DISTINCT t.transfer_id) AS transfers
      FROM ledger_transfers t JOIN ledger_entries e ON e.transfer_id = t.transfer_id AND e.side = 'C'
      WHERE t.code = 'SPLIT_LEG' AND t.ref = ANY(${commands.map((c) => c.redemptionId)}::text[])
      GROUP BY t.ref
    `.execute(server.platform.database.db);
    const byRef = new Map(legs.rows.map((r) => [r.ref, BigInt(r.total)]));
    for (const c of commands) expect(byRef.get(c.redemptionId), `redemption ${c.redemptionId} of ${c.amountFen}`).toBe(c.amountFen);
    await expectBalanced();
  });

  it('the ledger refuses edits, unbalanced entries, overdrafts and a second resolution; two-phase transfers post, void and expire', async () => {
    const { ledger } = settlement();
    const dbh = server.platform.database.db;
    const id = randomUUID();
    const write = (specs: Parameters<typeof ledger.write>[1]) => dbh.transaction().execute((trx) => ledger.write(trx, specs));
    await write([{ id: `t-${id}`, code: 'TEST', kind: 'posted', legs: [{ account: 'bank', side: 'D', amountFen: 500n }, { account: 'funding:platform', side: 'C', amountFen: 500n }] }]);
    await expect(sql`UPDATE ledger_transfers SET memo = 'edited' WHERE transfer_id = ${`t-${id}`}`.execute(dbh)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM ledger_entries WHERE transfer_id = ${`t-${id}`}`.execute(dbh)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE ledger_entries`.execute(dbh)).rejects.toThrow(/append-only/);
    // Written by hand, an unbalanced entry is refused when the transaction commits.
    await expect(
      dbh.transaction().execute(async (trx) => {
        await sql`INSERT INTO ledger_transfers (transfer_id, kind, code, fingerprint) VALUES (${`u-${id}`}, 'posted', 'TEST', 'x')`.execute(trx);
        await sql`INSERT INTO ledger_entries (transfer_id, leg, account_id, side, amount_fen) SELECT ${`u-${id}`}, 0, account_id, 'D', 100 FROM ledger_accounts WHERE code = 'bank'`.execute(trx);
        await sql`INSERT INTO ledger_entries (transfer_id, leg, account_id, side, amount_fen) SELECT ${`u-${id}`}, 1, account_id, 'C', 99 FROM ledger_accounts WHERE code = 'funding:platform'`.execute(trx);
      }),
    ).rejects.toThrow(/does not balance/);
    // Legs cannot be added to a committed transfer.
    await expect(
      sql`INSERT INTO ledger_entries (transfer_id, leg, account_id, side, amount_fen) SELECT ${`t-${id}`}, 5, account_id, 'D', 1 FROM ledger_accounts WHERE code = 'bank'`.execute(dbh),
    ).rejects.toThrow(/committed/);

    // A retry of the same transfer is recognised; the same id with other content is refused.
    const retry = await write([{ id: `t-${id}`, code: 'TEST', kind: 'posted', legs: [{ account: 'bank', side: 'D', amountFen: 500n }, { account: 'funding:platform', side: 'C', amountFen: 500n }] }]);
    expect([...retry.existing]).toEqual([`t-${id}`]);
    await expect(write([{ id: `t-${id}`, code: 'TEST', kind: 'posted', legs: [{ account: 'bank', side: 'D', amountFen: 501n }, { account: 'funding:platform', side: 'C', amountFen: 501n }] }])).rejects.toMatchObject({ code: 'LEDGER_TRANSFER_CONFLICT' });

    // The bank may not go below zero, counting reservations.
    const bank = (await ledger.balances(dbh, ['bank'])).get('bank')!;
    await expect(write([{ id: `over-${id}`, code: 'TEST', kind: 'pending', legs: [{ account: 'funding:platform', side: 'D', amountFen: bank.available + 1n }, { account: 'bank', side: 'C', amountFen: bank.available + 1n }] }])).rejects.toMatchObject({
      code: 'LEDGER_INSUFFICIENT_FUNDS',
      details: { account: 'bank' },
    });

    // Two-phase: post part of a reservation (the rest is released), void another, expire a third.
    const reserveSpec = (n: string, amountFen: bigint, timeoutAt?: Date) => ({ id: `${n}-${id}`, code: 'TEST', kind: 'pending' as const, timeoutAt, legs: [{ account: 'funding:platform', side: 'D' as const, amountFen }, { account: 'bank', side: 'C' as const, amountFen }] });
    await write([reserveSpec('p1', 100n), reserveSpec('p2', 50n), reserveSpec('p3', 25n, new Date(Date.now() - 1_000))]);
    const reserved = (await ledger.balances(dbh, ['bank'])).get('bank')!;
    expect(bank.available - reserved.available).toBe(175n);
    await write([{ id: `p1-post-${id}`, code: 'TEST', kind: 'post', pendingId: `p1-${id}`, amountFen: 60n }]);
    await write([{ id: `p2-void-${id}`, code: 'TEST', kind: 'void', pendingId: `p2-${id}` }]);
    await expect(write([{ id: `p2-post-${id}`, code: 'TEST', kind: 'post', pendingId: `p2-${id}` }])).rejects.toMatchObject({ code: 'LEDGER_PENDING_RESOLVED' });
    await expect(write([{ id: `p9-post-${id}`, code: 'TEST', kind: 'post', pendingId: `nope-${id}` }])).rejects.toMatchObject({ code: 'LEDGER_PENDING_NOT_FOUND' });
    expect(await ledger.expireDue(dbh, new Date())).toBeGreaterThanOrEqual(1);
    const after = (await ledger.balances(dbh, ['bank'])).get('bank')!;
    expect(after.posted).toBe(bank.posted - 60n);
    expect(after.available).toBe(bank.available - 60n);
    expect(await ledger.totalsMismatches(dbh)).toEqual([]);
    await expectBalanced();
  });

  it('answers bad input with stable codes', async () => {
    const bad = await asOperator('/api/v1/settlement/runs', { body: { date: '2026-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('SETTLEMENT_DATE_INVALID');
    const rule = await asOperator('/api/v1/settlement/rules/123', { method: 'PUT', body: { platform_bps: 1000, merchant_bps: 8000, channel_bps: 500 } });
    expect(rule.status).toBe(422);
    expect(rule.json.error).toBe('SETTLEMENT_RULE_INVALID');
    const topUp = await asOperator('/api/v1/ledger/top-ups', { body: { source: 'BRAND', amount: '10.00' } });
    expect(topUp.status).toBe(422);
    expect(topUp.json.error).toBe('FUNDING_SOURCE_INVALID');
    const template = await asOperator('/api/v1/coupon/templates', { body: { name: 'x', type: 'CASH', amount: '5.00', valid_days: 3, funding: { source: 'GIFT_CARD' } } });
    expect(template.status).toBe(422);
    expect(template.json.error).toBe('COUPON_TEMPLATE_INVALID');
    const badDay = await asOperator('/api/v1/settlement/holidays/2026-02-30', { method: 'PUT', body: { working: false, name: '无' } });
    expect(badDay.status).toBe(400);
    expect(badDay.json.error).toBe('SETTLEMENT_DATE_INVALID');
    const badCycle = await asOperator('/api/v1/settlement/statements?cycle_date=2026-13-01');
    expect(badCycle.json.error).toBe('SETTLEMENT_DATE_INVALID');
    const badMerchant = await asOperator('/api/v1/settlement/rules/abc');
    expect(badMerchant.status).toBe(400);
    expect(badMerchant.json.error).toBe('VALIDATION_FAILED');
    const missing = await asOperator('/api/v1/settlement/statements/123');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('STATEMENT_NOT_FOUND');
  });
});

function yuan(fen: bigint): string {
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
}

function toFen(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole, cents] = amount.replace('-', '').split('.') as [string, string];
  const fen = BigInt(whole) * 100n + BigInt(cents);
  return negative ? -fen : fen;
}
