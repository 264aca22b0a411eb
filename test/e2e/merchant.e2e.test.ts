import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { Answer, Item } from '../../web/src/api/types.js';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, businessDate } from '../../src/platform/time/clock.js';
import { http } from '../support/http.js';
import { bearer, smsLogin } from '../support/identity.js';
import { appConsoleErrors } from './support/console.js';
import { browserAvailable, useWebJourney } from './support/harness.js';

const CASHIER = '13800000001';
const CONSUMER = '13800001234';
const OPERATOR = '13800000000';
const SESSION_KEY = 'quanyi.session.merchant';

/** A coupon as GET /users/me/coupons answers it (the web app's types, generated from /openapi.json). */
type HeldCoupon = Item<Answer<'/api/v1/users/me/coupons', 'get'>['coupons']>;

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

/**
 * The merchant console journey (issue #9 item 2): the demo cashier logs in with the code the dev SMS outbox shows,
 * builds an order's list of codes (bad and duplicate codes refused in the browser, one removed), redeems a coupon the
 * demo consumer holds (dry-run preview, then confirm), finds it in today's list, is refused in place, in Chinese,
 * when the same code comes again, and refunds it; then on a phone the till takes a threshold coupon and the gift
 * card in one order (a refusal under the code it names, the whole order previewed, one confirmation) and today's
 * list shows it as one transaction.
 */
