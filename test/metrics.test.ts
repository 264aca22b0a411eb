import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/app/demo-data.js';
import { auditModule, auditOf } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { lotteryModule, prizesOf } from '../src/modules/lottery/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { notificationsModule } from '../src/modules/notifications/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { riskModule } from '../src/modules/risk/index.js';
import { settlementModule } from '../src/modules/settlement/index.js';
import { createLogger } from '../src/platform/log/logger.js';
import { Scheduler } from '../src/platform/scheduler/scheduler.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor, verifiedLogin } from './support/identity.js';
import { signedCall } from './support/merchant.js';
import { drainOutbox } from './support/outbox.js';
import { useTestServer } from './support/test-platform.js';

interface DemoFile {
  merchant: { merchant_id: string; api_key: string; api_secret: string };
  templates: { template_id: string; type: string }[];
  consumer_coupons: { coupon_code: string; template_id: string; balance: string }[];
}

/** `name{labels} value` lines of a Prometheus text exposition, parsed. */
function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const series: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[pair[1]!] = pair[2]!;
    series.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return series;
}

describe.each(backendPairs())('/metrics after real actions on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    modules: [identityModule, merchantsModule, couponsModule, invoicesModule, auditModule, lotteryModule, payoutsModule, notificationsModule, settlementModule, riskModule],
  });
  const api = (p: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${p}`, init);

  it('exposes every series the alert rules and dashboards read, with bounded labels', async () => {
    const { platform } = server;
    await loadDemoData(platform);
    const demo = JSON.parse(await readFile(path.join(platform.config.dataDir, 'demo.json'), 'utf8')) as DemoFile;

    // Redemptions: one that goes through, one refused in its batch (a 满100减20 coupon on a 10.00 order).
    const card = demo.consumer_coupons.find((c) => c.balance === '500.00')!.coupon_code;
    const paid = await signedCall(server.base, demo.merchant, 'POST', '/api/v1/coupon/consume', { coupon_code: card, merchant_id: demo.merchant.merchant_id, amount: '10.00', order_id: 'metrics-1' });
    expect(paid.status, paid.text).toBe(200);
    const thresholdTemplate = demo.templates.find((t) => t.type === 'THRESHOLD')!.template_id;
    const threshold = demo.consumer_coupons.find((c) => c.template_id === thresholdTemplate)!.coupon_code;
    const refused = await signedCall(server.base, demo.merchant, 'POST', '/api/v1/coupon/consume', { coupon_code: threshold, merchant_id: demo.merchant.merchant_id, amount: '10.00', order_id: 'metrics-2' });
    expect(refused.status, refused.text).toBe(422);
    const refusedCode = (refused.json as { error: string }).error;

    // A consumer (real name verified) claims a coupon, has one invoice accepted and one refused, and draws.
    const consumer = await verifiedLogin(server.base, await sessionFor(platform));
    const auth = bearer(consumer.access_token);
    const claimed = await api('/api/v1/coupon/claim', { body: { template_id: demo.templates[0]!.template_id }, headers: auth });
    expect(claimed.status, claimed.text).toBe(200);
    const issued = await api('/sandbox/tax/invoices', { body: { total_amount: '120.00' } });
    const invoice = issued.json.data as { invoice_number: string; issue_date: string; total_amount: string };
    const accepted = await api('/api/v1/invoices', { body: { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: invoice.total_amount }, headers: auth });
    expect(accepted.status, accepted.text).toBe(200);
    const again = await api('/api/v1/invoices', { body: { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: invoice.total_amount }, headers: auth });
    expect(again.status, again.text).toBe(422);
    await drainOutbox(platform);
    const invoiceId = (accepted.json.data as { invoice_id: string }).invoice_id;
    const drawn = await api('/api/v1/lottery/instant-draw', { body: { invoice_id: invoiceId }, headers: auth });
    expect(drawn.status, drawn.text).toBe(200);
    await drainOutbox(platform);
    await prizesOf(platform).payouts.payDue();
    await auditOf(platform).log.checkpoint();

    // This process leads the scheduler, as `quanyi start` wires it (src/app/process.ts).
    const scheduler = new Scheduler(platform.database.db, createLogger('silent'), 'metrics-test', {
      leaseName: 'metrics-test',
      onLeadership: (leads) => platform.metrics.schedulerLeader.set(leads ? 1 : 0),
    });
    await scheduler.tick();

    const scraped = await api('/metrics');
    expect(scraped.status).toBe(200);
    const series = parseExposition(scraped.text);
    const find = (name: string, labels: Record<string, string> = {}) =>
      series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    const one = (name: string, labels: Record<string, string> = {}) => {
      const found = find(name, labels);
      expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeGreaterThan(0);
      return found[0]!.value;
    };

    // Per route: rate, errors and latency, with a bucket at the 500 ms threshold; the route is the template.
    expect(one('http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/coupon/consume', status_code: '200' })).toBeGreaterThanOrEqual(1);
    expect(one('http_request_duration_seconds_bucket', { route: '/api/v1/coupon/consume', le: '0.5' })).toBeGreaterThanOrEqual(0);
    expect(one('http_request_duration_seconds_count', { route: '/api/v1/invoices', status_code: '422' })).toBe(1);
    // Pool in use and its maximum; PostgreSQL's own connections only on PostgreSQL.
    expect(one('db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(one('db_pool_max_connections')).toBe(db === 'pglite' ? 1 : platform.database.pool.options.max);
    if (db === 'postgres') {
      expect(one('db_server_connections')).toBeGreaterThanOrEqual(1);
      expect(one('db_server_max_connections')).toBeGreaterThanOrEqual(one('db_server_connections'));
    } else {
      expect(find('db_server_connections')).toEqual([]);
    }
    // Outbox.
    expect(one('outbox_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(one('outbox_dead_deliveries')).toBe(0);
    // Group commit: batch sizes, waits, commands by outcome — the business rates of redemptions, claims and draws.
    expect(one('group_commit_batch_size_count', { name: 'coupon.consume' })).toBeGreaterThanOrEqual(1);
    expect(one('group_commit_wait_seconds_count', { name: 'coupon.consume' })).toBeGreaterThanOrEqual(1);
    expect(one('group_commit_commands_total', { name: 'coupon.consume', outcome: 'ok' })).toBe(1);
    expect(find('group_commit_commands_total', { name: 'coupon.consume', outcome: 'refused' }).map((s) => s.labels.reason)).toEqual([refusedCode]);
    expect(one('group_commit_commands_total', { name: 'coupon.claim', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(one('group_commit_commands_total', { name: 'lottery.instant-draw', outcome: 'ok' })).toBe(1);
    // Invoices by outcome and refusal reason.
    expect(one('invoice_submissions_total', { outcome: 'accepted' })).toBe(1);
    expect(one('invoice_submissions_total', { outcome: 'refused' })).toBe(1);
    expect(one('invoice_refusals_total', { reason: 'INVOICE_DUPLICATE' })).toBe(1);
    // Prizes: payouts by kind and outcome when the draw won; past-due gauges always, per source.
    const won = (drawn.json.data as { prize: { kind: string } | null }).prize;
    if (won) expect(find('lottery_prize_payouts_total', { kind: won.kind }).length).toBe(1);
    expect(one('lottery_prizes_past_due', { source: 'INSTANT' })).toBe(0);
    expect(one('lottery_prizes_past_due', { source: 'WEEKLY' })).toBe(0);
    expect(one('lottery_prize_oldest_past_due_seconds', { source: 'INSTANT' })).toBe(0);
    // The tax authority's breaker: one series per state, 1 for the current one.
    expect(one('circuit_breaker_state', { breaker: 'tax_authority', state: 'closed' })).toBe(1);
    expect(one('circuit_breaker_state', { breaker: 'tax_authority', state: 'open' })).toBe(0);
    expect(one('scheduler_leader')).toBe(1);
    // The transparency log: a checkpoint just signed covers every entry.
    expect(one('transparency_log_entries')).toBeGreaterThan(0);
    expect(one('transparency_log_unsigned_entries')).toBe(0);
    expect(Math.abs(one('transparency_log_last_checkpoint_timestamp_seconds') - Date.now() / 1000)).toBeLessThan(60);

    // Bounded labels: every route label is a template or `unmatched`, never a raw path with ids in it.
    for (const s of find('http_request_duration_seconds_count')) expect(s.labels.route).toMatch(/^(unmatched|\/[a-z0-9/_:.-]*)$/);
    expect((await api('/api/v1/no/such/route/12345')).status).toBe(404);
    const after = parseExposition((await api('/metrics')).text);
    expect(after.some((s) => s.name === 'http_request_duration_seconds_count' && s.labels.route === 'unmatched')).toBe(true);
    expect(after.some((s) => s.labels.route?.includes('12345'))).toBe(false);
    await scheduler.stop();
  });
});
