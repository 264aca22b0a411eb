/**
 * Mainland China mobile numbers. We accept the simple shape `1[3-9]` + 9 digits rather than a per-carrier prefix
 * list: since number portability (2019-12) the prefix no longer identifies the carrier, and new segments open
 * every few years, so a strict list would start refusing real customers. Delivering the SMS code is the real check.
 */
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const COUNTRY_CODE_PREFIXES = ['+86', '86'] as const;

/**
 * The 11-digit national form of a mainland mobile number, or null when the input is not one.
 * Accepts `13800001234`, `+86 138 0000 1234`, `86-138-0000-1234` and `+8613800001234`.
 */
export function normalizeMainlandMobile(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  if (MAINLAND_MOBILE.test(compact)) return compact;
  // The country code is dropped only when a whole mobile number follows it, so "86" is never cut off the front
  // of some other digit string that would then happen to look like a number.
  for (const prefix of COUNTRY_CODE_PREFIXES) {
    if (!compact.startsWith(prefix)) continue;
    const national = compact.slice(prefix.length);
    if (MAINLAND_MOBILE.test(national)) return national;
  }
  return null;
}
