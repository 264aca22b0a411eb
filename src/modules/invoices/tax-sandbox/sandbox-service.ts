import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../platform/db/schema.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { formatMoney, type Fen } from '../../../platform/money/money.js';
import { businessDate, type Clock } from '../../../platform/time/clock.js';
import type { TaxStatus } from '../tax-authority/port.js';
import { renderBureauSignedEInvoiceXml } from '../xml/bureau-signature.js';
import { generateSigningKeyPair, parseEInvoiceXml, renderSignedEInvoiceXml, type EInvoiceData } from '../xml/einvoice-xml.js';
import { itemAmountToFen } from '../xml/item-amount.js';
import { makeSm2Certificate } from '../xml/sm2-certificate.js';
import { isSpecialInvoiceCode, type SandboxInvoiceRow } from './import-file.js';

/** Taxpayers every sandbox starts with, so invoices can be issued at once (valid 统一社会信用代码: the check character holds, as OCR checks it). */
export const SANDBOX_TAXPAYERS = [
  { taxId: '91430100MA4L7XK9BE', name: '长沙示例商贸有限公司', regionCode: '43' },
  { taxId: '91310000MA1K2T4Q8R', name: '上海示例餐饮有限公司', regionCode: '31' },
  { taxId: '91320500MA1MXR7D3W', name: '苏州示例超市有限公司', regionCode: '32' },
] as const;

/** Small-scale taxpayers' 1% rate: 655.00 = 648.51 + 6.49, as on the real invoice in the reference. */
const TAX_RATE_PERCENT = 1n;
/** 开具渠道: digit 5 of a 数电 number; 2 is what ordinary invoices carry. */
const ISSUING_CHANNEL = '2';
const DAILY_QUERY_LIMIT = 5;
const BUREAU = { code: '14300000000', name: '国家税务总局沙箱税务局' };

export interface IssueRequest {
  readonly totalAmountFen: Fen;
  readonly issueDate?: string;
  readonly buyerName?: string;
  readonly buyerTaxId?: string;
  readonly sellerTaxId?: string;
}

export interface StatusAnswer {
  readonly status: TaxStatus;
  readonly seller_tax_id?: string;
  readonly seller_name?: string;
  readonly seller_registered?: boolean;
  readonly buyer_name?: string;
  readonly buyer_tax_id?: string | null;
  /** 数电: 价税合计; legacy: the pre-tax 合计金额 (what legacy invoices are checked by). */
  readonly total_amount?: string;
  /** Legacy: 价税合计. */
  readonly amount_with_tax?: string;
  readonly remaining_amount?: string;
}

/** A status check: 数电 by number + date + 价税合计; legacy by code + number + date + 校验码 last 6 (普票) or pre-tax amount (专票). */
export interface StatusQuery {
  readonly number: string;
  readonly issueDate: string;
  readonly amountFen?: Fen;
  readonly code?: string;
  /** The last 6 digits of the 校验码. */
  readonly checkCodeLast6?: string;
}

/**
 * The tax-authority simulator: a taxpayer register; 数电 invoices with correctly structured numbers, signed
 * XML (SM2/SM3) and the QR text; status queries by number + date + amount with the real statuses and the
 * 5-checks-per-invoice-per-day limit; and admin calls to void, red-flush or flag an invoice.
 */
export class TaxSandbox {
  private keyPair: Promise<{ privateKeyHex: string; publicKeyHex: string }> | undefined;
  private certificates: Promise<{ ca: Buffer; signing: Buffer }> | undefined;
  private taxpayersSeeded: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** The signing key, created on first use and kept in the sandbox's settings (a real bureau keeps it in an HSM). */
  signingKey(): Promise<{ privateKeyHex: string; publicKeyHex: string }> {
    this.keyPair ??= this.loadOrCreateKey().catch((error: unknown) => {
      this.keyPair = undefined;
      throw error;
    });
    return this.keyPair;
  }

  private async loadOrCreateKey() {
    const fresh = generateSigningKeyPair();
    await this.db
      .insertInto('tax_sandbox_settings')
      .values([
        { name: 'sm2_private_key', value: fresh.privateKeyHex },
        { name: 'sm2_public_key', value: fresh.publicKeyHex },
      ])
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const rows = await this.db.selectFrom('tax_sandbox_settings').select(['name', 'value']).where('name', 'in', ['sm2_private_key', 'sm2_public_key']).execute();
    const value = (name: string) => rows.find((r) => r.name === name)!.value;
    return { privateKeyHex: value('sm2_private_key'), publicKeyHex: value('sm2_public_key') };
  }

