// Realistic random invoices for benches and tests: `sampleInvoice(seed, kind)` returns what the sandbox renderer
// (renderInvoicePng) takes, with plausible Chinese company names, valid 统一社会信用代码 (both check characters),
// items whose amounts add up in integer fen (金额 + 税额 = 价税合计), dates, 数电 numbers and legacy codes, check
// codes and machine numbers, and the QR text those imply. Deterministic: a SHA-256 counter stream of the seed.
import { createHash } from 'node:crypto';
import { creditCodeCheckCharacter } from '../../src/modules/invoices/domain/credit-code.js';
import { formatMoney } from '../../src/platform/money/money.js';
import type { InvoiceItemLine, InvoiceParty, InvoicePngInput, InvoicePrintKind, InvoicePrintType } from '../../src/modules/invoices/tax-sandbox/render/invoice-png.js';

export interface SampleInvoice extends InvoicePngInput {
  readonly kind: InvoicePrintKind;
  readonly type: InvoicePrintType;
  /** 合计金额. */
  readonly totalWithoutTax: string;
  /** 合计税额. */
  readonly totalTax: string;
  readonly seller: Required<Pick<InvoiceParty, 'name' | 'taxId'>> & InvoiceParty;
  /** The buyer; a person (个人 or a name) on some 普票, then without a tax id. */
  readonly buyer: InvoiceParty;
  readonly items: readonly InvoiceItemLine[];
  /** LEGACY: 发票代码 (12 digits). */
  readonly code?: string;
  /** LEGACY 普票: 校验码 (20 digits; 专票 have none). */
  readonly checkCode?: string;
  readonly machineNumber?: string;
}

/** A random invoice of `kind`; `type` defaults to 普票 four times in five. */
export function sampleInvoice(seed: string | number, kind: InvoicePrintKind, type?: InvoicePrintType): SampleInvoice {
  const rng = new SeededStream(`sample-invoice/${kind}/${String(seed)}`);
  const invoiceType: InvoicePrintType = type ?? (rng.int(5) === 0 ? 'SPECIAL' : 'GENERAL');
  const sellerRegion = rng.pick(REGIONS);
  const seller = company(rng, sellerRegion, rng.int(6) === 0);
  const buyerIsPerson = invoiceType === 'GENERAL' && rng.int(4) === 0;
  const buyer: InvoiceParty = buyerIsPerson ? { name: rng.int(2) === 0 ? '个人' : personName(rng) } : company(rng, rng.pick(REGIONS), false);

  const items = Array.from({ length: 1 + rng.pick([0, 0, 0, 1, 1, 2, 3]) }, () => itemLine(rng));
  const withoutTax = items.reduce((sum, item) => sum + item.amountFen, 0n);
  const tax = items.reduce((sum, item) => sum + item.taxFen, 0n);
  const total = withoutTax + tax;

  const issueDate = kind === 'DIGITAL' ? rng.date('2022-01-01', '2026-11-30') : rng.date('2017-01-01', '2024-12-31');
  const yyyymmdd = issueDate.replaceAll('-', '');
  const random = rng.hex(4);
  const people = { issuer: personName(rng), payee: personName(rng), reviewer: personName(rng) };
  const remarks = rng.pick(['', '', `订单号：${rng.digits(18)}`, `${sellerRegion.city}${sellerRegion.area}门店`, `合同编号：HT${issueDate.slice(0, 4)}${rng.digits(6)}`]);
  const common = {
    issueDate,
    totalAmount: formatMoney(total),
    totalWithoutTax: formatMoney(withoutTax),
    totalTax: formatMoney(tax),
    seller,
    buyer,
    items: items.map(({ amountFen: _a, taxFen: _t, ...line }) => line),
    remarks,
    issuer: people.issuer,
  };

  if (kind === 'DIGITAL') {
    const number = `${issueDate.slice(2, 4)}${sellerRegion.province}${rng.pick(['2', '7'])}${'0000'}${rng.digits(11)}`;
    const qr = `01,${invoiceType === 'SPECIAL' ? '31' : '32'},,${number},${formatMoney(total)},${yyyymmdd},,${random}`;
    return { ...common, kind, type: invoiceType, qr, number };
  }
  const codeYear = Math.max(17, Number(issueDate.slice(2, 4)) - rng.int(2));
  const code = `0${sellerRegion.province}00${codeYear}00${1 + rng.int(9)}${invoiceType === 'SPECIAL' ? '13' : '11'}`;
  const number = rng.digits(8);
  const checkCode = invoiceType === 'SPECIAL' ? '' : rng.digits(20);
  // Legacy QR codes carry the pre-tax 合计金额.
  const qr = `01,${invoiceType === 'SPECIAL' ? '08' : '10'},${code},${number},${formatMoney(withoutTax)},${yyyymmdd},${checkCode},${random}`;
  return {
    ...common,
    kind,
    type: invoiceType,
    qr,
    number,
    code,
    checkCode,
    machineNumber: `${rng.pick(['4990', '6618', '6612', '5376'])}${rng.digits(8)}`,
    payee: people.payee,
    reviewer: people.reviewer,
  };
}

