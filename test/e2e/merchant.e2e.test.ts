import fs from 'node:fs';
import type { Page } from 'playwright-core';
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

interface HeldCoupon {
  coupon_code: string;
  type: string;
  status: string;
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

/**
 * The merchant console journey (issue #9 item 2): the demo cashier logs in with the code the dev SMS outbox shows,
 * redeems a coupon the demo consumer holds (dry-run preview, then confirm), finds it in today's list, is refused
 * in place, in Chinese, when the same code comes again, and refunds it; then on a phone the till redeems another.
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

  async function redeem(page: Page, code: string, amount: string) {
    await page.locator('[data-test=coupon-code]').fill(code);
    await page.locator('[data-test=amount]').fill(amount);
    await page.locator('[data-test=preview]').click();
  }

  it('a cashier redeems a consumer coupon with a preview, sees it today, is refused a second time, refunds it; a phone till redeems another', async () => {
    const consumer = (await smsLogin(journey.base, CONSUMER)).access_token;
    const held = await unspentCoupons(consumer);
    const cash = held.find((c) => c.type === 'CASH')!;
    const threshold = held.find((c) => c.type === 'THRESHOLD')!;
    expect(cash, JSON.stringify(held)).toBeDefined();
    expect(threshold, JSON.stringify(held)).toBeDefined();

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
    await page.waitForSelector('[data-test=store]');
    expect(await text(page, '[data-test=store]')).toContain('演示便利店');

    // A malformed amount is caught before anything is sent.
    await redeem(page, cash.coupon_code, '3.999');
    expect(await text(page, '#redeem-amount-error')).toBe('请输入正确的金额，最多两位小数，且大于 0');

    // Dry run: discount and payable, nothing spent yet; then confirm.
    await redeem(page, cash.coupon_code, '30');
    await page.waitForSelector('[data-test=preview-card]');
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
    await redeem(page, cash.coupon_code, '30');
    await page.waitForSelector('#redeem-code-error');
    expect(await text(page, '#redeem-code-error')).toBe('券已使用');
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
    // 满100减20 does not apply under 100: refused in place under the amount.
    await redeem(phone, threshold.coupon_code, '99.99');
    await phone.waitForSelector('#redeem-amount-error');
    expect(await text(phone, '#redeem-amount-error')).toBe('订单金额未达到使用门槛');
    await journey.screenshot(phone, 'refused');
    await phone.locator('[data-test=amount]').fill('150');
    await phone.locator('[data-test=preview]').click();
    await phone.waitForSelector('[data-test=preview-card]');
    expect(await text(phone, '[data-test=preview-discount]')).toBe('¥20.00');
    expect(await text(phone, '[data-test=preview-payable]')).toBe('¥130.00');
    await journey.screenshot(phone, 'preview');
    await phone.locator('[data-test=confirm]').click();
    await phone.waitForSelector('[data-test=redeemed]');
    const phoneTx = await text(phone, '[data-test=transaction-id]');
    await phone.locator('[data-test=to-today]').click();
    await phone.locator(`[data-test="tx-${phoneTx}"]`).waitFor();
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
