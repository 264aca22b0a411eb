import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { importSandboxInvoices, invoicesModule, SandboxImportError, type ImportRowInput } from '../src/modules/invoices/index.js';
import { lotteryOf } from '../src/modules/lottery/index.js';
import { businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor, verifiedLogin } from './support/identity.js';
import { CORPUS } from './support/real-invoices.js';
import { spawnTs } from './support/spawn.js';
import { useTestServer } from './support/test-platform.js';

/**
 * Legacy invoices (增值税电子普通发票/专用发票) end to end through the typed form and the sandbox: checked by
 * 代码 + 号码 + date + 校验码 last 6 (普票) or the pre-tax amount (专票); a refused query is a 422 with the authority's
 * reason, kept in the user's history, never a 503; duplicates by code + number.
 */
describe.each(backendPairs())('legacy invoices on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });
  const api = (p: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${p}`, init);
  const consumer = async () => (await verifiedLogin(server.base, await sessionFor(server.platform))).access_token;
  const today = () => businessDate(new Date());
  const submit = (token: string, body: Record<string, unknown>, language = 'zh-CN') => api('/api/v1/invoices', { body, headers: { ...bearer(token), 'accept-language': language } });
  const mine = async (token: string) => (await api('/api/v1/users/me/invoices', { headers: bearer(token) })).json.data as { invoices: { invoice_number: string; invoice_code: string | null; status: string; reasons: { code: string }[] }[] };

  let serial = 0;
  /** A fresh 8-digit 发票号码, so tests never share an invoice's 5 daily checks. */
  const nextNumber = () => String(70_000_000 + process.pid * 100 + ++serial * 7).slice(-8);
  const PUPIAO_CODE = '033002600211'; // 浙江, 2026 batch, kind 11: 电子普票
  const ZHUANPIAO_CODE = '031002600113'; // 上海, 2026 batch, kind 13: 电子专票
  const row = (fields: Partial<ImportRowInput>): ImportRowInput => ({
    kind: 'LEGACY',
    invoice_code: PUPIAO_CODE,
    invoice_number: nextNumber(),
    issue_date: today(),
    total_amount: '100.00',
    amount_with_tax: '101.00',
    check_code: '12345678901234567890',
    seller_tax_id: '91330106MA7GAL1299',
    seller_name: '杭州融运科技有限公司',
    buyer_name: '个人',
    ...fields,
  });
  const typed = (r: ImportRowInput, extra: Record<string, unknown> = {}) => ({
    invoice_number: r.invoice_number,
    invoice_code: r.invoice_code,
    issue_date: r.issue_date,
    total_amount: r.total_amount,
    ...(r.check_code ? { check_code: r.check_code } : {}),
    ...extra,
  });

  async function campaign(eligibility: Record<string, unknown>): Promise<string> {
    const now = Date.now();
    const created = await server.platform.database.db.transaction().execute((trx) =>
      lotteryOf(server.platform).service.createCampaign(trx, { name: 'legacy', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString(), eligibility }, null),
    );
    return created.campaign_id;
  }

  it('accepts a legacy 普票 by code + number + date + 校验码 (not "authority unavailable"), once by code + number', async () => {
    const token = await consumer();
    const invoice = row({});
    await importSandboxInvoices(server.platform, [invoice]);
    const accepted = await submit(token, typed(invoice));
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json.data).toMatchObject({ status: 'ACCEPTED', kind: 'LEGACY', invoice_number: invoice.invoice_number, total_amount: '100.00', seller_name: '杭州融运科技有限公司' });
    const again = await submit(await consumer(), typed(invoice));
    expect(again.status).toBe(422);
    expect(again.json.error).toBe('INVOICE_DUPLICATE');

    // The same 8-digit number under another 发票代码 is another invoice.
    const sibling = row({ invoice_number: invoice.invoice_number, invoice_code: '033002600311', check_code: '98765432109876543210' });
    await importSandboxInvoices(server.platform, [sibling]);
    const second = await submit(token, typed(sibling));
    expect(second.status, second.text).toBe(200);
    expect((await mine(token)).invoices.slice(0, 2).map((i) => [i.invoice_code, i.status])).toEqual([
      ['033002600311', 'ACCEPTED'],
      [PUPIAO_CODE, 'ACCEPTED'],
    ]);
  });

  it('checks a 普票 by its 校验码 last 6 and the amount it answers; a 专票 by its pre-tax amount', async () => {
    const token = await consumer();
    const pupiao = row({});
    const zhuanpiao = row({ invoice_code: ZHUANPIAO_CODE, check_code: null, total_amount: '300.00', amount_with_tax: '339.00' });
    await importSandboxInvoices(server.platform, [pupiao, zhuanpiao]);

    const wrongCheck = await submit(token, typed(pupiao, { check_code: '12345678901234000000' }));
    expect(wrongCheck.json.error).toBe('INVOICE_NOT_FOUND');
    // Checked by the 校验码, the answer says the amount: a larger amount typed is 不一致, not a larger invoice.
    const inflated = await submit(token, typed(pupiao, { total_amount: '1000.00' }));
    expect(inflated.json.error).toBe('INVOICE_NOT_FOUND');
    expect((await submit(token, typed(pupiao))).status).toBe(200);

    const wrongAmount = await submit(token, typed(zhuanpiao, { total_amount: '339.00' }));
    expect(wrongAmount.json.error).toBe('INVOICE_NOT_FOUND');
    const special = await submit(token, typed(zhuanpiao));
    expect(special.status, special.text).toBe(200);
    expect(special.json.data).toMatchObject({ kind: 'LEGACY', total_amount: '300.00' });
  });

  it('answers the status of a legacy invoice changed in the sandbox (void, flagged) by code + number', async () => {
    const token = await consumer();
    const voided = row({});
    const flagged = row({ invoice_number: voided.invoice_number, invoice_code: '033002600411', check_code: '55556666777788889999' });
    await importSandboxInvoices(server.platform, [voided, flagged]);
    expect((await api(`/sandbox/tax/invoices/${voided.invoice_number}/void?code=${voided.invoice_code}`, { method: 'POST' })).status).toBe(200);
    expect((await api(`/sandbox/tax/invoices/${flagged.invoice_number}/flag?code=${flagged.invoice_code}`, { body: { status: 'OUT_OF_CONTROL' } })).status).toBe(200);
    expect((await submit(token, typed(voided))).json.error).toBe('INVOICE_VOID');
    expect((await submit(token, typed(flagged))).json.error).toBe('INVOICE_ABNORMAL');
  });

  it('a legacy invoice the authority does not know is INVOICE_NOT_FOUND (422), not TAX_AUTHORITY_UNAVAILABLE', async () => {
    const token = await consumer();
    const unknown = await submit(token, { invoice_number: nextNumber(), invoice_code: PUPIAO_CODE, issue_date: today(), total_amount: '50.00', check_code: '11112222333344445555' });
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.json.error).toBe('INVOICE_NOT_FOUND');
  });

  it("a query the authority refuses is 422 TAX_QUERY_REFUSED with its reason, in the user's history; it never opens the breaker", async () => {
    const token = await consumer();
    // A 普票 without its 校验码: the authority needs the last 6 digits to check it.
    const noCheckCode = await submit(token, { invoice_number: nextNumber(), invoice_code: PUPIAO_CODE, issue_date: today(), total_amount: '50.00' });
    expect(noCheckCode.status, noCheckCode.text).toBe(422);
    expect(noCheckCode.json.error).toBe('TAX_QUERY_REFUSED');
    expect(noCheckCode.json.message).toContain('校验码后6位');
    // A code whose kind digits name no invoice the authority checks; in English.
    const unknownKind = await submit(token, { invoice_number: nextNumber(), invoice_code: '031002600199', issue_date: today(), total_amount: '50.00', check_code: '11112222333344445555' }, 'en');
    expect(unknownKind.status).toBe(422);
    expect(unknownKind.json.error).toBe('TAX_QUERY_REFUSED');
    expect(unknownKind.json.message).toMatch(/^The tax authority refused this check.*the authority said: /);
    const history = await mine(token);
    expect(history.invoices.slice(0, 2).map((i) => [i.status, i.reasons.map((r) => r.code)])).toEqual([
      ['REJECTED', ['TAX_QUERY_REFUSED']],
      ['REJECTED', ['TAX_QUERY_REFUSED']],
    ]);
    // Refusals are answers, not failures: many in a row leave the authority reachable.
    for (let i = 0; i < 6; i++) expect((await submit(token, { invoice_number: nextNumber(), invoice_code: PUPIAO_CODE, issue_date: today(), total_amount: '50.00' })).json.error).toBe('TAX_QUERY_REFUSED');
    const invoice = row({});
    await importSandboxInvoices(server.platform, [invoice]);
    expect((await submit(token, typed(invoice))).status).toBe(200);
  });

  it("registers the corpus's real legacy invoices through the typed form once they are imported (companies' invoices: a campaign taking them)", async () => {
    const legacy = CORPUS.filter((c) => c.truth.kind === 'LEGACY').map((c) => c.truth);
    expect(legacy.length).toBeGreaterThanOrEqual(4);
    const rows: ImportRowInput[] = legacy.map((t) => ({ ...t }));
    expect(await importSandboxInvoices(server.platform, rows)).toEqual({ imported: rows.length });
    const token = await consumer();
    const form = (t: (typeof legacy)[number]) => ({ invoice_number: t.invoice_number, invoice_code: t.invoice_code, issue_date: t.issue_date, total_amount: t.total_amount, check_code: t.check_code });

    // Issued to companies, years ago: refused under the default terms, for both reasons.
    const refused = await submit(token, form(legacy[0]!));
    expect(refused.status).toBe(422);
    expect(refused.json.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'INVOICE_EXPIRED' }), expect.objectContaining({ code: 'INVOICE_BUYER_COMPANY' })]));

    await campaign({ buyer: 'ANY', max_age_days: 3650, min_amount: '1.00' });
    for (const t of legacy) {
      const res = await submit(token, form(t));
      expect(res.status, `${t.invoice_code} ${t.invoice_number}: ${res.text}`).toBe(200);
      expect(res.json.data).toMatchObject({ kind: 'LEGACY', invoice_number: t.invoice_number, issue_date: t.issue_date, total_amount: t.total_amount });
    }
    const duplicate = await submit(token, form(legacy[1]!));
    expect(duplicate.json.error).toBe('INVOICE_DUPLICATE');
  });

  it('imports through the function with a clear error naming the row and the field, and adds nothing from a bad file', async () => {
    const good = row({});
    const bad = row({ total_amount: '12.345' });
    const error = await importSandboxInvoices(server.platform, [good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxImportError);
    expect((error as Error).message).toMatch(/^row 2, field total_amount: /);
    const token = await consumer();
    expect((await submit(token, typed(good))).json.error).toBe('INVOICE_NOT_FOUND');
  });

  it('`quanyi tax-sandbox import FILE --url` adds a CSV to a running sandbox; a bad row exits 1 naming row and field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `quanyi-import-${randomUUID()}`));
    const invoice = row({ seller_tax_id: '91330106MA7CLI0001', seller_name: '杭州, "融运"科技有限公司' });
    const header = 'kind,invoice_number,invoice_code,issue_date,total_amount,amount_with_tax,check_code,seller_tax_id,seller_name,buyer_name,buyer_tax_id';
    const csvCell = (v: string | null | undefined) => (v == null ? '' : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const line = header.split(',').map((f) => csvCell(invoice[f as keyof ImportRowInput])).join(',');
    fs.writeFileSync(path.join(dir, 'good.csv'), `${header}\n${line}\n`);
    fs.writeFileSync(path.join(dir, 'bad.csv'), `${header}\n${line}\n${line.replace(invoice.issue_date!, '2026-02-30')}\n`);
    try {
      const failed = spawnTs('src/cli.ts', ['tax-sandbox', 'import', path.join(dir, 'bad.csv'), '--url', `${server.base}/sandbox/tax`], {});
      expect(await failed.exited).toBe(1);
      expect(failed.stderr()).toMatch(/bad\.csv: row 2, field issue_date: /);

      const imported = spawnTs('src/cli.ts', ['tax-sandbox', 'import', path.join(dir, 'good.csv'), '--url', `${server.base}/sandbox/tax`], {});
      expect(await imported.exited, imported.stderr()).toBe(0);
      expect(imported.stdout()).toContain('imported 1 invoice(s)');
      const res = await submit(await consumer(), typed(invoice));
      expect(res.status, res.text).toBe(200);
      expect(res.json.data).toMatchObject({ seller_name: '杭州, "融运"科技有限公司' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