// ---------------------------------------------------------------------------------------------- tax ids

/** The 18th character of a 统一社会信用代码 from its first 17 (the platform's own check, GB 32100-2015). */
export const usccCheckCharacter = creditCodeCheckCharacter;

/** The 9th character of an 组织机构代码 (GB 11714-1997) from its first 8. */
export function organizationCheckCharacter(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8.charAt(i);
    sum += (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55) * weights[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** 91 (enterprise) or 92 (个体工商户) + the district + an 组织机构代码 with its check + the GB 32100 check. */
function uscc(rng: SeededStream, district: string, individual: boolean): string {
  // Codes issued since 2015 start their organisation part with MA; older ones are digits.
  const letters = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let org8 = rng.int(2) === 0 ? `MA${Array.from({ length: 6 }, () => letters.charAt(rng.int(letters.length))).join('')}` : rng.digits(8);
  let org = org8 + organizationCheckCharacter(org8);
  // GB 11714 may give X, which GB 32100 allows; an organisation part the charset does not allow is drawn again.
  while (usccCheckCharacter(`${individual ? '92' : '91'}${district}${org}`) === null) {
    org8 = rng.digits(8);
    org = org8 + organizationCheckCharacter(org8);
  }
  const first17 = `${individual ? '92' : '91'}${district}${org}`;
  return first17 + usccCheckCharacter(first17)!;
}

// ---------------------------------------------------------------------------------------------- names

interface Region {
  readonly province: string;
  readonly city: string;
  readonly area: string;
  readonly district: string;
  readonly phone: string;
}

const REGIONS: readonly Region[] = [
  { province: '11', city: '北京市', area: '海淀区', district: '110108', phone: '010' },
  { province: '31', city: '上海市', area: '浦东新区', district: '310115', phone: '021' },
  { province: '44', city: '深圳市', area: '南山区', district: '440305', phone: '0755' },
  { province: '44', city: '广州市', area: '天河区', district: '440106', phone: '020' },
  { province: '33', city: '杭州市', area: '西湖区', district: '330106', phone: '0571' },
  { province: '32', city: '南京市', area: '玄武区', district: '320102', phone: '025' },
  { province: '51', city: '成都市', area: '武侯区', district: '510107', phone: '028' },
  { province: '42', city: '武汉市', area: '武昌区', district: '420106', phone: '027' },
  { province: '43', city: '长沙市', area: '岳麓区', district: '430104', phone: '0731' },
  { province: '45', city: '南宁市', area: '青秀区', district: '450103', phone: '0771' },
  { province: '37', city: '青岛市', area: '市南区', district: '370202', phone: '0532' },
  { province: '35', city: '厦门市', area: '思明区', district: '350203', phone: '0592' },
  { province: '41', city: '郑州市', area: '金水区', district: '410105', phone: '0371' },
  { province: '61', city: '西安市', area: '雁塔区', district: '610113', phone: '029' },
  { province: '50', city: '重庆市', area: '渝中区', district: '500103', phone: '023' },
  { province: '12', city: '天津市', area: '和平区', district: '120101', phone: '022' },
];

const BRANDS = ['华信', '恒通', '鑫源', '盛达', '宏远', '金桥', '云帆', '博瑞', '天成', '新锐', '中联', '嘉禾', '瑞丰', '永安', '汇丰达', '星辰', '启明', '同创', '佳美', '德润', '海纳', '安泰'];
const TRADES = ['科技', '信息技术', '商贸', '餐饮管理', '建筑工程', '电子', '医药', '物流', '文化传媒', '食品', '酒店管理', '汽车服务', '广告', '教育咨询', '环保科技', '半导体', '供应链管理'];
const SHOPS = ['餐厅', '便利店', '水果店', '烧烤店', '五金店', '面馆', '超市'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '红梅', '建华', '志强', '晓东'];
const ROADS = ['人民路', '中山路', '解放大道', '建设路', '科技园路', '长江路', '新华街', '青年大街', '学院路', '滨江大道'];
const BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '招商银行', '交通银行'];

function personName(rng: SeededStream): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN);
}

