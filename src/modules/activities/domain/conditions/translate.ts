import type { MatchResult, Node } from 'ohm-js';
import { CONTEXT_VARIABLES, isContextVariable } from './context.js';
import { PieceMap } from './position.js';
import { sqlGrammar } from './sql-grammar.js';

/**
 * SQL-like condition → CEL source, token by token, recording in a PieceMap where each written piece came from
 * so that errors found later in the CEL (types, unknown names) are reported at the operator's column:
 *
 *   =  → ==        <> → !=        AND → &&        OR → ||        NOT p → !(p)
 *   x IN ('a', 1)  → x in ["a", 1]          x NOT IN ('a')   → !(x in ["a"])
 *   x IN (list)    → x in list              x NOT IN (list)  → !(x in list)
 *   'it''s', "a\"b", '上海' → "it's", "a\"b", "上海"   (CEL double-quoted, escaped)
 *   TRUE → true    007 → 7    -1.50 → -1.50
 *   now >= '2025-01-01T00:00:00+08:00' → now >= timestamp("2025-01-01T00:00:00+08:00")
 *
 * A string literal compared with a timestamp variable (`now`) becomes timestamp("…"); check.ts then refuses it
 * if it is not RFC 3339. Integers outside 64 bits and decimals too large for a double are refused here.
 */
export interface Translation {
  readonly cel: string;
  readonly map: PieceMap;
}

/** A literal the grammar accepts but CEL cannot hold; offset is in the SQL source. */
export class TranslationError extends Error {
  override readonly name = 'TranslationError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function translateSql(match: MatchResult): Translation {
  const writer = new CelWriter();
  semantics(match)['emit'](writer);
  return { cel: writer.text, map: writer.map };
}

class CelWriter {
  text = '';
  readonly map = new PieceMap();

  write(cel: string, sourceOffset: number): void {
    this.map.add(this.text.length, sourceOffset);
    this.text += cel;
  }
}

