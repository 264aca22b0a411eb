import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Answer, Item } from '../../web/src/api/types.js';
import { describe, expect, it } from 'vitest';
import { generateEd25519NoteKey } from '../../src/modules/audit/domain/signed-note.js';
import { appConsoleErrors } from './support/console.js';
import { browserAvailable, useWebJourney } from './support/harness.js';

/** A verifying sandbox identity (docs/sandbox-identities.md); the journey runs on a fresh database. */
const IDENTITY = { name: '李四', id_number: '130503196704010016', bank_card: '6222600260001072444', bank_phone: '13912345678' };

/** A campaign as GET /lottery/campaigns answers it (the web app's types, generated from /openapi.json). */
type Campaign = Item<Answer<'/api/v1/lottery/campaigns', 'get'>['campaigns']>;

describe.runIf(browserAvailable())('public fairness page journey (Chromium)', () => {
  const journey = useWebJourney('fairness');

  async function api<T>(path: string, body?: unknown, token?: string): Promise<T> {
    const response = await fetch(`${journey.base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { data: T };
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json.data;
  }

  async function apiLogin(phone: string): Promise<string> {
    await api('/api/v1/auth/sms/send', { phone });
    const { messages } = await api<{ messages: { otp: string }[] }>(`/api/v1/dev/sms?phone=${phone}`);
    return (await api<{ access_token: string }>('/api/v1/auth/sms/login', { phone, code: messages[0]!.otp })).access_token;
  }

  /** A campaign with no instant pool whose weekly draw closes at every minute, so one is drawn within the journey. */
  async function minuteWeeklyCampaign(operator: string): Promise<string> {
    const now = Date.now();
    const created = await api<{ campaign_id: string }>(
      '/api/v1/lottery/campaigns',
      {
        name: '每分钟周奖 E2E',
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 86_400_000).toISOString(),
        weekly: { cron: '* * * * *', tiers: [{ tier: 'FIRST', name: '周奖 1元', kind: 'CASH', amount: '1.00', count: 1 }] },
      },
      operator,
    );
    return created.campaign_id;
  }

  /**
   * A draw to verify, made through the API: a verified consumer registers a sandbox invoice (which enters both
   * campaigns) and draws once from the demo campaign's instant pool, then the demo operator ends the demo campaign,
   * which reveals the pool's seed.
   */
  async function drawAndReveal(operator: string): Promise<Campaign> {
    const { campaigns } = await api<{ campaigns: Campaign[] }>('/api/v1/lottery/campaigns');
    const demo = campaigns.find((c) => c.instant)!;
    const consumer = await apiLogin(IDENTITY.bank_phone);
    await api('/api/v1/users/me/consents', { purpose: 'real_name_verification' }, consumer);
    await api('/api/v1/users/me/real-name', IDENTITY, consumer);
    const issued = await api<{ invoice_number: string; issue_date: string; total_amount: string }>('/sandbox/tax/invoices', { total_amount: '120.00' });
    const invoice = await api<{ invoice_id: string }>('/api/v1/invoices', { invoice_number: issued.invoice_number, issue_date: issued.issue_date, total_amount: issued.total_amount }, consumer);
    // Chances are granted by the worker when it relays invoice.accepted.
    const chances = async () => (await api<{ chances: { campaign_id: string; granted: number; used: number }[] }>('/api/v1/users/me/lottery', undefined, consumer)).chances;
    await expect.poll(async () => (await chances()).some((c) => c.campaign_id === demo.campaign_id && c.granted > c.used), { timeout: 30_000, interval: 300 }).toBe(true);
    await api('/api/v1/lottery/instant-draw', { invoice_id: invoice.invoice_id, campaign_id: demo.campaign_id }, consumer);
    const ended = await api<Campaign>(`/api/v1/lottery/campaigns/${demo.campaign_id}/end`, {}, operator);
    expect(ended).toMatchObject({ status: 'ENDED', instant: { drawn: 1 } });
    expect(ended.instant!.pool_seed).toMatch(/^[0-9a-f]{64}$/);
    return ended;
  }

  async function openFairness(page: Page): Promise<void> {
    await page.goto(`${journey.base}/fairness`);
    await page.waitForSelector('[data-test=signature-status][data-state=valid]');
  }

  async function verifyDraw(page: Page, drawId: string, verdict: 'passed' | 'failed') {
    const box = page.locator(`[data-test="verify-${drawId}"]`);
    await box.locator('[data-test=verify-button]').click();
    await box.locator(`[data-test=verify-report][data-verdict=${verdict}]`).waitFor({ timeout: 60_000 });
    return box;
  }

  let weeklyCampaign = '';

  it('shows the signed checkpoint verified in the browser, re-runs a draw there, and catches a key that is not the log’s', async () => {
    const operator = await apiLogin('13800000000');
    weeklyCampaign = await minuteWeeklyCampaign(operator);
    const campaign = await drawAndReveal(operator);
    const drawId = campaign.instant!.draw_id;
    const checkpoint = await api<{ origin: string; size: number; root_hash: string }>('/api/v1/transparency/checkpoint');

    const page = await journey.newPage('desktop');
    await openFairness(page);
    expect(await page.locator('[data-test=signature-status]').textContent()).toContain('签名有效');
    expect(await page.locator('[data-test=checkpoint-origin]').textContent()).toBe(checkpoint.origin);
    expect(Number(await page.locator('[data-test=checkpoint-size]').textContent())).toBeGreaterThanOrEqual(checkpoint.size);
    const card = page.locator(`[data-test="draw-${drawId}"]`);
    expect(await card.locator('[data-test=seed]').textContent()).toBe(campaign.instant!.pool_seed);

    const box = await verifyDraw(page, drawId, 'passed');
    expect(await box.locator('[data-test=verdict]').textContent()).toContain('验证通过');
    const checks = await box.locator('[data-test=verify-checks] li').allTextContents();
    expect(checks.join('\n')).toContain('revealed seed matches the commitment logged at entry 0');
    expect(checks.join('\n')).toContain('re-derived all 1 draws of a 1000-ticket pool');
    expect(await box.locator('[data-test=first-mismatch]').count()).toBe(0);
    await journey.screenshot(page, 'verified');

    // The draw's own link, copied from its card: the page's address with the draw's anchor.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: journey.base });
    await card.locator('[data-test=copy-link]').click();
    await expect.poll(() => card.locator('[data-test=copy-link]').textContent()).toBe('链接已复制');
    const link = await page.evaluate('navigator.clipboard.readText()');
    expect(link).toBe(`${journey.base}/fairness#${drawId}`);
    // The operator console links here as /fairness?draw=<id>: the same draw is marked.
    await page.goto(`${journey.base}/fairness?draw=${drawId}`);
    await page.locator(`[data-test="draw-${drawId}"][data-linked=true] [data-test=linked-note]`).waitFor();

    // A reader who pins another key (as if this site served a forged log): the checkpoint and the draw both fail.
    const otherKey = generateEd25519NoteKey(checkpoint.origin).verifierKey;
    await page.fill('[data-test=pinned-key]', otherKey);
    await page.waitForSelector('[data-test=signature-status][data-state=invalid]');
    const refused = await verifyDraw(page, drawId, 'failed');
    expect(await refused.locator('[data-test=verdict]').textContent()).toContain('验证未通过');
    expect(await refused.locator('[data-test=first-mismatch]').textContent()).toContain('checkpoint signature does not verify');
    await journey.screenshot(page, 'wrong-key');

    // In English too.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Draw fairness: published and verifiable' }).waitFor();

    // On a phone, the copied link opens the page scrolled down to that draw, highlighted, and only that one.
    const phone = await journey.newPage('phone');
    await phone.goto(String(link));
    await phone.waitForSelector('[data-test=signature-status][data-state=valid]');
    const linked = phone.locator(`[data-test="draw-${drawId}"][data-linked=true]`);
    expect(await linked.locator('[data-test=linked-note]').textContent()).toContain('你打开的链接指向这次开奖');
    // Scrolled to: the draw's top in the upper half of the screen (it starts well below the first screen).
    const top = async () => (await linked.boundingBox())?.y ?? -1;
    await expect.poll(async () => { const y = await top(); return y >= 0 && y < 844 / 2; }).toBe(true);
    expect(await phone.evaluate('window.scrollY')).toBeGreaterThan(0);
    expect(await phone.locator('[data-linked=true]').count()).toBe(1);
    await journey.screenshot(phone, 'linked-draw');
    await verifyDraw(phone, drawId, 'passed');
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await journey.screenshot(phone, 'verified');

    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  }, 180_000);

  it('re-runs a weekly draw in the browser once its beacon round is out', async () => {
    // The entry set closes at the next minute, its beacon round is named a minute later, and the scheduler draws it
    // at the minute after that: up to about three minutes.
    const drawn = async () => (await api<{ draws: { draw_id: string; status: string }[] }>(`/api/v1/lottery/campaigns/${weeklyCampaign}/weekly-draws`)).draws.find((d) => d.status === 'DRAWN');
    await expect.poll(drawn, { timeout: 240_000, interval: 2_000 }).toBeTruthy();
    const drawId = (await drawn())!.draw_id;

    const page = await journey.newPage('phone');
    await openFairness(page);
    const box = await verifyDraw(page, drawId, 'passed');
    const checks = (await box.locator('[data-test=verify-checks] li').allTextContents()).join('\n');
    expect(checks).toMatch(/entry set of \d+ hashes to the root logged at entry \d+/);
    expect(checks).toMatch(/beacon local:\S+ round \d+ verifies/);
    expect(checks).toMatch(/re-derived all 1 winners from \d+ entries/);
    await journey.screenshot(page, 'weekly-verified');
    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  }, 300_000);
});