function company(rng: SeededStream, region: Region, individual: boolean): Required<InvoiceParty> {
  const short = region.city.replace(/市$/, '');
  const name = individual
    ? `${region.area}${rng.pick(BRANDS)}${rng.pick(SHOPS)}`
    : `${short}${rng.pick(BRANDS)}${rng.pick(TRADES)}${rng.pick(['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司', `有限公司${region.area.replace(/区$/, '')}分公司`])}`;
  return {
    name,
    taxId: uscc(rng, region.district, individual),
    addressPhone: `${region.city}${region.area}${rng.pick(ROADS)}${1 + rng.int(999)}号 ${region.phone}-${2 + rng.int(7)}${rng.digits(7)}`,
    bankAccount: `${rng.pick(BANKS)}${short}${rng.pick(ROADS).slice(0, 2)}支行 ${rng.digits(19)}`,
  };
}

// ---------------------------------------------------------------------------------------------- items

interface Goods {
  readonly name: string;
  readonly unit: string;
  readonly rate: number;
  /** Unit price range, fen. */
  readonly price: readonly [number, number];
  readonly specs: readonly string[];
  /** Quantities with 2 decimals (fuel by the litre). */
  readonly fractional?: boolean;
  readonly maxQuantity: number;
}

const GOODS: readonly Goods[] = [
  { name: '*餐饮服务*餐费', unit: '', rate: 6, price: [3_000, 300_000], specs: [''], maxQuantity: 1 },
  { name: '*酒*白酒', unit: '瓶', rate: 13, price: [8_000, 300_000], specs: ['500ml', '53度 500ml', ''], maxQuantity: 12 },
  { name: '*电子计算机*笔记本电脑', unit: '台', rate: 13, price: [300_000, 1_500_000], specs: ['ThinkPad X1', 'MateBook 14', ''], maxQuantity: 5 },
  { name: '*日用杂品*纸巾', unit: '箱', rate: 13, price: [2_000, 20_000], specs: ['3层100抽', ''], maxQuantity: 20 },
  { name: '*信息技术服务*技术服务费', unit: '项', rate: 6, price: [100_000, 5_000_000], specs: [''], maxQuantity: 1 },
  { name: '*纸制品*打印纸', unit: '箱', rate: 13, price: [10_000, 30_000], specs: ['A4 70g', 'A4 80g'], maxQuantity: 30 },
  { name: '*运输服务*客运服务费', unit: '次', rate: 9, price: [1_000, 50_000], specs: [''], maxQuantity: 3 },
  { name: '*住宿服务*住宿费', unit: '天', rate: 6, price: [20_000, 80_000], specs: ['', '标准间'], maxQuantity: 5 },
  { name: '*乳制品*纯牛奶', unit: '箱', rate: 9, price: [4_000, 12_000], specs: ['250ml*24', ''], maxQuantity: 10 },
  { name: '*谷物*大米', unit: '袋', rate: 9, price: [3_000, 15_000], specs: ['10kg', '25kg'], maxQuantity: 10 },
  { name: '*汽油*92号车用汽油(VIA)', unit: '升', rate: 13, price: [650, 900], specs: [''], fractional: true, maxQuantity: 80 },
  { name: '*微电子组件*芯片', unit: '片', rate: 13, price: [500, 200_000], specs: ['LSG10R042BHC', 'STM32F103', ''], maxQuantity: 500 },
];