const COMPARISON_OPERATORS: Readonly<Record<string, string>> = { '=': '==', '<>': '!=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
// Words CEL reserves that are names in the SQL-like grammar (null stays: CEL reads it as null, which check.ts refuses).
const CEL_RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function start(node: Node): number {
  return node.source.startIdx;
}

function writerOf(node: Node): CelWriter {
  return (node['args'] as { out: CelWriter }).out;
}

const semantics = sqlGrammar.createSemantics().addOperation<void>('emit(out)', {
  Condition(first, operators, rest) {
    const out = writerOf(this);
    first['emit'](out);
    operators.children.forEach((operator, i) => {
      out.write(operator.sourceString.toUpperCase() === 'AND' ? ' && ' : ' || ', start(operator));
      rest.children[i]!['emit'](out);
    });
  },
  Not(nots, primary) {
    const out = writerOf(this);
    if (nots.numChildren === 0) {
      primary['emit'](out);
      return;
    }
    for (const not of nots.children) out.write('!', start(not));
    out.write('(', start(primary));
    primary['emit'](out);
    out.write(')', primary.source.endIdx);
  },
  Primary_paren(open, condition, close) {
    const out = writerOf(this);
    out.write('(', start(open));
    condition['emit'](out);
    out.write(')', start(close));
  },
  Comparison_compare(left, operator, right) {
    const out = writerOf(this);
    emitOperand(left, out, isTimestampVariable(right));
    out.write(` ${COMPARISON_OPERATORS[operator.sourceString]} `, start(operator));
    emitOperand(right, out, isTimestampVariable(left));
  },
  Comparison_notInList(needle, not, in_, _open, list, close) {
    const out = writerOf(this);
    out.write('!(', start(not));
    needle['emit'](out);
    out.write(' in ', start(in_));
    list['emit'](out);
    out.write(')', start(close));
  },
  Comparison_inList(needle, in_, _open, list, _close) {
    const out = writerOf(this);
    needle['emit'](out);
    out.write(' in ', start(in_));
    list['emit'](out);
  },
  Comparison_notIn(needle, not, in_, open, literals, close) {
    const out = writerOf(this);
    out.write('!(', start(not));
    needle['emit'](out);
    out.write(' in ', start(in_));
    emitList(literals, open, close, out);
    out.write(')', start(close));
  },
  Comparison_in(needle, in_, open, literals, close) {
    const out = writerOf(this);
    needle['emit'](out);
    out.write(' in ', start(in_));
    emitList(literals, open, close, out);
  },
  identifier(name) {
    if (CEL_RESERVED.has(name.sourceString)) {
      throw new TranslationError(`'${name.sourceString}' is a reserved word, not a context variable or list`, start(this));
    }
    writerOf(this).write(name.sourceString, start(this));
  },
  number(_minus, _integer, _dot, _fraction) {
    writerOf(this).write(celNumber(this.sourceString, start(this)), start(this));
  },
  string_single(_open, _body, _close) {
    writerOf(this).write(celString(decodeSqlString(this.sourceString)), start(this));
  },
  string_double(_open, _body, _close) {
    writerOf(this).write(celString(decodeSqlString(this.sourceString)), start(this));
  },
  boolean_true(_keyword) {
    writerOf(this).write('true', start(this));
  },
  boolean_false(_keyword) {
    writerOf(this).write('false', start(this));
  },
});

function emitList(literals: Node, open: Node, close: Node, out: CelWriter): void {
  out.write('[', start(open));
  literals.asIteration().children.forEach((literal, i) => {
    if (i > 0) out.write(', ', start(literal));
    literal['emit'](out);
  });
  out.write(']', start(close));
}

/** An Operand, wrapped in timestamp(…) when it is a string literal compared with a timestamp variable. */
function emitOperand(operand: Node, out: CelWriter, comparedWithTimestamp: boolean): void {
  if (comparedWithTimestamp && literalKind(operand) === 'string') {
    out.write('timestamp(', start(operand));
    operand['emit'](out);
    out.write(')', operand.source.endIdx);
  } else {
    operand['emit'](out);
  }
}

/** Operand = Literal | identifier; Literal = number | string | boolean. */
function literalKind(operand: Node): string | undefined {
  const inner = operand.child(0);
  return inner.ctorName === 'Literal' ? inner.child(0).ctorName : undefined;
}

function isTimestampVariable(operand: Node): boolean {
  const inner = operand.child(0);
  if (inner.ctorName !== 'identifier') return false;
  const name = inner.sourceString;
  return isContextVariable(name) && CONTEXT_VARIABLES[name] === 'timestamp';
}

function celNumber(text: string, offset: number): string {
  const negative = text.startsWith('-');
  const [whole = '0', fraction] = (negative ? text.slice(1) : text).split('.');
  if (fraction === undefined) {
    const value = BigInt(text);
    if (value < INT64_MIN || value > INT64_MAX) throw new TranslationError(`integer ${text} is out of range (64-bit)`, offset);
    return value.toString();
  }
  if (!Number.isFinite(Number(text))) throw new TranslationError(`number ${text} is out of range`, offset);
  return `${negative ? '-' : ''}${BigInt(whole).toString()}.${fraction}`;
}

const SQL_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };

/** The grammar has checked the literal: only \\ \' \" \n \t \r and the doubled quote occur. */
export function decodeSqlString(literal: string): string {
  const quote = literal[0]!;
  const pattern = quote === "'" ? /\\([\s\S])|''/g : /\\([\s\S])|""/g;
  return literal.slice(1, -1).replace(pattern, (_match, escaped: string | undefined) =>
    escaped === undefined ? quote : (SQL_ESCAPES[escaped] ?? escaped),
  );
}

const CEL_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A CEL double-quoted string literal for any well-formed string; non-ASCII text (上海) is kept as it is. */
export function celString(value: string): string {
  let out = '"';
  for (const character of value) {
    const escaped = CEL_ESCAPES[character];
    const code = character.codePointAt(0)!;
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += character;
  }
  return `${out}"`;
}
