import { createHash } from 'node:crypto';
import { formatMoney, parseMoney, type Fen } from '../../../../platform/money/money.js';
import { regionName } from '../../domain/regions.js';
import { chineseCapitalAmount } from './chinese-amount.js';

/** 数电 (全面数字化的电子发票) or an old-style 增值税电子发票 with 发票代码 and 校验码. */
export type InvoicePrintKind = 'DIGITAL' | 'LEGACY';
/** 普通发票 or 增值税专用发票. */
export type InvoicePrintType = 'GENERAL' | 'SPECIAL';

export interface InvoiceParty {
  readonly name: string;
  /** 统一社会信用代码/纳税人识别号. */
  readonly taxId?: string;
  /** 地址、电话 (legacy layout). */
  readonly addressPhone?: string;
  /** 开户行及账号 (legacy layout). */
  readonly bankAccount?: string;
}

export interface InvoiceItemLine {
  /** 项目名称 / 货物或应税劳务、服务名称, e.g. `*酒*轩尼诗VSOP`. */
  readonly name: string;
  readonly spec?: string;
  readonly unit?: string;
  readonly quantity?: string;
  readonly unitPrice?: string;
  /** 金额 (tax excluded), decimal string. */
  readonly amount: string;
  /** 税率/征收率, e.g. `13%`. */
  readonly taxRate: string;
  /** 税额, decimal string. */
  readonly tax: string;
}

/**
 * Everything an invoice prints. Only the QR text, number, date and 价税合计 are required: the rest defaults to what
 * the QR says (kind, type, code, check code), to a 13% split of the total, one item line, and blank names.
 */
export interface InvoicePrintInput {
  /** The QR text, e.g. `01,32,,25432000000031411143,655.00,20250311,,19E3`. */
  readonly qr: string;
  /** 发票号码: 20 digits (数电) or 8 (legacy). */
  readonly number: string;
  /** YYYY-MM-DD (or YYYYMMDD). */
  readonly issueDate: string;
  /** 价税合计 (tax included), e.g. `655.00`. */
  readonly totalAmount: string;
  /** Default: LEGACY when a 发票代码 is given or the QR's 票种 is a legacy one, else DIGITAL. */
  readonly kind?: InvoicePrintKind;
  /** Default: from the QR's 票种 (01/08/31 专票), else GENERAL. */
  readonly type?: InvoicePrintType;
  /** 发票代码 (legacy, 10 or 12 digits). Default: the QR's. */
  readonly code?: string;
  /** 校验码 (legacy, 20 digits; printed in groups of 5). Default: the QR's. */
  readonly checkCode?: string;
  /** 机器编号 (legacy, 12 digits). */
  readonly machineNumber?: string;
  /** The province in the legacy title (广西 → 广西增值税电子普通发票) and on the 监制章. Default: from the code/number. */
  readonly province?: string;
  /** 合计金额 (tax excluded). Default: 价税合计 / 1.13, rounded to the fen. */
  readonly totalWithoutTax?: string;
  /** 合计税额. Default: 价税合计 − 合计金额. */
  readonly totalTax?: string;
  readonly seller?: InvoiceParty;
  readonly buyer?: InvoiceParty;
  readonly items?: readonly InvoiceItemLine[];
  /** 备注. */
  readonly remarks?: string;
  /** 开票人. */
  readonly issuer?: string;
  /** 收款人 (legacy). */
  readonly payee?: string;
  /** 复核 (legacy). */
  readonly reviewer?: string;
}

/** The invoice as it is printed: every text decided, amounts formatted. */
export interface PrintedInvoice {
  readonly kind: InvoicePrintKind;
  readonly type: InvoicePrintType;
  readonly title: string;
  readonly qr: string;
  readonly number: string;
  readonly code: string;
  /** The 校验码 as printed: `77838 65058 40136 57784`. */
  readonly checkCode: string;
  readonly machineNumber: string;
  /** 2025年10月20日 (数电) or 2022 年 09 月 07 日 (legacy). */
  readonly dateText: string;
  /** The 监制章's lower line: 广西壮族自治区税务局. */
  readonly bureau: string;
  readonly buyer: Required<InvoiceParty>;
  readonly seller: Required<InvoiceParty>;
  readonly items: readonly Required<InvoiceItemLine>[];
  readonly totalWithoutTax: string;
  readonly totalTax: string;
  readonly totalWithTax: string;
  /** 价税合计（大写）. */
  readonly capital: string;
  readonly remarks: string;
  readonly issuer: string;
  readonly payee: string;
  readonly reviewer: string;
  /** The legacy 密码区: 4 lines of 28 characters, derived from the invoice's identity. */
  readonly cipher: readonly string[];
}

const SPECIAL_QR_TYPES = new Set(['01', '08', '31']);
const LEGACY_QR_TYPES = new Set(['01', '02', '03', '04', '08', '10', '11', '14', '15']);

/** The 监制章 names of province-level bureaus: 省 by default, these otherwise. */
const BUREAU_NAMES: Readonly<Record<string, string>> = {
  北京: '北京市',
  天津: '天津市',
  上海: '上海市',
  重庆: '重庆市',
  内蒙古: '内蒙古自治区',
  广西: '广西壮族自治区',
  西藏: '西藏自治区',
  宁夏: '宁夏回族自治区',
  新疆: '新疆维吾尔自治区',
};

