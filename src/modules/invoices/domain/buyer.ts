/**
 * Whose invoice is it (issue #18 item 7): the lottery rewards people for the invoices they receive, so an invoice
 * issued to a company counts only where a campaign allows it, and one issued to a named person only for that person.
 */

/** Which buyers a campaign's invoices may name: individuals only (the default) or anyone. */
export type BuyerRule = 'PERSON' | 'ANY';

/**
 * Name endings that mark an organisation, not a person: companies and their branches (有限公司, 分公司 end in 公司),
 * 个体工商户 trade names (店, 厂, 商行, 经营部, 工作室…), and institutions (中心, 合作社, 事务所, 研究院, 医院, 学校…).
 * Chosen so that no common personal name (2–4 characters, or a minority name with ·) ends with one: single
 * characters are limited to those that are not given names (厂, 店, 馆, 社, 局, 处, 站), the rest are compounds.
 */
export const COMPANY_NAME_ENDINGS: readonly string[] = [
  '公司', '集团', '企业', '厂', '店', '馆', '社', '局', '处', '站',
  '中心', '合作社', '事务所', '研究院', '研究所', '设计院', '医院', '诊所', '卫生院', '药房',
  '学校', '学院', '大学', '中学', '小学', '幼儿园', '银行', '商行', '车行', '经营部', '门市部', '营业部', '销售部', '办事处',
  '工作室', '俱乐部', '协会', '学会', '商会', '基金会', '委员会', '联合会', '政府', '街道', '居委会', '村委会',
  '酒楼', '餐厅', '超市', '市场', '商场', '农场', '林场', '牧场', '宾馆', '酒店', '院', '部', '场',
];

/** Latin-script company forms (a buyer name may be written in English). */
const LATIN_COMPANY = /\b(co\.?,?\s*ltd|ltd|limited|inc|corp(oration)?|llc|gmbh|company)\.?$/i;

/** What an invoice names as its buyer when issued to an individual who gave no name (数电: 个人). */
const ANONYMOUS_PERSON = new Set(['个人', '个人消费者', '消费者', '自然人', '散客']);

/** Full-width folded, whitespace dropped, a trailing (个人) or （个人） removed. */
export function normalizeBuyerName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\(个人\)$/, '');
}

/** Whether a buyer name reads as an organisation's. */
export function isCompanyName(name: string): boolean {
  const value = normalizeBuyerName(name);
  if (value === '' || ANONYMOUS_PERSON.has(value)) return false;
  if (LATIN_COMPANY.test(name.normalize('NFKC').trim())) return true;
  // 院, 部 and 场 only as the end of a longer name (广场, 商场…): a person's 2–3 character name may end with them.
  const short = ['院', '部', '场'];
  return COMPANY_NAME_ENDINGS.some((ending) => value.endsWith(ending) && (!short.includes(ending) || value.length >= 5));
}

export interface InvoiceBuyer {
  readonly name?: string | null;
  readonly taxId?: string | null;
}

export type BuyerVerdict =
  | { readonly kind: 'PERSON_UNNAMED' }
  | { readonly kind: 'PERSON'; readonly name: string }
  | { readonly kind: 'COMPANY' };

/** A buyer tax id (纳税人识别号) or a company-looking name is a company; 个人 or no buyer at all is a person. */
export function classifyBuyer(buyer: InvoiceBuyer): BuyerVerdict {
  const taxId = buyer.taxId?.trim() ?? '';
  const name = normalizeBuyerName(buyer.name ?? '');
  if (taxId !== '' || isCompanyName(name)) return { kind: 'COMPANY' };
  if (name === '' || ANONYMOUS_PERSON.has(name)) return { kind: 'PERSON_UNNAMED' };
  return { kind: 'PERSON', name };
}

/**
 * The buyer rule's answer: null when the invoice may count for this user, else the refusal. A person's name must
 * be the user's verified real name (compared after normalisation); `verifiedName` null means the user has not
 * verified a real name, which REAL_NAME_REQUIRED already refuses, so no mismatch is claimed then.
 */
export function buyerRefusal(buyer: InvoiceBuyer, rule: BuyerRule, verifiedName: string | null): 'INVOICE_BUYER_COMPANY' | 'INVOICE_BUYER_MISMATCH' | null {
  const verdict = classifyBuyer(buyer);
  if (verdict.kind === 'COMPANY') return rule === 'ANY' ? null : 'INVOICE_BUYER_COMPANY';
  if (verdict.kind === 'PERSON' && verifiedName !== null && verdict.name !== normalizeBuyerName(verifiedName)) return 'INVOICE_BUYER_MISMATCH';
  return null;
}
