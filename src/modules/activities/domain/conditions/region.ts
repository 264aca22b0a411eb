/**
 * City and province names arrive with or without their administrative suffix (ip2region says 上海市 and 广东省,
 * an operator types 上海 and 广东). Both sides of a comparison are normalised by dropping one trailing suffix:
 * the context's ip_city / ip_province when a condition is evaluated (context.ts), the string literals compared
 * with them when it is compiled (normaliseRegionLiterals in check.ts), and named lists tested against them
 * when it is evaluated (evaluate.ts).
 *
 * The longest suffix wins, so 广西壮族自治区 becomes 广西, not 广西壮族. A name that is only a suffix stays as it is.
 */
const SUFFIXES = ['维吾尔自治区', '特别行政区', '壮族自治区', '回族自治区', '自治区', '市', '省'] as const;

export function normaliseRegion(name: string): string {
  const trimmed = name.trim();
  for (const suffix of SUFFIXES) {
    if (trimmed.endsWith(suffix) && trimmed.length > suffix.length) return trimmed.slice(0, -suffix.length);
  }
  return trimmed;
}

export const REGION_VARIABLES: ReadonlySet<string> = new Set(['ip_city', 'ip_province']);