export function printedInvoice(input: InvoicePrintInput): PrintedInvoice {
  if (typeof input.qr !== 'string' || input.qr.length === 0) throw new TypeError('invoice renderer: qr must be a non-empty string');
  const qrFields = input.qr.split(',');
  const qrType = qrFields[1] ?? '';
  const code = input.code ?? qrFields[2] ?? '';
  const kind: InvoicePrintKind = input.kind ?? (code !== '' || LEGACY_QR_TYPES.has(qrType) ? 'LEGACY' : 'DIGITAL');
  const type: InvoicePrintType = input.type ?? (SPECIAL_QR_TYPES.has(qrType) ? 'SPECIAL' : 'GENERAL');
  const checkCode = (input.checkCode ?? (kind === 'LEGACY' ? qrFields[6] : '') ?? '').replace(/\s+/g, '');

  const total = money('totalAmount', input.totalAmount);
  let withoutTax: Fen;
  let tax: Fen;
  if (input.totalWithoutTax !== undefined) {
    withoutTax = money('totalWithoutTax', input.totalWithoutTax);
    tax = input.totalTax !== undefined ? money('totalTax', input.totalTax) : total - withoutTax;
  } else if (input.totalTax !== undefined) {
    tax = money('totalTax', input.totalTax);
    withoutTax = total - tax;
  } else {
    withoutTax = (total * 200n + 113n) / 226n; // total / 1.13, rounded half up
    tax = total - withoutTax;
  }
  if (withoutTax + tax !== total) {
    throw new RangeError(`invoice renderer: 合计金额 ${formatMoney(withoutTax)} + 合计税额 ${formatMoney(tax)} is not 价税合计 ${formatMoney(total)}`);
  }

  const province = input.province ?? provinceOf(kind, code, input.number) ?? '';
  const date = isoDate(input.issueDate);
  const [y, m, d] = date.split('-');
  const typeName = type === 'SPECIAL' ? '专用发票' : '普通发票';
  const title = kind === 'DIGITAL' ? `电子发票（${type === 'SPECIAL' ? '增值税专用发票' : '普通发票'}）` : `${province}增值税电子${typeName}`;

  const items: Required<InvoiceItemLine>[] = (
    input.items && input.items.length > 0
      ? input.items
      : [{ name: '*日用品*商品一批', unit: '批', quantity: '1', unitPrice: formatMoney(withoutTax), amount: formatMoney(withoutTax), taxRate: '13%', tax: formatMoney(tax) }]
  ).map((item) => ({ spec: '', unit: '', quantity: '', unitPrice: '', ...item }));

  return {
    kind,
    type,
    title,
    qr: input.qr,
    number: input.number,
    code,
    checkCode: checkCode.replace(/(\d{5})(?=\d)/g, '$1 '),
    machineNumber: input.machineNumber ?? '',
    dateText: kind === 'DIGITAL' ? `${y}年${m}月${d}日` : `${y} 年 ${m} 月 ${d} 日`,
    bureau: province === '' ? '' : `${BUREAU_NAMES[province] ?? `${province}省`}税务局`,
    buyer: party(input.buyer),
    seller: party(input.seller),
    items,
    totalWithoutTax: formatMoney(withoutTax),
    totalTax: formatMoney(tax),
    totalWithTax: formatMoney(total),
    capital: chineseCapitalAmount(total),
    remarks: input.remarks ?? '',
    issuer: input.issuer ?? '',
    payee: input.payee ?? '',
    reviewer: input.reviewer ?? '',
    cipher: cipherLines(`${code}|${input.number}|${date}|${formatMoney(total)}`),
  };
}

function party(p: InvoiceParty | undefined): Required<InvoiceParty> {
  return { name: p?.name ?? '', taxId: p?.taxId ?? '', addressPhone: p?.addressPhone ?? '', bankAccount: p?.bankAccount ?? '' };
}

function money(name: string, value: string): Fen {
  try {
    return parseMoney(value, { allowNegative: true });
  } catch {
    throw new RangeError(`invoice renderer: ${name} must be a decimal amount, got ${String(value)}`);
  }
}

/** The province of a legacy code (digits 1–2 of its region, after the leading 0 of a 12-digit code) or a 数电 number (digits 3–4). */
function provinceOf(kind: InvoicePrintKind, code: string, number: string): string | undefined {
  if (kind === 'LEGACY') return /^\d{10,12}$/.test(code) ? regionName(code.length === 12 ? code.slice(1, 3) : code.slice(0, 2)) : undefined;
  return /^\d{20}$/.test(number) ? regionName(number.slice(2, 4)) : undefined;
}

export function isoDate(issueDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(issueDate)) return issueDate;
  if (/^\d{8}$/.test(issueDate)) return `${issueDate.slice(0, 4)}-${issueDate.slice(4, 6)}-${issueDate.slice(6, 8)}`;
  throw new RangeError(`invoice renderer: issueDate must be YYYY-MM-DD or YYYYMMDD, got ${issueDate}`);
}

const CIPHER_ALPHABET = '0123456789+-*/<>';

/** 密码区 text: 4 × 28 characters of digits and + - * / < >, as the tax-control device prints (deterministic here). */
function cipherLines(identity: string): string[] {
  const lines: string[] = [];
  for (let line = 0; line < 4; line++) {
    const bytes = createHash('sha256').update(`quanyi/cipher/${line}/${identity}`).digest();
    let text = '';
    for (let i = 0; i < 28; i++) text += CIPHER_ALPHABET[bytes[i]! % CIPHER_ALPHABET.length];
    lines.push(text);
  }
  return lines;
}
