/**
 * Real names as printed on an identity document, which is what bank 4-factor verification compares against.
 * Two scripts are accepted, never mixed:
 * - Chinese: CJK Unified Ideographs (U+4E00–U+9FFF) and Extension A (U+3400–U+4DBF), with the middle dot U+00B7
 *   between parts of minority and transliterated names (买买提·艾力). Rarer characters from Extension B on are
 *   not accepted yet.
 * - Latin letters separated by single spaces, for foreign permanent residents (JOHN SMITH).
 */
export type PersonNameCheck =
  | { readonly ok: true; readonly normalized: string }
  | { readonly ok: false; readonly reason: 'NAME_FORMAT' };

const MIN_LENGTH = 2;
const MAX_LENGTH = 30;

const CHINESE_NAME = /^[\u3400-\u4DBF\u4E00-\u9FFF]+(?:\u00B7[\u3400-\u4DBF\u4E00-\u9FFF]+)*$/;
const LATIN_NAME = /^[A-Za-z]+(?: [A-Za-z]+)*$/;

/**
 * Dots that input methods and fonts produce in place of U+00B7. ID cards print U+00B7, and the bank compares
 * characters, so "买买提•艾力" would otherwise fail verification for a correct name.
 */
const MIDDLE_DOT_LOOKALIKES = /[\u2022\u2027\u2219\u30FB\uFF65]/g;

export function checkPersonName(input: string): PersonNameCheck {
  const normalized = input.trim().replace(/\s+/g, ' ').replace(MIDDLE_DOT_LOOKALIKES, '\u00B7');
  const length = Array.from(normalized).length;
  if (length < MIN_LENGTH || length > MAX_LENGTH) return { ok: false, reason: 'NAME_FORMAT' };
  if (!CHINESE_NAME.test(normalized) && !LATIN_NAME.test(normalized)) return { ok: false, reason: 'NAME_FORMAT' };
  return { ok: true, normalized };
}
