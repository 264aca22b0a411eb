import fs from 'node:fs';
import path from 'node:path';

/**
 * The real-invoice corpus: e-invoices people actually received, published in public repositories, with their true
 * fields read by hand. The files are not ours to commit; they sit in a directory beside the checkout
 * (`REAL_INVOICES_DIR`, by default `../shared/real-invoices` from the repository root) and are read at test time.
 * Without it the corpus tests say so and skip (under CI=1 they fail: CI has the corpus).
 */
export const REAL_INVOICES_DIR = process.env.REAL_INVOICES_DIR ?? path.resolve(import.meta.dirname, '../../../shared/real-invoices');

export function corpusAvailable(): boolean {
  return fs.existsSync(path.join(REAL_INVOICES_DIR, 'SOURCES.md'));
}

export function readCorpusFile(file: string): Buffer {
  return fs.readFileSync(path.join(REAL_INVOICES_DIR, file));
}

/**
 * The fields of the preview answer (amounts as decimal strings, dates YYYY-MM-DD). null: the invoice has no such
 * field, or the corpus notes do not say it (a name replaced or cut short), so a test does not check it.
 */
export interface TrueFields {
  readonly kind: 'DIGITAL' | 'LEGACY';
  readonly invoice_number: string;
  readonly invoice_code: string | null;
  readonly issue_date: string;
  /** The amount 查验 uses: 数电 价税合计 (tax included); legacy 合计金额 (tax excluded). */
  readonly total_amount: string;
  readonly amount_with_tax: string | null;
  readonly check_code: string | null;
  readonly seller_tax_id: string | null;
  readonly seller_name: string | null;
  readonly buyer_name: string | null;
}

export interface CorpusInvoice {
  readonly file: string;
  readonly format: 'ofd' | 'pdf' | 'xml' | 'png';
  readonly truth: TrueFields;
  /**
   * What the corpus notes say of a file beyond its fields: the XML samples had names and tax ids replaced after
   * they were signed, so their bureau signature must not verify.
   */
  readonly alteredAfterSigning?: boolean;
  /**
   * Names the corpus notes give cut short (`沃尔玛（广西）…来宾桂中大道分店`): the truth says null for them, and a
   * reader's value is compared with what is known ({@link matchesCutShort}).
   */
  readonly cutShort?: Partial<Record<'seller_name' | 'buyer_name', string>>;
}

/** Whether `value` fits a name cut short with `…`: it starts with what comes before and ends with what comes after. */
export function matchesCutShort(value: string | null | undefined, known: string): boolean {
  if (value === null || value === undefined) return false;
  const [head = '', tail = ''] = known.split('…');
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** The truth column of the corpus's SOURCES.md, transcribed field by field. */
export const CORPUS: readonly CorpusInvoice[] = [
  {
    file: '01-ofd-legacy-zj-restaurant-2020.ofd',
    format: 'ofd',
    truth: { kind: 'LEGACY', invoice_number: '83089647', invoice_code: '033002000211', issue_date: '2020-07-23', total_amount: '510.68', amount_with_tax: '526.00', check_code: '16197833567414507415', seller_tax_id: '92330781MA2EDMFU50', seller_name: '兰溪市悦济舫餐厅', buyer_name: '江苏京利华新材料有限公司' },
  },
  {
    file: '02-ofd-legacy-js-seal-2020.ofd',
    format: 'ofd',
    truth: { kind: 'LEGACY', invoice_number: '31471858', invoice_code: '032001600511', issue_date: '2020-10-04', total_amount: '198.04', amount_with_tax: '200.00', check_code: '01897109054748898321', seller_tax_id: '32040419760706081301', seller_name: '新北区河海华昇印章雕刻社', buyer_name: '上海后衍品牌管理有限公司钟楼分公司' },
  },
  {
    file: '03-ofd-legacy-zj-xbrl-2022.ofd',
    format: 'ofd',
    truth: { kind: 'LEGACY', invoice_number: '99934328', invoice_code: '033002200211', issue_date: '2022-09-01', total_amount: '9.91', amount_with_tax: '11.20', check_code: '64484022470182298515', seller_tax_id: '91330106MA7GAL1299', seller_name: '杭州融运科技有限公司', buyer_name: '江苏中电创新环境科技有限公司' },
  },
  {
    file: '04-ofd-legacy-vendor-sample-2020.ofd',
    format: 'ofd',
    truth: { kind: 'LEGACY', invoice_number: '99999951', invoice_code: '050001700111', issue_date: '2020-10-10', total_amount: '300.00', amount_with_tax: '318.00', check_code: '14754822929856772523', seller_tax_id: '91500106MA2CE71F65', seller_name: null, buyer_name: '科游迈利有限公司' },
  },
  {
    file: '05-ofd-shudian-special-bj-2024.ofd',
    format: 'ofd',
    truth: { kind: 'DIGITAL', invoice_number: '24112000000048542163', invoice_code: null, issue_date: '2024-05-28', total_amount: '4449.00', amount_with_tax: '4449.00', check_code: null, seller_tax_id: '91110108690017781B', seller_name: '北京互联三六五科技有限公司', buyer_name: '海南麒麟云服科技有限公司' },
  },
  {
    file: '08-pdf-shudian-special-sh-2025.pdf',
    format: 'pdf',
    truth: { kind: 'DIGITAL', invoice_number: '25317000002228021821', invoice_code: null, issue_date: '2025-10-20', total_amount: '35559.69', amount_with_tax: '35559.69', check_code: null, seller_tax_id: '91310115MA1H9HD02E', seller_name: '上海积塔半导体有限公司', buyer_name: '龙腾半导体股份有限公司' },
  },
  {
    file: '11-xml-shudian-official-mof-sample.xml',
    format: 'xml',
    alteredAfterSigning: true,
    truth: { kind: 'DIGITAL', invoice_number: '23440000000000100001', invoice_code: null, issue_date: '2023-02-23', total_amount: '2.12', amount_with_tax: '2.12', check_code: null, seller_tax_id: '91440000000000000X', seller_name: null, buyer_name: '示例商贸有限公司' },
  },
  {
    file: '12-xml-shudian-gaode-taxi.xml',
    format: 'xml',
    alteredAfterSigning: true,
    truth: { kind: 'DIGITAL', invoice_number: '26320000000000100001', invoice_code: null, issue_date: '2026-07-18', total_amount: '39.54', amount_with_tax: '39.54', check_code: null, seller_tax_id: '91320000000000000X', seller_name: null, buyer_name: 'xxxxxx有限责任公司' },
  },
  {
    file: '13-png-legacy-gx-screenshot-2022.png',
    format: 'png',
    // The QR gives code, number, pre-tax amount, date and check code; 价税合计, the names and tax ids are printed only.
    cutShort: { seller_name: '沃尔玛（广西）…来宾桂中大道分店' },
    truth: { kind: 'LEGACY', invoice_number: '58279940', invoice_code: '045001900111', issue_date: '2022-09-07', total_amount: '1762.83', amount_with_tax: '1992.00', check_code: '77838650584013657784', seller_tax_id: '914513000865119949', seller_name: null, buyer_name: '南宁市仁德房地产开发有限责任公司来宾分公司' },
  },
];
