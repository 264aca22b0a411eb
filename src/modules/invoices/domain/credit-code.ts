/**
 * The 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from a 31-character set, the last
 * a weighted mod-31 check character over the first 17.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The 18th character from the first 17, or null if one of them is not in the set. */
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17.charAt(i));
    if (value < 0) return null;
    sum += value * WEIGHTS[i]!;
  }
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** An 18-character code whose last character is its check character. */
export function creditCodeValid(code: string): boolean {
  return code.length === 18 && creditCodeCheckCharacter(code.slice(0, 17)) === code.charAt(17);
}