describe.runIf(browserAvailable())('merchant console (Chromium)', () => {
  const journey = useWebJourney('merchant');

  /** The demo consumer's unspent coupons, as the consumer's own app lists them. */
  async function unspentCoupons(token: string): Promise<HeldCoupon[]> {
    const res = await http(`${journey.base}/api/v1/users/me/coupons?status=ACTIVATED`, { headers: bearer(token) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { coupons: HeldCoupon[] }).coupons;
  }

  /**
   * The operator runs settlement for a date past the merchant's T+3, once the redemptions' splits are posted (the
   * worker does that from the outbox, a moment after each consume); answers the merchant's statement id.
   */
  async function settleLater(): Promise<string> {
    const operator = bearer((await smsLogin(journey.base, OPERATOR)).access_token);
    const date = addCalendarDays(businessDate(new Date()), 10);
    for (let tries = 0; tries < 60; tries += 1) {
      const run = await http(`${journey.base}/api/v1/settlement/runs`, { body: { date }, headers: operator });
      expect(run.status, run.text).toBe(200);
      const listed = await http(`${journey.base}/api/v1/settlement/statements?party_kind=merchant&cycle_date=${date}`, { headers: operator });
      const statements = (listed.json.data as { statements: { statement_id: string }[] }).statements;
      if (statements.length > 0) return statements[0]!.statement_id;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('no merchant statement after 30 s');
  }

  /** Clicks something that downloads a file; answers the file's suggested name and text. */
  async function savedDownload(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
  }

  /** Types (or "scans": the scanner's Enter ends it) one code into the order. */
  async function addCode(page: Page, code: string) {
    await page.locator('[data-test=coupon-code]').fill(code);
    await page.locator('[data-test=coupon-code]').press('Enter');
  }

  /** The codes on the order, as the till lists them. */
  const orderCodes = (page: Page) => page.locator('[data-test=order-codes] [data-test=code-value]').allTextContents();

  async function preview(page: Page, amount: string) {
    await page.locator('[data-test=amount]').fill(amount);
    await page.locator('[data-test=preview]').click();
  }

  /** The refusal shown under one of the order's codes. */
  async function codeError(page: Page, code: string): Promise<string> {
    const shown = page.locator(`[data-test="code-${code}"] [data-test=code-error]`);
    await shown.waitFor();
    return ((await shown.textContent()) ?? '').trim();
  }

  it('a cashier redeems a consumer coupon with a preview, sees it today, is refused a second time, refunds it; a phone till redeems a threshold coupon and the gift card in one order', async () => {
    const consumer = (await smsLogin(journey.base, CONSUMER)).access_token;
    const held = await unspentCoupons(consumer);
    const cash = held.find((c) => c.type === 'CASH')!;
    const threshold = held.find((c) => c.type === 'THRESHOLD')!;
    const discount = held.find((c) => c.type === 'DISCOUNT')!;
    const giftCard = held.find((c) => c.type === 'GIFT_CARD')!;
    for (const c of [cash, threshold, discount, giftCard]) expect(c, JSON.stringify(held)).toBeDefined();

    // Login with the code from the dev SMS outbox, read off the screen.
    const page = await journey.newPage('desktop');
    await page.goto(`${journey.base}/merchant`);
    await page.locator('#login-phone').fill(CASHIER);
    await page.locator('[data-test=send-code]').click();
    const devNote = await text(page, '[data-test=dev-code]');
    expect(devNote).toContain('开发环境短信');
    await page.locator('#login-code').fill(/\d{6}/.exec(devNote)![0]);
    await journey.screenshot(page, 'login');
    await page.locator('[data-test=login]').click();
    // The bar shows the merchant id at once and its name when the profile arrives: wait for the name.
    await page.locator('[data-test=store]', { hasText: '演示便利店' }).waitFor();
    expect(await text(page, '[data-test=store]')).toContain('演示便利店');

    // Building the order in the browser: a code that cannot be one, the same coupon twice (typed differently), a
    // coupon added and removed again, a malformed amount: all caught before anything is sent.
    await preview(page, '30');
    expect(await text(page, '#redeem-code-error')).toBe('请至少添加一张券');
    await addCode(page, 'ABC');
    expect(await text(page, '#redeem-code-error')).toBe('券码格式不正确：8 位字母数字，如 ABCD-2345');
    await addCode(page, cash.coupon_code);
    expect(await orderCodes(page)).toEqual([cash.coupon_code]);
    expect(await page.locator('#redeem-code-error').count()).toBe(0);
    await page.locator('[data-test=coupon-code]').fill(` ${cash.coupon_code.toLowerCase().replace('-', '')} `);
    await page.locator('[data-test=add-code]').click();
    expect(await text(page, '#redeem-code-error')).toBe('该券已在本单中，不能重复添加');
    await addCode(page, discount.coupon_code);
    expect(await orderCodes(page)).toEqual([cash.coupon_code, discount.coupon_code]);
    await page.locator(`[data-test="code-${discount.coupon_code}"] [data-test=remove-code]`).click();
    expect(await orderCodes(page)).toEqual([cash.coupon_code]);
    await preview(page, '3.999');
    expect(await text(page, '#redeem-amount-error')).toBe('请输入正确的金额，最多两位小数，且大于 0');
    await journey.screenshot(page, 'order');

    // Dry run: discount and payable, nothing spent yet; then confirm. Enter in the emptied code field (the
    // scanner's key) prices the order.
    await page.locator('[data-test=amount]').fill('30');
    await page.locator('[data-test=coupon-code]').press('Enter');
    await page.waitForSelector('[data-test=preview-card]');
    expect(await text(page, `[data-test="line-${cash.coupon_code}"] [data-test=line-amount]`)).toBe('优惠 −¥5.00');
    expect(await text(page, '[data-test=preview-amount]')).toBe('¥30.00');
    expect(await text(page, '[data-test=preview-discount]')).toBe('¥5.00');
    expect(await text(page, '[data-test=preview-payable]')).toBe('¥25.00');
    await journey.screenshot(page, 'preview');
    expect((await unspentCoupons(consumer)).map((c) => c.coupon_code)).toContain(cash.coupon_code);
    await page.locator('[data-test=confirm]').click();
    await page.waitForSelector('[data-test=redeemed]');
    const transactionId = await text(page, '[data-test=transaction-id]');
    expect(transactionId).toMatch(/^TX\d+$/);
    expect(await text(page, '[data-test=done-payable]')).toBe('¥25.00');
    await journey.screenshot(page, 'redeemed');

    // Today's list shows it.
    await page.locator('[data-test=to-today]').click();
    const row = page.locator(`[data-test="tx-${transactionId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-test=tx-coupon]').textContent()).toContain(cash.coupon_code);
    expect((await row.locator('[data-test=tx-discount]').textContent())?.trim()).toBe('¥5.00');
    expect((await row.locator('[data-test=tx-status]').textContent())?.trim()).toBe('已核销');
    expect(await text(page, '[data-test=total-count]')).toBe('1');
    expect(await text(page, '[data-test=total-discount]')).toBe('¥5.00');
    await journey.screenshot(page, 'today');

    // The same code again: refused in place, under the code, with the stable code's Chinese message.
    await page.locator('[data-test=nav-redeem]').click();
    await addCode(page, cash.coupon_code);
    await preview(page, '30');
    expect(await codeError(page, cash.coupon_code)).toBe('券已使用');
    expect(await page.locator('[data-test=preview-card]').count()).toBe(0);
    await journey.screenshot(page, 'refused');

    // Refund it from today's list; the list then shows it refunded.
    await page.locator('[data-test=nav-today]').click();
    await row.locator('[data-test=tx-refund]').click();
    expect(await page.locator('[data-test=refund-tx]').inputValue()).toBe(transactionId);
    await page.locator('[data-test=refund-submit]').click();
    await page.waitForSelector('[data-test=refunded]');
    expect(await text(page, '[data-test=refunded]')).toContain(cash.coupon_code);
    await journey.screenshot(page, 'refund');
    await page.locator('[data-test=nav-today]').click();
    await page.waitForSelector(`[data-test="tx-${transactionId}"][data-status=REFUNDED]`);
    expect(await text(page, '[data-test=total-refunded]')).toBe('¥5.00');

    // Settlements: nothing is due on the first day (the merchant's share settles T+3).
    await page.locator('[data-test=nav-settlements]').click();
    await page.waitForSelector('[data-test=settlements-empty]');

    // On a phone. The dev SMS outbox sends one code per phone per minute, so this till reuses the session the
    // cashier just opened (as a second tab of the same login would) instead of asking for another code.
    const phone = await journey.newPage('phone');
    await phone.goto(`${journey.base}/merchant`);
    await phone.waitForSelector('#login-phone');
    await journey.screenshot(phone, 'login');
    const saved = await page.evaluate<string>(`sessionStorage.getItem(${JSON.stringify(SESSION_KEY)})`);
    await phone.evaluate(`sessionStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(saved)})`);
    await phone.reload();
    await phone.waitForSelector('[data-test=store]');
    // One order, two coupons: 满100减20 and the 500-yuan gift card. Under 100 the threshold coupon is refused, in
    // place under that code (the server names it), and the gift card is untouched.
    await addCode(phone, giftCard.coupon_code);
    await addCode(phone, threshold.coupon_code);
    expect(await orderCodes(phone)).toEqual([giftCard.coupon_code, threshold.coupon_code]);
    await preview(phone, '99.99');
    expect(await codeError(phone, threshold.coupon_code)).toBe('订单金额未达到使用门槛');
    expect(await phone.locator(`[data-test="code-${giftCard.coupon_code}"] [data-test=code-error]`).count()).toBe(0);
    await journey.screenshot(phone, 'refused');
    // At 150 the server prices the whole order: the threshold coupon first (−20), then the card pays the rest.
    await preview(phone, '150');
    await phone.waitForSelector('[data-test=preview-card]');
    const lines = phone.locator('[data-test=preview-lines] > li');
    expect(await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-type')))).toEqual(['THRESHOLD', 'GIFT_CARD']);
    expect(await text(phone, `[data-test="line-${threshold.coupon_code}"] [data-test=line-amount]`)).toBe('优惠 −¥20.00');
    expect(await text(phone, `[data-test="line-${giftCard.coupon_code}"] [data-test=line-amount]`)).toBe('礼品卡支付 ¥130.00');
    expect(await text(phone, `[data-test="line-${giftCard.coupon_code}"] [data-test=line-balance]`)).toBe('核销后余额 ¥370.00');
    expect(await text(phone, '[data-test=preview-discount]')).toBe('¥150.00');
    expect(await text(phone, '[data-test=preview-payable]')).toBe('¥0.00');
    await journey.screenshot(phone, 'preview');
    // Still nothing spent: both coupons remain the consumer's.
    expect((await unspentCoupons(consumer)).map((c) => c.coupon_code)).toEqual(expect.arrayContaining([threshold.coupon_code, giftCard.coupon_code]));
    // One confirmation under one Idempotency-Key: the client sends it with the consume.
    const consumes: (string | null)[] = [];
    phone.on('request', (request) => {
      if (request.url().endsWith('/api/v1/coupon/consume')) consumes.push(request.headers()['idempotency-key'] ?? null);
    });
    await phone.locator('[data-test=confirm]').click();
    await phone.waitForSelector('[data-test=redeemed]');
    expect(consumes).toHaveLength(1);
    expect(consumes[0]).toMatch(/^[0-9a-f-]{36}$/);
    const phoneTx = await text(phone, '[data-test=transaction-id]');
    expect(await text(phone, '[data-test=done-payable]')).toBe('¥0.00');
    expect(await text(phone, '[data-test=done-balance]')).toBe('¥370.00');
    await journey.screenshot(phone, 'redeemed');
    await phone.locator('[data-test=to-today]').click();
    const orderRow = phone.locator(`[data-test="tx-${phoneTx}"]`);
    await orderRow.waitFor();
    const orderLines = await orderRow.locator('[data-test=tx-coupon]').allTextContents();
    expect(orderLines).toHaveLength(2);
    expect(orderLines.join(' ')).toContain(threshold.coupon_code);
    expect(orderLines.find((l) => l.includes(giftCard.coupon_code))).toContain('礼品卡支付 ¥130.00');
    expect(orderLines.find((l) => l.includes(threshold.coupon_code))).toContain('−¥20.00');
    expect((await orderRow.locator('[data-test=tx-discount]').textContent())?.trim()).toBe('¥150.00');
    expect((await orderRow.locator('[data-test=tx-payable]').textContent())?.trim()).toBe('¥0.00');
    expect(await text(phone, '[data-test=total-count]')).toBe('2');
    expect(await phone.locator('[data-test^="tx-TX"]').count()).toBe(2);
    // Nothing wider than the phone: the list fits 390 px.
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await journey.screenshot(phone, 'today');

    // Days later the operator's settlement run makes the merchant a statement: the cashier opens it and downloads
    // its CSV (fetched with the bearer token, saved as a file).
    const statementId = await settleLater();
    await page.locator('[data-test=nav-redeem]').click();
    await page.locator('[data-test=nav-settlements]').click();
    const card = page.locator(`[data-test="statement-${statementId}"]`);
    await card.waitFor();
    await journey.screenshot(page, 'settlements');
    const fromList = await savedDownload(page, () => card.locator('[data-test=statement-csv]').click());
    await card.locator('[data-test=statement-view]').click();
    await page.waitForSelector('[data-test=statement-lines]');
    const lineCount = await page.locator('[data-test=statement-line]').count();
    expect(lineCount).toBeGreaterThan(0);
    await journey.screenshot(page, 'statement');
    const fromDetail = await savedDownload(page, () => page.locator('[data-test=statement-csv]').click());
    expect(fromDetail.name).toBe(fromList.name);
    expect(fromDetail.name).toMatch(new RegExp(`^statement-\\d{4}-\\d{2}-\\d{2}-${statementId}\\.csv$`));
    const rows = fromDetail.text.trim().split('\r\n');
    expect(rows[0]).toBe('statement_id,party_kind,party_id,cycle_date,line_id,kind,redemption_id,transaction_id,refund_id,amount,available_on');
    expect(rows).toHaveLength(lineCount + 1);
    expect(rows.slice(1).every((r) => r.startsWith(`${statementId},merchant,`))).toBe(true);
    await phone.locator('[data-test=nav-settlements]').click();
    await phone.locator(`[data-test="statement-${statementId}"]`).waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await journey.screenshot(phone, 'settlements');

    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  });
});
