import type { MatchResult } from 'ohm-js';

export type Dialect = 'sql' | 'cel';

export interface SyntaxProblem {
  readonly message: string;
  /** UTF-16 offset into the source. */
  readonly offset: number;
}

/**
 * The message and position for a condition neither grammar accepts: the failure of the grammar that got
 * further, the SQL-like one on a tie. Ohm reports a failure inside a string literal at the literal's start, so a
 * quote there gets a specific message (never closed, or a bad escape) instead of "expected a string".
 */
export function syntaxProblem(source: string, sql: MatchResult, cel: MatchResult): SyntaxProblem {
  const sqlOffset = failureOffset(sql);
  const celOffset = failureOffset(cel);
  const [dialect, match, offset]: [Dialect, MatchResult, number] = celOffset > sqlOffset ? ['cel', cel, celOffset] : ['sql', sql, sqlOffset];
  return stringProblem(source, offset, dialect) ?? { message: `syntax error: expected ${expectedText(match)}, found ${found(source, offset)}`, offset };
}

function failureOffset(match: MatchResult): number {
  return match.failed() ? match.getRightmostFailurePosition() : -1;
}

function expectedText(match: MatchResult): string {
  return match.failed() ? match.getExpectedText() : 'nothing';
}

function found(source: string, offset: number): string {
  if (offset >= source.length) return 'the end of the condition';
  const token = /^(?:[A-Za-z0-9_]+|\s|.)/su.exec(source.slice(offset))?.[0] ?? '';
  return /^\s$/.test(token) ? 'a line break or space' : `'${token}'`;
}

// After a backslash: SQL allows \\ \' \" \n \t \r; CEL also \a \b \f \v \? \` and \x.. \u.... \U........ \ooo
// (\u and \U naming a code point that is not a surrogate and at most U+10FFFF).
const SQL_ESCAPE = /^\\[\\'"ntr]/;
const CEL_ESCAPE = /^\\(?:[abfnrtv\\?"'`]|[xX][0-9A-Fa-f]{2}|u(?![dD][89a-fA-F])[0-9A-Fa-f]{4}|U00(?:00(?![dD][89a-fA-F])[0-9A-Fa-f]{4}|0[1-9a-fA-F][0-9A-Fa-f]{4}|10[0-9A-Fa-f]{4})|[0-3][0-7]{2})/;

function stringProblem(source: string, offset: number, dialect: Dialect): SyntaxProblem | undefined {
  const quote = source[offset];
  if (quote !== "'" && quote !== '"') return undefined;
  const escape = dialect === 'sql' ? SQL_ESCAPE : CEL_ESCAPE;
  for (let i = offset + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\n' || c === '\r') break;
    if (c === quote) {
      if (dialect === 'sql' && source[i + 1] === quote) {
        i++;
        continue;
      }
      return undefined;
    }
    if (c === '\\') {
      const sequence = escape.exec(source.slice(i, i + 10))?.[0];
      if (sequence === undefined) {
        const allowed = dialect === 'sql' ? "\\\\ \\' \\\" \\n \\t \\r" : 'the escapes of CEL (\\\\ \\" \\n \\u4e0a …)';
        return { message: `invalid escape sequence in string: only ${allowed} are allowed`, offset: i };
      }
      i += sequence.length - 1;
    }
  }
  return { message: 'unterminated string: the quote here is never closed on its line', offset };
}
