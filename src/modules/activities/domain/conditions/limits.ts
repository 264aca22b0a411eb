/**
 * Bounds checked before any parser sees a condition, so that no input can make compiling slow or deep:
 *
 * - Length: ohm matches at roughly 5 µs per character on expression-heavy text, so MAX_CONDITION_LENGTH keeps
 *   the worst compile (both grammars tried, then @bufbuild/cel's parser) a few milliseconds. The specification's
 *   conditions are about 30 characters.
 * - Nesting: ohm, @bufbuild/cel's parser and the checker recurse once per parenthesis or bracket; beyond about
 *   150 levels ohm overflows the stack. MAX_NESTING_DEPTH is far below that and far above any real condition.
 * - Characters: control characters other than tab, line feed and carriage return, and unpaired UTF-16
 *   surrogates, are refused; neither can be typed into a condition on purpose.
 */
export const MAX_CONDITION_LENGTH = 500;
export const MAX_NESTING_DEPTH = 32;

export interface SourceProblem {
  readonly message: string;
  /** UTF-16 offset into the source. */
  readonly offset: number;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function checkSourceLimits(source: string): SourceProblem | undefined {
  if (source.length > MAX_CONDITION_LENGTH) {
    return {
      message: `condition is too long: ${source.length} characters, at most ${MAX_CONDITION_LENGTH} are allowed`,
      offset: MAX_CONDITION_LENGTH,
    };
  }
  if (source.trim() === '') return { message: 'condition is empty', offset: 0 };
  const forbidden = FORBIDDEN_CHARACTER.exec(source);
  if (forbidden) {
    const code = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    const what = forbidden[0] >= '\ud800' ? 'an unpaired surrogate' : 'a control character';
    return { message: `condition contains ${what} (U+${code}), which is not allowed`, offset: forbidden.index };
  }
  return checkNesting(source);
}

/**
 * Deepest run of unclosed ( [ { outside string literals and CEL `//` comments. A quote opens a string that a
 * backslash-escaped or doubled quote does not close, as in both dialects. CEL raw and triple-quoted strings are
 * scanned the same way, which can hide brackets from the count; a nesting beyond the bound then still fails
 * safely, as @bufbuild/cel's parser handles a few hundred levels and compile.ts turns a stack overflow into an
 * error.
 */
function checkNesting(source: string): SourceProblem | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '/' && source[i + 1] === '/') i = lineEnd(source, i);
    else if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth > MAX_NESTING_DEPTH) {
        return { message: `condition is nested too deeply: at most ${MAX_NESTING_DEPTH} levels of brackets are allowed`, offset: i };
      }
    } else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end === -1 ? source.length : end;
}