  /**
   * The sandbox bureau's CA certificate and the certificate of its signing key (SM2, GM/T 0015 shape), made on first
   * use and kept in the settings. The CA's private key is used once, to issue the signing certificate, and dropped,
   * as a real CA keeps its key offline. Platforms outside production trust this CA (`GET /ca-certificates`).
   */
  bureauCertificates(): Promise<{ ca: Buffer; signing: Buffer }> {
    this.certificates ??= this.loadOrCreateCertificates().catch((error: unknown) => {
      this.certificates = undefined;
      throw error;
    });
    return this.certificates;
  }

  private async loadOrCreateCertificates() {
    const { publicKeyHex } = await this.signingKey();
    const caKeys = generateSigningKeyPair();
    const validity = { notBefore: new Date('2015-01-01T00:00:00Z'), notAfter: new Date('2050-01-01T00:00:00Z') };
    const caName = `${BUREAU.name} CA`;
    const ca = makeSm2Certificate({ subjectName: caName, subjectPublicKeyHex: caKeys.publicKeyHex, issuerName: caName, issuerPrivateKeyHex: caKeys.privateKeyHex, ca: true, ...validity });
    const signing = makeSm2Certificate({ subjectName: `${BUREAU.name} 发票签名`, subjectPublicKeyHex: publicKeyHex, issuerName: caName, issuerPrivateKeyHex: caKeys.privateKeyHex, ...validity });
    // One statement for both, so concurrent first uses keep one consistent pair.
    await this.db
      .insertInto('tax_sandbox_settings')
      .values([
        { name: 'bureau_ca_certificate', value: ca.toString('base64') },
        { name: 'bureau_signing_certificate', value: signing.toString('base64') },
      ])
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const rows = await this.db.selectFrom('tax_sandbox_settings').select(['name', 'value']).where('name', 'in', ['bureau_ca_certificate', 'bureau_signing_certificate']).execute();
    const value = (name: string) => Buffer.from(rows.find((r) => r.name === name)!.value, 'base64');
    return { ca: value('bureau_ca_certificate'), signing: value('bureau_signing_certificate') };
  }

  /**
   * An issued 数电 invoice's XML in the bureau's own layout (Reference URI list, KeyInfo certificate; see
   * xml/bureau-signature.ts), signed now with the sandbox's key, timed 50 s after issue as real files are.
   */
  async bureauXml(number: string): Promise<string | undefined> {
    const doc = await this.invoiceDocument(number);
    if (!doc) return undefined;
    const read = parseEInvoiceXml(doc.xml);
    const data: EInvoiceData = {
      ...read,
      issueTime: read.issueTime ?? `${read.issueDate}T10:00:00+08:00`,
      items: read.items.map(({ amount, tax, ...item }) => ({ ...item, amountFen: itemAmountToFen(amount) ?? 0n, taxFen: itemAmountToFen(tax) ?? 0n })),
    };
    const [key, certificates] = await Promise.all([this.signingKey(), this.bureauCertificates()]);
    return renderBureauSignedEInvoiceXml(data, { privateKeyHex: key.privateKeyHex, certificateDer: certificates.signing, signedAt: new Date(new Date(data.issueTime).getTime() + 50_000) });
  }

  /** Seeds the default taxpayers once per sandbox instance (a failed attempt is retried next time). */
  ensureTaxpayers(): Promise<void> {
    this.taxpayersSeeded ??= this.seedTaxpayers().catch((error: unknown) => {
      this.taxpayersSeeded = undefined;
      throw error;
    });
    return this.taxpayersSeeded;
  }

  private async seedTaxpayers(): Promise<void> {
    await this.db
      .insertInto('tax_sandbox_taxpayers')
      .values(SANDBOX_TAXPAYERS.map((t) => ({ tax_id: t.taxId, name: t.name, region_code: t.regionCode })))
      .onConflict((oc) => oc.column('tax_id').doNothing())
      .execute();
  }

  async registerTaxpayer(input: { taxId?: string; name: string; regionCode: string }) {
    const taxId = input.taxId ?? `91${input.regionCode}0000${randomBytes(5).toString('hex').toUpperCase()}`.slice(0, 18);
    await this.db.insertInto('tax_sandbox_taxpayers').values({ tax_id: taxId, name: input.name, region_code: input.regionCode }).onConflict((oc) => oc.column('tax_id').doNothing()).execute();
    return { tax_id: taxId, name: input.name, region_code: input.regionCode };
  }

