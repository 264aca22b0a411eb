/**
 * GB/T 2260 province-level divisions (省、自治区、直辖市、特别行政区): the first two digits of an administrative
 * division code. Invoice numbers and codes carry them (reference/einvoice-and-identity-formats.md §1.1–1.2).
 *
 * The STA says digits 3–4 of a 数电 number may also be a 计划单列市 (大连, 青岛, 宁波, 厦门, 深圳) code, but publishes no
 * two-digit codes for them and GB/T 2260 has none, so none are listed: add them here once one is seen on a real
 * invoice.
 */
const PROVINCES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    '11': '北京',
    '12': '天津',
    '13': '河北',
    '14': '山西',
    '15': '内蒙古',
    '21': '辽宁',
    '22': '吉林',
    '23': '黑龙江',
    '31': '上海',
    '32': '江苏',
    '33': '浙江',
    '34': '安徽',
    '35': '福建',
    '36': '江西',
    '37': '山东',
    '41': '河南',
    '42': '湖北',
    '43': '湖南',
    '44': '广东',
    '45': '广西',
    '46': '海南',
    '50': '重庆',
    '51': '四川',
    '52': '贵州',
    '53': '云南',
    '54': '西藏',
    '61': '陕西',
    '62': '甘肃',
    '63': '青海',
    '64': '宁夏',
    '65': '新疆',
    '71': '台湾',
    '81': '香港',
    '82': '澳门',
  }),
);

/** Code → short Chinese name, frozen and without a prototype (so `'constructor'` is not a region). */
export const PROVINCE_NAMES: Readonly<Record<string, string>> = PROVINCES;

/** Taiwan, Hong Kong and Macao have no mainland tax bureau, so no invoice can be issued there. */
const WITHOUT_MAINLAND_TAX_BUREAU: ReadonlySet<string> = new Set(['71', '81', '82']);

/** The short Chinese name of a two-digit GB/T 2260 province-level code ('43' → '湖南'), or undefined. */
export function regionName(code: string): string | undefined {
  return Object.hasOwn(PROVINCES, code) ? PROVINCES[code] : undefined;
}

/** Like `regionName`, but only for regions with a mainland tax bureau, i.e. where an invoice can come from. */
export function taxRegionName(code: string): string | undefined {
  return WITHOUT_MAINLAND_TAX_BUREAU.has(code) ? undefined : regionName(code);
}
