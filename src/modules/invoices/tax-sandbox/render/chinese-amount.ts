/**
 * An amount in Chinese capital numerals (中文大写金额), as invoices print 价税合计（大写）: 1992.00 → 壹仟玖佰玖拾贰圆整,
 * 35559.69 → 叁万伍仟伍佰伍拾玖圆陆角玖分, 10.05 → 壹拾圆零伍分, 0.50 → 伍角.
 *
 * The rules (中国人民银行《支付结算办法》附一《正确填写票据和结算凭证的基本规定》, as the invoice software applies them):
 * - 圆 (invoices print 圆, not 元); 整 after 圆 when there are no 角 and 分; nothing after 角 or 分;
 * - one 零 for each run of zeros inside the integer part, also across a 万/亿 group (1000100 → 壹佰万零壹佰圆整),
 *   none for trailing zeros (100000 → 壹拾万圆整), and 拾 always with its digit (10 → 壹拾圆整);
 * - 零 between 圆 and 分 when 角 is 0 (10.05 → 壹拾圆零伍分); none when the 角 is there (1680.32 → 壹仟陆佰捌拾圆叁角贰分);
 * - no 圆 when the integer part is 0 and there are 角 or 分 (0.05 → 伍分); 0 is 零圆整; a negative amount (红字发票)
 *   is prefixed with 负.
 */
export function chineseCapitalAmount(fen: bigint): string {
  if (fen < 0n) return `负${chineseCapitalAmount(-fen)}`;
  const yuan = fen / 100n;
  const jiao = Number((fen / 10n) % 10n);
  const fenDigit = Number(fen % 10n);
  if (fen === 0n) return '零圆整';
  let out = yuan > 0n ? `${integerPart(yuan)}圆` : '';
  if (jiao === 0 && fenDigit === 0) return `${out}整`;
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (yuan > 0n) out += '零';
  if (fenDigit > 0) out += `${DIGITS[fenDigit]}分`;
  return out;
}

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const SMALL_UNITS = ['', '拾', '佰', '仟'] as const;
/** Groups of four digits: 个, 万, 亿, 万亿 (invoice amounts stay far below 10¹⁶ yuan). */
const GROUP_UNITS = ['', '万', '亿', '万亿'] as const;

function integerPart(value: bigint): string {
  const digits = value.toString();
  if (digits.length > 16) throw new RangeError('chineseCapitalAmount: amount too large');
  let out = '';
  let zeroPending = false;
  const groups = Math.ceil(digits.length / 4);
  for (let g = groups - 1; g >= 0; g--) {
    const end = digits.length - g * 4;
    const group = digits.slice(Math.max(0, end - 4), end).padStart(4, '0');
    let groupHasDigit = false;
    for (let i = 0; i < 4; i++) {
      const d = Number(group[i]);
      if (d === 0) {
        zeroPending = true;
        continue;
      }
      if (zeroPending && out !== '') out += '零';
      zeroPending = false;
      out += DIGITS[d]! + SMALL_UNITS[3 - i]!;
      groupHasDigit = true;
    }
    if (groupHasDigit) out += GROUP_UNITS[g]!;
  }
  return out;
}