  async deregisterTaxpayer(taxId: string): Promise<void> {
    const result = await this.db.updateTable('tax_sandbox_taxpayers').set({ status: 'deregistered' }).where('tax_id', '=', taxId).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError('TAXPAYER_NOT_FOUND');
  }

  async issue(request: IssueRequest) {
    await this.ensureTaxpayers();
    const sellerTaxId = request.sellerTaxId ?? SANDBOX_TAXPAYERS[0].taxId;
    const seller = await this.db.selectFrom('tax_sandbox_taxpayers').selectAll().where('tax_id', '=', sellerTaxId).executeTakeFirst();
    if (!seller) throw new AppError('TAXPAYER_NOT_FOUND');
    const issueDate = request.issueDate ?? businessDate(this.clock.now());
    const total = request.totalAmountFen;
    const withoutTax = (total * 100n + 50n) / (100n + TAX_RATE_PERCENT); // rounded half up
    const tax = total - withoutTax;
    const sequence = (await sql<{ n: string }>`SELECT nextval('tax_sandbox_invoice_seq')::text AS n`.execute(this.db)).rows[0]!.n;
    const number = `${issueDate.slice(2, 4)}${seller.region_code}${ISSUING_CHANNEL}${sequence.padStart(15, '0')}`;
    const issueTime = `${issueDate}T10:00:00+08:00`;
    const buyerName = request.buyerName ?? '个人';
    const data: EInvoiceData = {
      number,
      issueTime,
      taxBureauCode: `1${seller.region_code}00000000`,
      taxBureauName: BUREAU.name,
      seller: { taxId: seller.tax_id, name: seller.name },
      buyer: { name: buyerName, ...(request.buyerTaxId ? { taxId: request.buyerTaxId } : {}) },
      totalWithoutTaxFen: withoutTax,
      totalTaxFen: tax,
      totalWithTaxFen: total,
      items: [{ name: '*日用品*商品一批', quantity: '1', unitPrice: formatMoney(withoutTax), amountFen: withoutTax, taxRate: `${TAX_RATE_PERCENT}%`, taxFen: tax }],
    };
    const key = await this.signingKey();
    const xml = renderSignedEInvoiceXml(data, { privateKeyHex: key.privateKeyHex, signedAt: this.clock.now() });
    const qr = `01,32,,${number},${formatMoney(total)},${issueDate.replaceAll('-', '')},,${randomBytes(2).toString('hex').toUpperCase()}`;
    await this.db
      .insertInto('tax_sandbox_invoices')
      .values({
        number,
        issue_date: issueDate,
        issued_at: issueTime,
        seller_tax_id: seller.tax_id,
        buyer_name: buyerName,
        buyer_tax_id: request.buyerTaxId ?? null,
        total_without_tax_fen: withoutTax,
        total_tax_fen: tax,
        total_with_tax_fen: total,
        remaining_fen: total,
        xml,
        qr,
      })
      .execute();
    return { invoice_number: number, issue_date: issueDate, total_amount: formatMoney(total), seller_tax_id: seller.tax_id, seller_name: seller.name, qr, xml };
  }

