import { checkIdNumber, type IdNumberProblem } from '@server/modules/identity/domain/id-number.js';
import { parseDigitalInvoiceNumber } from '@server/modules/invoices/domain/invoice-number.js';

/**
 * The form's instant checks run the server's own rules (pure domain code shared with the API), so the browser
 * never accepts what the server refuses, nor the reverse. Dates are the Asia/Shanghai calendar day, as there.
 */

export type Message = { readonly zh: string; readonly en: string };

const ID_PROBLEMS: Readonly<Record<IdNumberProblem, Message>> = {
  ID_NUMBER_LENGTH: { zh: '身份证号码应为 18 位', en: 'The ID number must have 18 characters' },
  ID_NUMBER_CHARACTERS: { zh: '身份证号码只能是数字，最后一位可以是 X', en: 'Digits only; the last character may be X' },
  ID_NUMBER_REGION: { zh: '身份证号码前两位不是有效的省级地区代码', en: 'The first two digits are not a province code' },
  ID_NUMBER_BIRTH_DATE: { zh: '身份证号码中的出生日期无效', en: 'The birth date in the ID number is not a valid date' },
  ID_NUMBER_CHECKSUM: { zh: '身份证号码校验位不正确，请核对', en: 'The check character is wrong; check the number' },
};

/** null when the ID number passes GB 11643 (length, characters, region, birth date, check character). */
export function idNumberProblem(value: string, now = new Date()): Message | null {
  const result = checkIdNumber(value, now);
  return result.ok ? null : ID_PROBLEMS[result.reason];
}

/** The Asia/Shanghai calendar day (YYYY-MM-DD), the business day the server reasons in. */
export function shanghaiToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** null when the 20-digit 数电 number is well-formed (digits, length, year, province); else why not. */
export function invoiceNumberProblem(value: string, now = new Date()): Message | null {
  const result = parseDigitalInvoiceNumber(value, shanghaiToday(now));
  return result.ok ? null : { zh: result.message_zh, en: result.message_en };
}

/** An amount as the API takes it: yuan with at most two decimals, more than zero. */
export function amountProblem(value: string): Message | null {
  const v = value.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(v)) return { zh: '请输入金额，最多两位小数，如 58.00', en: 'Enter an amount with at most 2 decimals, e.g. 58.00' };
  if (/^0+(\.0+)?$/.test(v)) return { zh: '金额须大于 0', en: 'The amount must be more than 0' };
  return null;
}

/** Mainland mobile numbers: 11 digits starting 13–19. */
export function phoneProblem(value: string): Message | null {
  return /^1[3-9]\d{9}$/.test(value.trim()) ? null : { zh: '请输入 11 位中国大陆手机号', en: 'Enter an 11-digit mainland China mobile number' };
}

/** Bank card: 12–19 digits (spaces allowed while typing). */
export function bankCardProblem(value: string): Message | null {
  return /^\d{12,19}$/.test(value.replace(/\s+/g, '')) ? null : { zh: '银行卡号应为 12–19 位数字', en: 'The bank card number must have 12–19 digits' };
}
