import { randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { lotteryOf } from '../src/modules/lottery/index.js';
import { addCalendarDays, businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { inParallel } from './support/concurrency.js';
import { http } from './support/http.js';
import { bearer, newPhone, smsLogin, verifiedLogin, type Tokens } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

interface Issued {
  invoice_number: string;
  issue_date: string;
  total_amount: string;
  seller_tax_id: string;
  qr: string;
  xml: string;
}

describe.each(backendPairs())('invoice intake on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });
  const sandbox = (path: string, body?: unknown) => http(`${server.base}/sandbox/tax${path}`, body === undefined ? {} : { body });
  const today = () => businessDate(new Date());

  async function issue(body: Record<string, unknown> = {}): Promise<Issued> {
    const res = await sandbox('/invoices', { total_amount: '655.00', ...body });
    expect(res.status, res.text).toBe(200);
    return res.json.data as unknown as Issued;
  }

  const typed = (i: Issued) => ({ invoice_number: i.invoice_number, issue_date: i.issue_date, total_amount: i.total_amount });
  const submit = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    http(`${server.base}/api/v1/invoices`, { body, headers: { ...bearer(token), ...headers } });
  const submitXml = (token: string, xml: string) =>
    http(`${server.base}/api/v1/invoices`, { method: 'POST', rawBody: xml, headers: { ...bearer(token), 'content-type': 'application/xml' } });

  it('the sandbox issues 数电 invoices with well-formed numbers, the QR text and signed XML', async () => {
    const invoice = await issue({ total_amount: '655.00' });
    expect(invoice.invoice_number).toMatch(new RegExp(`^${today().slice(2, 4)}432\\d{15}$`));
    expect(invoice.qr).toMatch(new RegExp(`^01,32,,${invoice.invoice_number},655\\.00,${today().replaceAll('-', '')},,[0-9A-F]{4}$`));
    expect(invoice.xml).toContain('<TotalTax-includedAmount>655.00</TotalTax-includedAmount>');
    expect(invoice.xml).toContain('1.2.156.10197.1.501');
    const key = await sandbox('/public-key');
    expect((key.json.data as { public_key: string }).public_key).toMatch(/^04[0-9a-f]{128}$/i);
  });

  it('accepts a typed invoice once, emits invoice.accepted, and lists it under my invoices', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const invoice = await issue({ total_amount: '128.50' });
    const res = await submit(access_token, typed(invoice));
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ status: 'ACCEPTED', invoice_number: invoice.invoice_number, total_amount: '128.50', sources: { number: 'typed' } });
    const invoiceId = (res.json.data as { invoice_id: string }).invoice_id;
    const events = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_events WHERE topic = 'invoice.accepted' AND aggregate_id = ${invoiceId}`.execute(server.platform.database.db);
    expect(events.rows[0]!.n).toBe('1');
    const mine = await http(`${server.base}/api/v1/users/me/invoices`, { headers: bearer(access_token) });
    expect((mine.json.data as { invoices: { invoice_id: string; status: string }[] }).invoices[0]).toMatchObject({ invoice_id: invoiceId, status: 'ACCEPTED' });
    const check = await http(`${server.base}/api/v1/invoices/check-number?number=${invoice.invoice_number}`, { headers: bearer(access_token) });
    expect(check.json.data).toMatchObject({ valid: true, registered: true, region_name: '湖南' });
  });

  it('accepts the signed XML file with every field read from it; a flipped byte fails the signature', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const invoice = await issue({ total_amount: '88.00', buyer_name: '张三' });
    const tampered = invoice.xml.replace('长沙示例', '长春示例'); // one character of the seller's name
    const refused = await submitXml(access_token, tampered);
    expect(refused.status).toBe(422);
    expect(refused.json.error).toBe('INVOICE_SIGNATURE_INVALID');
    const accepted = await submitXml(access_token, invoice.xml);
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json.data).toMatchObject({ status: 'ACCEPTED', total_amount: '88.00', seller_name: '长沙示例商贸有限公司', sources: { number: 'xml', seller_tax_id: 'xml' } });
  });

  it('accepts each form of an invoice (typed, XML, OFD, PDF, PNG photo) and reads the same fields from each', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const upload = (bytes: Uint8Array, type: string) =>
      fetch(`${server.base}/api/v1/invoices`, { method: 'POST', body: bytes, headers: { ...bearer(access_token), 'content-type': type } }).then(async (r) => ({ status: r.status, json: (await r.json()) as { data?: Record<string, unknown>; error?: string } }));
    const forms: { file?: string; type?: string; query?: string; source: string }[] = [
      { source: 'typed' },
      { file: 'xml', type: 'application/xml', source: 'xml' },
      { file: 'ofd', type: 'application/ofd', source: 'ofd' },
      { file: 'pdf', type: 'application/pdf', source: 'pdf:qr' },
      { file: 'png', type: 'image/png', query: '?style=photo&seed=intake-test', source: 'image:qr' },
    ];
    for (const form of forms) {
      const invoice = await issue({ total_amount: '123.45' });
      let answer;
      if (!form.file) {
        answer = await submit(access_token, typed(invoice));
      } else {
        const file = await fetch(`${server.base}/sandbox/tax/invoices/${invoice.invoice_number}.${form.file}${form.query ?? ''}`);
        expect(file.status).toBe(200);
        answer = await upload(new Uint8Array(await file.arrayBuffer()), form.type!);
      }
      expect(answer.status, `${form.source}: ${JSON.stringify(answer.json)}`).toBe(200);
      expect(answer.json.data, form.source).toMatchObject({
        status: 'ACCEPTED',
        invoice_number: invoice.invoice_number,
        issue_date: invoice.issue_date,
        total_amount: '123.45',
        sources: { number: form.source },
      });
    }
  });

  it('answers hostile or broken files with a clear 4xx: a ZIP bomb posing as OFD, a 50 MB image, a truncated PDF, random bytes', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const upload = async (bytes: Uint8Array, type: string) => {
      const res = await fetch(`${server.base}/api/v1/invoices`, { method: 'POST', body: bytes, headers: { ...bearer(access_token), 'content-type': type } });
      return { status: res.status, json: (await res.json()) as { error?: string } };
    };
    const bomb = zipSync({ 'OFD.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 }); // 64 MB of zeros in ~64 kB
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const bombAnswer = await upload(bomb, 'application/ofd');
    expect([413, 422]).toContain(bombAnswer.status);
    expect(['INVOICE_FILE_REJECTED', 'INVOICE_FILE_TOO_LARGE']).toContain(bombAnswer.json.error);
    const huge = await upload(new Uint8Array(50 * 1024 * 1024), 'image/png');
    expect(huge.status).toBe(413);
    const invoice = await issue();
    const pdf = new Uint8Array(await (await fetch(`${server.base}/sandbox/tax/invoices/${invoice.invoice_number}.pdf`)).arrayBuffer());
    const truncated = await upload(pdf.slice(0, Math.floor(pdf.length / 2)), 'application/pdf');
    expect(truncated.status).toBe(422);
    expect(truncated.json.error).toMatch(/^INVOICE_FILE_/);
    const random = await upload(randomBytes(4096), 'application/octet-stream');
    expect(random.status).toBe(415);
    expect(random.json.error).toBe('INVOICE_FILE_UNSUPPORTED');
    const text = await upload(new TextEncoder().encode('not an invoice'), 'text/plain');
    expect(text.status, JSON.stringify(text.json)).toBe(415);
    expect(text.json.error).toBe('INVOICE_FILE_UNSUPPORTED');
    const mine = await http(`${server.base}/api/v1/users/me/invoices`, { headers: bearer(access_token) });
    expect((mine.json.data as { invoices: unknown[] }).invoices).toHaveLength(0); // nothing half-recorded
  });

  it('refuses with every reason, each with a stable code and a message in the FAQ\'s words', async () => {
    const unverified = (await smsLogin(server.base)).access_token;
    const small = await issue({ total_amount: '9.99' });
    const res = await submit(unverified, typed(small));
    expect(res.status).toBe(422);
    expect(res.json.error).toBe('INVOICE_AMOUNT_TOO_LOW');
    expect(res.json.reasons).toEqual([
      { code: 'INVOICE_AMOUNT_TOO_LOW', message: '发票金额需≥10元' },
      { code: 'REAL_NAME_REQUIRED', message: '请先完成实名认证' },
    ]);
    const en = await submit(unverified, typed(small), { 'accept-language': 'en' });
    expect((en.json.reasons as { message: string }[])[0]!.message).toBe('The invoice amount must be at least 10 yuan');
    const mine = await http(`${server.base}/api/v1/users/me/invoices`, { headers: bearer(unverified) });
    expect((mine.json.data as { invoices: { status: string; reasons: { code: string }[] }[] }).invoices[0]).toMatchObject({ status: 'REJECTED', reasons: [{ code: 'INVOICE_AMOUNT_TOO_LOW' }, { code: 'REAL_NAME_REQUIRED' }] });
  });

  it('produces each tax-authority refusal: not found, void, red-flushed, abnormal, unregistered seller, expired, duplicate, format', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const expectRefusal = async (body: unknown, code: string) => {
      const res = await submit(access_token, body);
      expect(res.status, res.text).toBe(422);
      expect(res.json.error).toBe(code);
    };
    const a = await issue();
    await expectRefusal({ ...typed(a), total_amount: '655.01' }, 'INVOICE_NOT_FOUND');
    const voided = await issue();
    expect((await sandbox(`/invoices/${voided.invoice_number}/void`, {})).status).toBe(200);
    await expectRefusal(typed(voided), 'INVOICE_VOID');
    const flushed = await issue();
    await sandbox(`/invoices/${flushed.invoice_number}/red-flush`, {});
    await expectRefusal(typed(flushed), 'INVOICE_RED_FLUSHED');
    const partly = await issue({ total_amount: '20.00' });
    await sandbox(`/invoices/${partly.invoice_number}/red-flush`, { amount: '15.00' });
    await expectRefusal(typed(partly), 'INVOICE_AMOUNT_TOO_LOW'); // 5.00 left
    const flagged = await issue();
    await sandbox(`/invoices/${flagged.invoice_number}/flag`, { status: 'OUT_OF_CONTROL' });
    await expectRefusal(typed(flagged), 'INVOICE_ABNORMAL');
    const taxpayer = await sandbox('/taxpayers', { name: '注销测试有限公司', region_code: '31' });
    const taxId = (taxpayer.json.data as { tax_id: string }).tax_id;
    const orphan = await issue({ seller_tax_id: taxId });
    await sandbox(`/taxpayers/${taxId}/deregister`, {});
    await expectRefusal(typed(orphan), 'SELLER_NOT_REGISTERED');
    const old = await issue({ issue_date: addCalendarDays(today(), -91) });
    await expectRefusal(typed(old), 'INVOICE_EXPIRED');
    const ok = await issue();
    expect((await submit(access_token, typed(ok))).status).toBe(200);
    await expectRefusal(typed(ok), 'INVOICE_DUPLICATE');
    await expectRefusal({ invoice_number: '2543200000003141114', issue_date: today(), total_amount: '655.00' }, 'INVOICE_FORMAT_INVALID');
    await expectRefusal({ invoice_number: '25992000000031411143', issue_date: today(), total_amount: '655.00' }, 'INVOICE_FORMAT_INVALID');
  });

  it('records fraud signals with an accepted invoice and sends them on invoice.accepted', async () => {
    const { access_token } = await verifiedLogin(server.base);
    const seller = '91430100MA4L7XK9BE';
    // An invoice with a buyer tax id is a company's: it counts only while a campaign takes companies' invoices.
    const now = Date.now();
    await server.platform.database.db.transaction().execute((trx) =>
      lotteryOf(server.platform).service.createCampaign(
        trx,
        { name: 'companies too', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString(), eligibility: { buyer: 'ANY' } },
        null,
      ),
    );
    const selfIssued = await issue({ total_amount: '50.00', buyer_tax_id: seller });
    const res = await submit(access_token, typed(selfIssued));
    expect(res.status, res.text).toBe(200);
    const invoiceId = (res.json.data as { invoice_id: string }).invoice_id;
    const signals = await sql<{ code: string }>`SELECT code FROM invoice_fraud_signals WHERE invoice_id = ${invoiceId}`.execute(server.platform.database.db);
    expect(signals.rows.map((r) => r.code)).toEqual(['SELF_ISSUED']);
    const event = await sql<{ payload: { fraud_signals: { code: string }[] } }>`SELECT payload FROM outbox_events WHERE topic = 'invoice.accepted' AND aggregate_id = ${invoiceId}`.execute(server.platform.database.db);
    expect(event.rows[0]!.payload.fraud_signals.map((s) => s.code)).toEqual(['SELF_ISSUED']);
  });

  it('50 users submitting one invoice at once: exactly one accepted, the others told it is a duplicate', async () => {
    const invoice = await issue({ total_amount: '300.00' });
    const identity = identityOf(server.platform).service;
    const session = async () => {
      const userId = await identity.ensureUser(server.platform.database.db, newPhone());
      return verifiedLogin(server.base, (await server.platform.database.db.transaction().execute((trx) => identity.sessions.open(trx, userId))) as Tokens);
    };
    const users = await inParallel(Array.from({ length: 50 }, () => session), 10);
    // The authority allows 5 checks per invoice per day: the first answers are cached for the rest.
    const answers = await inParallel(users.map((u) => () => submit(u.access_token, typed(invoice))), 50);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const others = answers.filter((a) => a.status !== 200);
    expect(others.every((a) => a.status === 422 && a.json.error === 'INVOICE_DUPLICATE')).toBe(true);
    const accepted = await sql<{ n: string }>`SELECT count(*) AS n FROM invoices WHERE invoice_number = ${invoice.invoice_number} AND status = 'ACCEPTED'`.execute(server.platform.database.db);
    expect(accepted.rows[0]!.n).toBe('1');
  });

  it('the sandbox allows 5 checks per invoice per day', async () => {
    const invoice = await issue();
    const check = () => sandbox(`/status?number=${invoice.invoice_number}&date=${invoice.issue_date}&amount=655.00`);
    for (let i = 0; i < 5; i++) expect((await check()).json.data).toMatchObject({ status: 'NORMAL', seller_registered: true });
    const sixth = await check();
    expect(sixth.status).toBe(429);
    expect(sixth.json.error).toBe('TAX_QUERY_LIMIT_REACHED');
  });
});