  /**
   * A status check as a verification platform answers it. Every identifying field must match, otherwise the answer
   * is NOT_FOUND (查无此票 / 不一致). A query missing what its kind is checked by, or naming a kind of invoice the
   * sandbox does not check, is refused (400 TAX_QUERY_INVALID), as the real platform refuses an incomplete form.
   * Every check that is not refused counts against the invoice's 5 per day, found or not.
   */
  async status(query: StatusQuery): Promise<StatusAnswer> {
    const { number, issueDate } = query;
    const legacy = query.code !== undefined && query.code !== '';
    if (legacy) {
      if (!/^[0-9]{8}$/.test(number)) throw invalidQuery('legacy invoice numbers (发票号码) are 8 digits', '发票号码应为8位数字');
      const special = isSpecialInvoiceCode(query.code!);
      if (special === null) throw invalidQuery(`the invoice code ${query.code} names no kind of invoice this authority checks`, `发票代码${query.code}不是可查验的发票种类`);
      if (special && query.amountFen === undefined) throw invalidQuery('a 专票 is checked by its pre-tax amount (amount)', '专用发票查验需提供不含税金额');
      if (!special && query.checkCodeLast6 === undefined) throw invalidQuery('a 普票 is checked by the last 6 digits of its check code (check_code)', '普通发票查验需提供校验码后6位');
    } else {
      if (!/^[0-9]{20}$/.test(number)) throw invalidQuery('数电 invoice numbers are 20 digits; legacy invoices need their code', '数电发票号码应为20位数字;旧版发票需提供发票代码');
      if (query.amountFen === undefined) throw invalidQuery('a 数电 invoice is checked by its tax-inclusive amount (amount)', '数电发票查验需提供价税合计');
    }
    const today = businessDate(this.clock.now());
    const counterKey = legacy ? `${query.code}:${number}` : number;
    const counted = await sql`
      INSERT INTO tax_sandbox_queries (number, day, count) VALUES (${counterKey}, ${today}, 1)
      ON CONFLICT (number, day) DO UPDATE SET count = tax_sandbox_queries.count + 1 WHERE tax_sandbox_queries.count < ${DAILY_QUERY_LIMIT}
    `.execute(this.db);
    if (Number(counted.numAffectedRows ?? 0n) === 0) throw new AppError('TAX_QUERY_LIMIT_REACHED');
    const row = await this.db
      .selectFrom('tax_sandbox_invoices as i')
      .innerJoin('tax_sandbox_taxpayers as t', 't.tax_id', 'i.seller_tax_id')
      .select([
        'i.status', 'i.seller_tax_id', 't.name as seller_name', 't.status as seller_status', 'i.buyer_name', 'i.buyer_tax_id', 'i.check_code',
        'i.total_without_tax_fen', 'i.total_with_tax_fen', 'i.remaining_fen', sql<string>`to_char(i.issue_date, 'YYYY-MM-DD')`.as('issue_date'),
      ])
      .where('i.code', '=', legacy ? query.code! : '')
      .where('i.number', '=', number)
      .executeTakeFirst();
    if (!row || row.issue_date !== issueDate) return { status: 'NOT_FOUND' };
    const matches = legacy
      ? query.checkCodeLast6 !== undefined
        ? row.check_code !== null && row.check_code.slice(-6) === query.checkCodeLast6 && (query.amountFen === undefined || BigInt(row.total_without_tax_fen) === query.amountFen)
        : BigInt(row.total_without_tax_fen) === query.amountFen
      : BigInt(row.total_with_tax_fen) === query.amountFen;
    if (!matches) return { status: 'NOT_FOUND' };
    return {
      status: row.status as TaxStatus,
      seller_tax_id: row.seller_tax_id,
      seller_name: row.seller_name,
      seller_registered: row.seller_status === 'active',
      buyer_name: row.buyer_name,
      buyer_tax_id: row.buyer_tax_id,
      total_amount: formatMoney(BigInt(legacy ? row.total_without_tax_fen : row.total_with_tax_fen)),
      ...(legacy ? { amount_with_tax: formatMoney(BigInt(row.total_with_tax_fen)) } : {}),
      ...(row.status === 'PARTIALLY_RED_FLUSHED' ? { remaining_amount: formatMoney(BigInt(row.remaining_fen)) } : {}),
    };
  }

