import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appConsoleErrors } from './support/console.js';
import { browserAvailable, useWebJourney } from './support/harness.js';

/** A verifying sandbox identity (docs/sandbox-identities.md); each journey runs on a fresh database, so it is free. */
const IDENTITY = { name: '李四', idNumber: '130503196704010016', bankCard: '6222600260001072444', bankPhone: '13912345678' };
/** Its number with the check character wrong (documented as refused locally with ID_NUMBER_CHECKSUM). */
const BAD_ID_NUMBER = '130503196704010012';
const CAMPAIGN = '必中活动 E2E';

interface Envelope<T> {
  readonly data: T;
  readonly error?: string;
}

describe.runIf(browserAvailable())('consumer H5 journey (Chromium)', () => {
  const journey = useWebJourney('consumer');

  async function api<T>(path: string, body?: unknown, token?: string): Promise<T> {
    const response = await fetch(`${journey.base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Envelope<T>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json.data;
  }

  async function apiLogin(phone: string): Promise<string> {
    await api('/api/v1/auth/sms/send', { phone });
    const { messages } = await api<{ messages: { otp: string }[] }>(`/api/v1/dev/sms?phone=${phone}`);
    return (await api<{ access_token: string }>('/api/v1/auth/sms/login', { phone, code: messages[0]!.otp })).access_token;
  }

  /** Logs in through the login page, reading the code the page shows from the dev SMS outbox. */
  async function uiLogin(page: Page, phone: string, screenshot?: string) {
    await page.goto(`${journey.base}/app`);
    await page.waitForURL(/\/app\/login/);
    await page.fill('#login-phone', phone);
    await page.click('[data-test=send-code]');
    const shown = await page.locator('[data-test=dev-code]').textContent();
    expect(shown).toContain('开发环境短信');
    await page.fill('#login-code', /\d{6}/.exec(shown ?? '')![0]);
    if (screenshot) await journey.screenshot(page, screenshot);
    await page.click('[data-test=login]');
    await page.waitForURL((url) => !url.pathname.startsWith('/app/login'));
  }

  /** Nothing sticks out sideways at 390 px. */
  async function fitsPhone(page: Page) {
    // Runs in the page; the root tsconfig has no DOM types, so the page's globals are reached untyped.
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  }

  it('a new consumer logs in, verifies, registers a sandbox invoice, draws, wins and sees the prize', async () => {
    // The operator runs a campaign whose instant pool makes every ticket win (one cash prize, one coupon prize) and
    // gives an 88-yuan invoice two chances, so the draws' outcomes are known; its "weekly" draw closes every minute,
    // so the journey can ask "was I in it?".
    const operator = await apiLogin('13800000000');
    const { campaigns } = await api<{ campaigns: { instant: { prizes: { kind: string; coupon_template_id?: string }[] } | null }[] }>('/api/v1/lottery/campaigns');
    const couponTemplate = campaigns.flatMap((c) => c.instant?.prizes ?? []).find((p) => p.kind === 'COUPON')!.coupon_template_id!;
    const now = Date.now();
    await api(
      '/api/v1/lottery/campaigns',
      {
        name: CAMPAIGN,
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 86_400_000).toISOString(),
        chances: { mode: 'PER_AMOUNT_STEP', step: '40.00', max_per_invoice: 2 },
        instant: {
          tickets: 2,
          prizes: [
            { name: '现金 6.66元', kind: 'CASH', amount: '6.66', count: 1 },
            { name: '立减5元券', kind: 'COUPON', coupon_template_id: couponTemplate, count: 1 },
          ],
        },
        weekly: { cron: '* * * * *', tiers: [{ tier: 'FIRST', name: '周奖 1元', kind: 'CASH', amount: '1.00', count: 1 }] },
      },
      operator,
    );
    // A real (sandbox) 数电 invoice from the default registered seller.
    const invoice = await api<{ invoice_number: string; issue_date: string; total_amount: string }>('/sandbox/tax/invoices', { total_amount: '88.00' });

    const page = await journey.newPage('phone');
    await uiLogin(page, `139${String(randomInt(0, 1e8)).padStart(8, '0')}`, 'login');
    await page.locator('[data-test=real-name-needed]').waitFor();
    await fitsPhone(page);
    await journey.screenshot(page, 'home');

    // Real-name verification, with the live ID-number check.
    await page.click('[data-test=go-real-name]');
    await page.fill('#rn-id', BAD_ID_NUMBER);
    await expect.poll(() => page.locator('#rn-id-error').textContent()).toContain('校验位不正确');
    await page.fill('#rn-name', IDENTITY.name);
    await page.fill('#rn-id', IDENTITY.idNumber);
    await expect.poll(() => page.locator('#rn-id-hint').textContent()).toContain('格式正确');
    await page.fill('#rn-card', IDENTITY.bankCard);
    await page.fill('#rn-phone', IDENTITY.bankPhone);
    // Submitting without the separate consent is refused in place.
    await page.click('[data-test=real-name-submit]');
    await expect.poll(() => page.locator('.consent .field-error').textContent()).toContain('请先勾选同意');
    await page.check('[data-test=consent]');
    await fitsPhone(page);
    await journey.screenshot(page, 'real-name');
    await page.click('[data-test=real-name-submit]');
    await page.locator('[data-test=real-name-done]').waitFor();
    expect(await page.locator('[data-test=real-name-done]').textContent()).toContain('实名认证成功');

    // The invoice: a malformed number is caught as it is typed, then the real one is accepted.
    await page.click('[data-test=go-add-invoice]');
    await page.fill('[data-test=invoice-number]', `12${invoice.invoice_number.slice(2)}`);
    await expect.poll(() => page.locator('#inv-number-error').textContent()).toContain('年份');
    await journey.screenshot(page, 'invoice-number-check');
    await page.fill('[data-test=invoice-number]', invoice.invoice_number);
    await expect.poll(() => page.locator('#inv-number-hint').textContent()).toContain('格式正确');
    await page.fill('[data-test=invoice-date]', invoice.issue_date);
    await page.fill('[data-test=invoice-amount]', invoice.total_amount);
    await page.click('[data-test=invoice-submit]');
    await page.locator('[data-test=invoice-accepted]').waitFor();
    expect(await page.locator('[data-test=accepted-number]').textContent()).toBe(invoice.invoice_number);
    await fitsPhone(page);
    await journey.screenshot(page, 'invoice-accepted');

    // The draw: chances arrive through the outbox relay, so refresh until they show (bounded).
    await page.click('[data-test=go-draw]');
    const row = page.locator('[data-test=chance-row]', { hasText: CAMPAIGN });
    for (let i = 0; i < 30 && !(await row.isVisible()); i++) {
      await page.waitForTimeout(1000);
      if (!(await row.isVisible()) && (await page.locator('[data-test=refresh]').isEnabled())) await page.click('[data-test=refresh]');
    }
    await row.waitFor({ timeout: 5000 });
    await journey.screenshot(page, 'draw-chances');
    expect(await row.textContent()).toContain('剩余 2 次');
    const won: string[] = [];
    for (let draw = 1; draw <= 2; draw++) {
      await row.locator('[data-test=draw-button]').click();
      await page.locator('[data-test=draw-animation]').waitFor();
      if (draw === 1) await journey.screenshot(page, 'draw-animation');
      const result = page.locator('[data-test=draw-result]');
      await result.waitFor();
      expect(await result.getAttribute('data-won')).toBe('true');
      won.push((await page.locator('[data-test=prize-name]').textContent()) ?? '');
      await fitsPhone(page);
      await journey.screenshot(page, `draw-result-${draw}`);
      if (draw === 1) {
        await page.click('[data-test=draw-again]');
        await row.waitFor();
      }
    }
    expect(won.sort()).toEqual(['现金 6.66元', '立减5元券'].sort());

    // My prizes: the cash prize with its payout status, the coupon prize once issued (the payout job runs every
    // minute, so this waits up to ~90 s, refreshing as a user would).
    await page.click('[data-test=go-prizes]');
    const cash = page.locator('[data-test=prize-row]', { hasText: '¥6.66' });
    await cash.waitFor();
    expect(['PENDING', 'PAID']).toContain(await cash.getAttribute('data-status'));
    expect(['发放中', '已到账']).toContain((await cash.locator('[data-test=prize-status]').textContent())?.trim());
    // Each prize by the name the campaign's rules gave it.
    expect((await cash.locator('[data-test=prize-name]').textContent())?.trim()).toBe('现金 6.66元');
    expect((await page.locator('[data-test=prize-row][data-source=INSTANT] [data-test=prize-name]').allTextContents()).map((n) => n.trim()).sort()).toEqual(['现金 6.66元', '立减5元券'].sort());
    const coupon = page.locator('[data-test=prize-row][data-status=ISSUED]');
    await journey.screenshot(page, 'prizes-pending');
    for (let i = 0; i < 30 && !(await coupon.isVisible()); i++) {
      await page.waitForTimeout(3000);
      await page.click('[data-test=refresh]');
    }
    expect(await coupon.locator('[data-test=prize-status]').textContent()).toBe('已发券');
    expect((await coupon.locator('[data-test=prize-name]').textContent())?.trim()).toBe('立减5元券');
    const prizeCode = /券码 (\S+)/.exec((await coupon.textContent()) ?? '')?.[1];
    expect(prizeCode).toBeTruthy();
    await fitsPhone(page);
    await journey.screenshot(page, 'prizes');

    // The prize coupon in my coupons, its code as a QR code to show at the till.
    await page.click('[data-test=tab-coupons]');
    const held = page.locator('[data-test=coupon-row]', { hasText: '立减5元' }).first();
    await held.waitFor();
    await held.locator('[data-test=show-code]').click();
    const qr = held.locator('[data-test=coupon-qr]');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const code = (await held.locator('[data-test=coupon-code]').textContent())?.trim();
    expect(code).toBe(prizeCode);
    await fitsPhone(page);
    await journey.screenshot(page, 'coupons');

    // A refusal, in place and in Chinese: the same invoice again (and an amount under the floor) lists every reason.
    await page.click('[data-test=tab-invoices]');
    await page.locator('[data-test=invoice-row][data-status=ACCEPTED]').waitFor();
    await journey.screenshot(page, 'invoices');
    await page.click('[data-test=go-add-invoice]');
    await page.fill('[data-test=invoice-number]', invoice.invoice_number);
    await expect.poll(() => page.locator('#inv-number-error').textContent()).toContain('已被登记');
    await page.fill('[data-test=invoice-date]', invoice.issue_date);
    await page.fill('[data-test=invoice-amount]', '5.00');
    await page.click('[data-test=invoice-submit]');
    await page.locator('[data-test=refusal]').waitFor();
    const reasons = await page.locator('[data-test=refusal-reason]').evaluateAll((items) => items.map((li) => [li.getAttribute('data-code'), li.textContent]));
    expect(reasons).toContainEqual(['INVOICE_DUPLICATE', '发票已被登记,不能重复登记']);
    expect(reasons.map(([code]) => code)).toContain('INVOICE_AMOUNT_TOO_LOW');
    expect(reasons.length).toBeGreaterThanOrEqual(2);
    await fitsPhone(page);
    await journey.screenshot(page, 'invoice-refused');

    // Upload: a file that is no invoice is refused at the file field; the sandbox's signed XML of another invoice
    // is read and accepted.
    const files = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-consumer-'));
    const second = await api<{ invoice_number: string; xml_url: string }>('/sandbox/tax/invoices', { total_amount: '36.50' });
    fs.writeFileSync(path.join(files, 'invoice.xml'), Buffer.from(await (await fetch(`${journey.base}${second.xml_url}`)).arrayBuffer()));
    fs.writeFileSync(path.join(files, 'notes.txt'), 'not an invoice');
    await page.click('[data-test=mode-upload]');
    await page.setInputFiles('[data-test=invoice-file]', path.join(files, 'notes.txt'));
    await page.click('[data-test=invoice-submit]');
    await expect.poll(() => page.locator('#inv-file-error').textContent()).toContain('不支持的发票文件格式');
    await journey.screenshot(page, 'invoice-upload-refused');
    await page.setInputFiles('[data-test=invoice-file]', path.join(files, 'invoice.xml'));
    await page.click('[data-test=invoice-submit]');
    await page.locator('[data-test=invoice-accepted]').waitFor();
    expect(await page.locator('[data-test=accepted-number]').textContent()).toBe(second.invoice_number);
    expect(await page.locator('[data-test=invoice-accepted]').textContent()).toContain('¥36.50');
    await journey.screenshot(page, 'invoice-upload-accepted');
    fs.rmSync(files, { recursive: true, force: true });

    // Weekly draws: the campaign's entry set closes at the next minute's fire (bounded wait, reloading); then "was I
    // in it?" finds both entries (one per chance) and verifies their inclusion proofs in the browser.
    await page.click('[data-test=tab-me]');
    await page.click('[data-test=go-weekly]');
    const weekly = page.locator('[data-test=weekly-campaign]', { hasText: CAMPAIGN });
    await weekly.waitFor();
    for (let i = 0; i < 36 && (await weekly.locator('[data-test=weekly-draw]').count()) === 0; i++) {
      await page.waitForTimeout(5000);
      await page.reload();
      await weekly.waitFor();
    }
    await weekly.locator('[data-test=was-i-in-it]').first().click();
    const found = weekly.locator('[data-test=entry-found]');
    await found.first().waitFor();
    expect(await found.evaluateAll((items) => items.map((item) => item.getAttribute('data-verified')))).toEqual(['true', 'true']);
    expect(await found.first().textContent()).toContain('包含证明已在浏览器中验证');
    await fitsPhone(page);
    await journey.screenshot(page, 'weekly');

    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  }, 420_000);

  it('the demo consumer (desktop) sees its four coupons and shows one as a QR code', async () => {
    const page = await journey.newPage('desktop');
    await uiLogin(page, '13800001234', 'login');
    await page.locator('[data-test=chances-left]').waitFor();
    await journey.screenshot(page, 'home');
    await page.click('.wide-tabs >> text=卡券');
    const coupon = page.locator('[data-test=coupon-row][data-status=ACTIVATED]').first();
    await coupon.waitFor();
    expect(await page.locator('[data-test=coupon-row]').count()).toBe(4);
    await coupon.locator('[data-test=show-code]').click();
    const qr = coupon.locator('[data-test=coupon-qr]');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect((await coupon.locator('[data-test=coupon-code]').textContent())?.trim().length).toBeGreaterThan(5);
    await journey.screenshot(page, 'coupons');
    for (const [path, name] of [['/app/invoices/new', 'invoice-form'], ['/app/real-name', 'real-name'], ['/app/draw', 'draw'], ['/app/prizes', 'prizes'], ['/app/weekly', 'weekly'], ['/app/me', 'me']] as const) {
      await page.goto(`${journey.base}${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await journey.screenshot(page, name);
    }
    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  });
});
