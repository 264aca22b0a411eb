import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { lotteryOf } from '../src/modules/lottery/index.js';
import type { InvoiceAcceptedPayload } from '../src/modules/lottery/service.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor, verifiedLogin } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

interface Issued {
  invoice_number: string;
  issue_date: string;
  total_amount: string;
  xml: string;
}

/**
 * Whose invoice is it: an invoice issued to a company counts only while a campaign takes companies' invoices
 * (eligibility.buyer ANY), and one naming a person only for that person (the verified real name, here 张三).
 * 个人 or no buyer name is a person.
 */
describe.each(backendPairs())('the buyer of an invoice on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });
  const api = (p: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${p}`, init);
  const consumer = async () => (await verifiedLogin(server.base, await sessionFor(server.platform))).access_token;
  const issue = async (body: Record<string, unknown>) => (await api('/sandbox/tax/invoices', { body: { total_amount: '66.00', ...body } })).json.data as unknown as Issued;
  const typed = (i: Issued) => ({ invoice_number: i.invoice_number, issue_date: i.issue_date, total_amount: i.total_amount });
  const submit = (token: string, body: unknown, language = 'zh-CN') => api('/api/v1/invoices', { body, headers: { ...bearer(token), 'accept-language': language } });
  const submitXml = (token: string, xml: string) => api('/api/v1/invoices', { method: 'POST', rawBody: xml, headers: { ...bearer(token), 'content-type': 'application/xml' } });

  async function campaign(eligibility: Record<string, unknown>): Promise<string> {
    const now = Date.now();
    const created = await server.platform.database.db.transaction().execute((trx) =>
      lotteryOf(server.platform).service.createCampaign(trx, { name: 'buyers', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString(), eligibility }, null),
    );
    return created.campaign_id;
  }

  it("takes invoices issued to 个人, to no name, or to the user's own real name", async () => {
    const token = await consumer();
    for (const buyer of [{}, { buyer_name: '个人' }, { buyer_name: '张三' }]) {
      const res = await submit(token, typed(await issue(buyer)));
      expect(res.status, `${JSON.stringify(buyer)}: ${res.text}`).toBe(200);
    }
  });

  it("refuses someone else's invoice with INVOICE_BUYER_MISMATCH, typed or as the signed XML, and keeps the refusal in the history", async () => {
    const token = await consumer();
    const typedRefusal = await submit(token, typed(await issue({ buyer_name: '李四' })));
    expect(typedRefusal.status).toBe(422);
    expect(typedRefusal.json).toMatchObject({ error: 'INVOICE_BUYER_MISMATCH', message: '发票购买方姓名与您的实名认证姓名不一致,只能登记开给本人的发票' });
    const xmlRefusal = await submitXml(token, (await issue({ buyer_name: '李四' })).xml);
    expect(xmlRefusal.json.error).toBe('INVOICE_BUYER_MISMATCH');
    const english = await submit(token, typed(await issue({ buyer_name: '王五' })), 'en');
    expect(english.json.message).toBe('The buyer named on the invoice is not your verified real name; you can register only invoices issued to you');
    const mine = (await api('/api/v1/users/me/invoices', { headers: bearer(token) })).json.data as { invoices: { status: string; reasons: { code: string }[] }[] };
    expect(mine.invoices[0]).toMatchObject({ status: 'REJECTED', reasons: [{ code: 'INVOICE_BUYER_MISMATCH' }] });
  });

  it("refuses a company's invoice (a buyer tax id or a company name) with INVOICE_BUYER_COMPANY unless a running campaign takes them; someone else's stays refused", async () => {
    const token = await consumer();
    const byName = await issue({ buyer_name: '长沙某某科技有限公司' });
    const byTaxId = await issue({ buyer_name: '张三', buyer_tax_id: '91430100MA4L7XK9C3' });
    const shop = await issue({ buyer_name: '岳麓区老王便利店' });
    for (const invoice of [byName, byTaxId, shop]) {
      const res = await submit(token, typed(invoice));
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({ error: 'INVOICE_BUYER_COMPANY', message: '发票购买方为单位(企业、个体户或其他组织),本活动仅接受购买方为个人的发票' });
    }
    expect((await submit(token, typed(byName), 'en')).json.message).toBe('The invoice was issued to a company or other organisation; this campaign accepts only invoices issued to individuals');

    // A campaign that takes companies' invoices: they are registered, and invoice.accepted says whose it is.
    const persons = await campaign({});
    const anyone = await campaign({ buyer: 'ANY' });
    const accepted = await submit(token, typed(byName));
    expect(accepted.status, accepted.text).toBe(200);
    const invoiceId = (accepted.json.data as { invoice_id: string }).invoice_id;
    const event = await sql<{ payload: InvoiceAcceptedPayload }>`SELECT payload FROM outbox_events WHERE topic = 'invoice.accepted' AND aggregate_id = ${invoiceId}`.execute(server.platform.database.db);
    const payload = event.rows[0]!.payload;
    expect(payload.buyer_company).toBe(true);
    // The lottery grants its chances only in the campaign that takes companies' invoices.
    const granted = await server.platform.database.db.transaction().execute((trx) => lotteryOf(server.platform).service.grantChances(trx, payload, new Date()));
    expect(granted.chances.map((c) => c.campaignId)).toEqual([anyone]);
    expect(granted.chances.map((c) => c.campaignId)).not.toContain(persons);
    expect((await submit(token, typed(shop))).status).toBe(200);

    // Someone else's invoice is refused whatever the campaigns take.
    expect((await submit(token, typed(await issue({ buyer_name: '李四' })))).json.error).toBe('INVOICE_BUYER_MISMATCH');
  });
});