  /**
   * Adds known invoices (read off real files, `quanyi tax-sandbox import`) to the register, NORMAL, so a real file
   * goes through the whole flow. An unknown seller is registered as an active taxpayer (named by its tax id when the
   * row has no name); a row already in the register (same code and number) is replaced. All rows or none.
   */
  async importInvoices(rows: readonly SandboxInvoiceRow[]): Promise<{ imported: number }> {
    await this.ensureTaxpayers();
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        await trx
          .insertInto('tax_sandbox_taxpayers')
          .values({ tax_id: row.sellerTaxId, name: row.sellerName ?? row.sellerTaxId, region_code: regionOfTaxId(row.sellerTaxId) })
          .onConflict((oc) => oc.column('tax_id').doNothing())
          .execute();
        const values = {
          issue_date: row.issueDate,
          issued_at: `${row.issueDate}T12:00:00+08:00`,
          seller_tax_id: row.sellerTaxId,
          buyer_name: row.buyerName ?? '',
          buyer_tax_id: row.buyerTaxId,
          check_code: row.checkCode,
          total_without_tax_fen: row.amountWithoutTaxFen,
          total_tax_fen: row.amountWithTaxFen - row.amountWithoutTaxFen,
          total_with_tax_fen: row.amountWithTaxFen,
          remaining_fen: row.amountWithTaxFen,
          status: 'NORMAL',
          xml: null,
          qr: null,
        };
        await trx
          .insertInto('tax_sandbox_invoices')
          .values({ code: row.code, number: row.number, ...values })
          .onConflict((oc) => oc.columns(['code', 'number']).doUpdateSet(values))
          .execute();
      }
    });
    return { imported: rows.length };
  }

  /** `code`: a legacy invoice's 发票代码 (empty for 数电). */
  async void(number: string, code = '') {
    return this.changeStatus(number, code, sql`status = 'VOID', remaining_fen = 0`, sql`status IN ('NORMAL', 'OUT_OF_CONTROL', 'ABNORMAL')`);
  }

  /** A red-letter invoice cancelling all of it, or `amountFen` of it (部分红冲). */
  async redFlush(number: string, amountFen?: Fen, code = '') {
    if (amountFen === undefined) return this.changeStatus(number, code, sql`status = 'RED_FLUSHED', remaining_fen = 0`, sql`status IN ('NORMAL', 'PARTIALLY_RED_FLUSHED')`);
    return this.changeStatus(
      number,
      code,
      sql`remaining_fen = remaining_fen - ${amountFen}, status = CASE WHEN remaining_fen - ${amountFen} = 0 THEN 'RED_FLUSHED' ELSE 'PARTIALLY_RED_FLUSHED' END`,
      sql`status IN ('NORMAL', 'PARTIALLY_RED_FLUSHED') AND remaining_fen >= ${amountFen}`,
    );
  }

  /** Flags an invoice as the tax authority's risk systems would (失控, 异常), or clears the flag. */
  async flag(number: string, status: 'OUT_OF_CONTROL' | 'ABNORMAL' | 'NORMAL', code = '') {
    return this.changeStatus(number, code, sql`status = ${status}`, sql`status IN ('NORMAL', 'OUT_OF_CONTROL', 'ABNORMAL')`);
  }

  /** What the invoice's files (PDF, PNG, OFD) are rendered from. */
  async invoiceDocument(number: string) {
    const row = await this.db
      .selectFrom('tax_sandbox_invoices as i')
      .innerJoin('tax_sandbox_taxpayers as t', 't.tax_id', 'i.seller_tax_id')
      .select(['i.number', 'i.xml', 'i.qr', 'i.seller_tax_id', 't.name as seller_name', 'i.buyer_name', 'i.buyer_tax_id', 'i.total_without_tax_fen', 'i.total_tax_fen', 'i.total_with_tax_fen', sql<string>`to_char(i.issue_date, 'YYYY-MM-DD')`.as('issue_date')])
      .where('i.code', '=', '')
      .where('i.number', '=', number)
      .executeTakeFirst();
    return (
      row &&
      row.xml !== null &&
      row.qr !== null && {
        number: row.number,
        issueDate: row.issue_date,
        qr: row.qr,
        xml: row.xml,
        sellerTaxId: row.seller_tax_id,
        sellerName: row.seller_name,
        buyerName: row.buyer_name,
        buyerTaxId: row.buyer_tax_id,
        totalWithoutTax: formatMoney(BigInt(row.total_without_tax_fen)),
        totalTax: formatMoney(BigInt(row.total_tax_fen)),
        totalWithTax: formatMoney(BigInt(row.total_with_tax_fen)),
      }
    );
  }

  private async changeStatus(number: string, code: string, assignments: RawBuilder<unknown>, guard: RawBuilder<unknown>) {
    const result = await sql<{ status: string; remaining_fen: string }>`
      UPDATE tax_sandbox_invoices SET ${assignments} WHERE code = ${code} AND number = ${number} AND ${guard} RETURNING status, remaining_fen::text
    `.execute(this.db);
    const row = result.rows[0];
    if (!row) throw new AppError('TAX_INVOICE_STATE_CONFLICT', { invoice_number: number });
    return { invoice_number: number, status: row.status, remaining_amount: formatMoney(BigInt(row.remaining_fen)) };
  }
}

function invalidQuery(en: string, zh: string): AppError {
  return new AppError('TAX_QUERY_INVALID', {}, { zh, en: `The query is incomplete or malformed: ${en}` });
}

/** The province digits of a tax id: 3–4 of an 18-character 统一社会信用代码, 1–2 of the older 15/20-character ones. */
function regionOfTaxId(taxId: string): string {
  const digits = taxId.length === 18 ? taxId.slice(2, 4) : taxId.slice(0, 2);
  return /^[0-9]{2}$/.test(digits) ? digits : '00';
}