type Line = InvoiceItemLine & { readonly amountFen: bigint; readonly taxFen: bigint };

function itemLine(rng: SeededStream): Line {
  const goods = rng.pick(GOODS);
  // Quantity in hundredths, the unit price in fen; 金额 is their product rounded to the fen (half up).
  const hundredths = goods.fractional ? 1_000 + rng.int(goods.maxQuantity * 100 - 1_000) : 100 * (1 + rng.int(goods.maxQuantity));
  const priceFen = BigInt(goods.price[0] + rng.int(goods.price[1] - goods.price[0]));
  const amountFen = (BigInt(hundredths) * priceFen + 50n) / 100n;
  const taxFen = (amountFen * BigInt(goods.rate) + 50n) / 100n;
  const quantity = goods.fractional ? formatMoney(BigInt(hundredths)) : String(hundredths / 100);
  return {
    name: goods.name,
    spec: rng.pick(goods.specs),
    unit: goods.unit,
    quantity: goods.maxQuantity === 1 && goods.unit === '' ? '' : quantity,
    // The unit price as the issuing software prints it: 金额 / 数量, up to 8 decimals, trailing zeros dropped.
    unitPrice: goods.maxQuantity === 1 && goods.unit === '' ? '' : unitPrice(amountFen, BigInt(hundredths)),
    amount: formatMoney(amountFen),
    taxRate: `${goods.rate}%`,
    tax: formatMoney(taxFen),
    amountFen,
    taxFen,
  };
}

function unitPrice(amountFen: bigint, hundredths: bigint): string {
  // (amountFen / 100) / (hundredths / 100) yuan = amountFen / hundredths, in units of 10⁻⁸ yuan, rounded half up.
  const scaled = (amountFen * 100_000_000n + hundredths / 2n) / hundredths;
  const whole = scaled / 100_000_000n;
  const fraction = (scaled % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${fraction}`;
}

// ---------------------------------------------------------------------------------------------- randomness

/** SHA-256 of `seed/counter`, 32 bytes at a time (node:crypto; no Math.random). */
class SeededStream {
  private counter = 0;
  private block = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly seed: string) {}

  private uint32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256').update(`${this.seed}/${this.counter++}`).digest();
      this.offset = 0;
    }
    const v = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** Uniform in 0..n−1 (n ≤ 2³²; the modulo bias is below 10⁻⁶ for the sizes used here). */
  int(n: number): number {
    return this.uint32() % n;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)]!;
  }

  digits(n: number): string {
    return Array.from({ length: n }, () => String(this.int(10))).join('');
  }

  hex(n: number): string {
    return Array.from({ length: n }, () => '0123456789ABCDEF'.charAt(this.int(16))).join('');
  }

  /** A calendar date between two YYYY-MM-DD dates, inclusive. */
  date(from: string, to: string): string {
    const a = Date.parse(`${from}T00:00:00Z`);
    const b = Date.parse(`${to}T00:00:00Z`);
    const days = Math.round((b - a) / 86_400_000);
    return new Date(a + this.int(days + 1) * 86_400_000).toISOString().slice(0, 10);
  }
}
