import type { CallExpr, Expr, ParsedExpr } from './ast.js';
import { offsetOf } from './ast.js';
import { CONTEXT_VARIABLES, isContextVariable } from './context.js';
import type { ScalarType } from './context.js';
import { celTimestamp } from './timestamp.js';

/**
 * The type checker. @bufbuild/cel 0.6.1 ships one (check.js) but does not export it, and it only types constants
 * and identifiers anyway, so conditions are checked here, over the parsed AST, against CONTEXT_VARIABLES and the
 * named lists declared for the compile. What it accepts can only fail at evaluation for want of a context value.
 *
 * Supported: literals (bool, int, double, string), lists of them, the context variables, named lists (lists of
 * strings), == != < <= > >= (numbers, int and double mixed, with numbers; strings and timestamps with their
 * own kind), in, && || !, unary minus, size(), startsWith() endsWith() contains(), timestamp('RFC 3339').
 * Refused with a message naming it: everything else CEL has (arithmetic, ?:, indexing, field selection, maps,
 * macros, matches(), conversions, uint, bytes, null).
 */
export type ValueType = ScalarType | `list<${ScalarType | 'dyn'}>`;

/** A condition CEL would run but conditions do not allow; celOffset is in the CEL text. */
export class CheckError extends Error {
  override readonly name = 'CheckError';
  constructor(
    message: string,
    readonly celOffset: number,
  ) {
    super(message);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Deeper trees than any 500-character condition can build; a guard for the recursion, not a language limit. */
const MAX_DEPTH = 400;

const COMPARISONS: Readonly<Record<string, string>> = { '_==_': '==', '_!=_': '!=', '_<_': '<', '_<=_': '<=', '_>_': '>', '_>=_': '>=' };
const ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_']);
const STRING_METHODS = new Set(['startsWith', 'endsWith', 'contains']);

/** Throws CheckError unless the condition is a well-typed boolean expression over the declared names. */
export function checkCondition(parsed: ParsedExpr, cel: string, lists: ReadonlySet<string>): void {
  const checker = new Checker(parsed, cel, lists);
  const type = checker.typeOf(parsed.expr, 0);
  if (type !== 'bool') {
    throw new CheckError(`a condition must be true or false, but this one is ${describe(type)}`, checker.offsetOf(parsed.expr));
  }
}

class Checker {
  constructor(
    private readonly parsed: ParsedExpr,
    private readonly cel: string,
    private readonly lists: ReadonlySet<string>,
  ) {}

  offsetOf(expr: Expr): number {
    return offsetOf(this.parsed, expr);
  }

  typeOf(expr: Expr, depth: number): ValueType {
    if (depth > MAX_DEPTH) throw new CheckError('condition is nested too deeply', this.offsetOf(expr));
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr':
        return this.constant(expr, kind.value.constantKind);
      case 'identExpr':
        return this.identifier(expr, kind.value.name);
      case 'listExpr':
        return this.list(kind.value.elements, depth);
      case 'callExpr':
        return this.call(expr, kind.value, depth);
      case 'selectExpr':
        throw new CheckError(
          kind.value.testOnly ? 'has() is not supported in conditions' : `field selection ('.${kind.value.field}') is not supported in conditions`,
          this.offsetOf(expr),
        );
      case 'comprehensionExpr':
        throw new CheckError('macros (all, exists, exists_one, map, filter) are not supported in conditions', this.offsetOf(expr));
      case 'structExpr':
        throw new CheckError('maps and messages are not supported in conditions', this.offsetOf(expr));
      default:
        throw new CheckError('unsupported expression', this.offsetOf(expr));
    }
  }

  private constant(expr: Expr, constant: Extract<Expr['exprKind'], { case: 'constExpr' }>['value']['constantKind']): ValueType {
    switch (constant.case) {
      case 'boolValue':
        return 'bool';
      case 'stringValue':
        return 'string';
      case 'int64Value':
        if (constant.value < INT64_MIN || constant.value > INT64_MAX) {
          throw new CheckError(`integer ${constant.value} is out of range (64-bit)`, this.offsetOf(expr));
        }
        return 'int';
      case 'doubleValue':
        if (!Number.isFinite(constant.value)) throw new CheckError('number is out of range', this.offsetOf(expr));
        return 'double';
      case 'uint64Value':
        throw new CheckError(`unsigned integers are not supported in conditions: write ${constant.value}, not ${constant.value}u`, this.offsetOf(expr));
      case 'nullValue':
        throw new CheckError('null is not supported in conditions', this.offsetOf(expr));
      case 'bytesValue':
        throw new CheckError('bytes literals (b"…") are not supported in conditions', this.offsetOf(expr));
      default:
        throw new CheckError('this kind of literal is not supported in conditions', this.offsetOf(expr));
    }
  }

  private identifier(expr: Expr, name: string): ValueType {
    if (isContextVariable(name)) return CONTEXT_VARIABLES[name];
    if (this.lists.has(name)) return 'list<string>';
    throw new CheckError(`unknown name '${name}': not a context variable, nor a declared list (${this.declaredLists()})`, this.offsetOf(expr));
  }

  private declaredLists(): string {
    return this.lists.size === 0 ? 'no lists are declared' : `lists: ${[...this.lists].join(', ')}`;
  }

  private list(elements: readonly Expr[], depth: number): ValueType {
    let element: ScalarType | undefined;
    for (const item of elements) {
      const type = this.typeOf(item, depth + 1);
      if (isList(type)) throw new CheckError('lists of lists are not supported in conditions', this.offsetOf(item));
      if (element === undefined) {
        element = type;
      } else if (element !== type && isNumeric(element) && isNumeric(type)) {
        element = 'double';
      } else if (element !== type) {
        throw new CheckError(`list elements must all be of one kind: this is ${describe(type)}, an earlier one is ${describe(element)}`, this.offsetOf(item));
      }
    }
    return `list<${element ?? 'dyn'}>`;
  }

  private call(expr: Expr, call: CallExpr, depth: number): ValueType {
    const name = call.function;
    const comparison = COMPARISONS[name];
    if (comparison !== undefined) return this.comparison(expr, call, comparison, depth);
    switch (name) {
      case '_&&_':
      case '_||_':
        for (const operand of this.operands(expr, call, 2)) this.expectBool(operand, name === '_&&_' ? 'AND (&&)' : 'OR (||)', depth);
        return 'bool';
      case '!_':
        this.expectBool(this.operands(expr, call, 1)[0]!, 'NOT (!)', depth);
        return 'bool';
      case '-_': {
        const operand = this.operands(expr, call, 1)[0]!;
        const type = this.typeOf(operand, depth + 1);
        if (!isNumeric(type)) throw new CheckError(`minus needs a number, but this is ${describe(type)}`, this.offsetOf(operand));
        return type;
      }
      case '@in':
        return this.membership(expr, call, depth);
      case 'size':
        return this.size(expr, call, depth);
      case 'timestamp':
        return this.timestamp(expr, call);
      case 'matches':
        throw new CheckError('matches() is not supported: conditions cannot use regular expressions', this.offsetOf(expr));
      case '_?_:_':
        throw new CheckError('the conditional operator ?: is not supported in conditions', this.questionMarkOffset(expr, call));
      case '_[_]':
      case '_[?_]':
        throw new CheckError('indexing ([…]) is not supported in conditions', this.operatorOffset(expr));
      default:
        if (ARITHMETIC.has(name)) {
          throw new CheckError(`arithmetic (${name.slice(1, -1)}) is not supported in conditions`, this.operatorOffset(expr));
        }
        if (STRING_METHODS.has(name)) return this.stringMethod(expr, call, depth);
        throw new CheckError(`unknown function '${name}'`, this.offsetOf(expr));
    }
  }

  private comparison(expr: Expr, call: CallExpr, operator: string, depth: number): ValueType {
    const [left, right] = this.operands(expr, call, 2) as [Expr, Expr];
    const leftType = this.typeOf(left, depth + 1);
    const rightType = this.typeOf(right, depth + 1);
    for (const [operand, type] of [[left, leftType], [right, rightType]] as const) {
      if (isList(type)) throw new CheckError(`a list can only be used after IN (in), not with ${operator}`, this.offsetOf(operand));
    }
    const ordering = operator !== '==' && operator !== '!=';
    const comparable = ordering
      ? (isNumeric(leftType) && isNumeric(rightType)) || (leftType === rightType && (leftType === 'string' || leftType === 'timestamp'))
      : leftType === rightType || (isNumeric(leftType) && isNumeric(rightType));
    if (!comparable) {
      const hint = leftType === 'timestamp' || rightType === 'timestamp' ? " (write timestamps as timestamp('2025-01-01T00:00:00+08:00'))" : '';
      throw new CheckError(`cannot compare ${describe(leftType)} with ${describe(rightType)} using ${operator}${hint}`, this.operatorOffset(expr));
    }
    return 'bool';
  }

  private membership(expr: Expr, call: CallExpr, depth: number): ValueType {
    const [needle, haystack] = this.operands(expr, call, 2) as [Expr, Expr];
    const needleType = this.typeOf(needle, depth + 1);
    if (haystack.exprKind.case === 'identExpr' && !isContextVariable(haystack.exprKind.value.name) && !this.lists.has(haystack.exprKind.value.name)) {
      throw new CheckError(`unknown list '${haystack.exprKind.value.name}' (${this.declaredLists()})`, this.offsetOf(haystack));
    }
    const haystackType = this.typeOf(haystack, depth + 1);
    if (!isList(haystackType)) {
      throw new CheckError(`IN (in) needs a list or a named list on its right, but this is ${describe(haystackType)}`, this.offsetOf(haystack));
    }
    if (isList(needleType)) throw new CheckError('a list cannot be looked for in a list', this.offsetOf(needle));
    const element = elementOf(haystackType);
    if (element !== 'dyn' && element !== needleType && !(isNumeric(element) && isNumeric(needleType))) {
      throw new CheckError(`cannot look for ${describe(needleType)} in ${describe(haystackType)}`, this.operatorOffset(expr));
    }
    return 'bool';
  }

  private size(expr: Expr, call: CallExpr, depth: number): ValueType {
    const subject = call.target ?? call.args[0];
    if (subject === undefined || call.args.length !== (call.target === undefined ? 1 : 0)) {
      throw new CheckError('size() takes one string or list', this.offsetOf(expr));
    }
    const type = this.typeOf(subject, depth + 1);
    if (type !== 'string' && !isList(type)) throw new CheckError(`size() needs a string or a list, but this is ${describe(type)}`, this.offsetOf(subject));
    return 'int';
  }

  private stringMethod(expr: Expr, call: CallExpr, depth: number): ValueType {
    const argument = call.args[0];
    if (call.target === undefined || argument === undefined || call.args.length !== 1) {
      throw new CheckError(`${call.function}() is a method taking one string: write name.${call.function}('text')`, this.offsetOf(expr));
    }
    for (const operand of [call.target, argument]) {
      const type = this.typeOf(operand, depth + 1);
      if (type !== 'string') throw new CheckError(`${call.function}() works on strings, but this is ${describe(type)}`, this.offsetOf(operand));
    }
    return 'bool';
  }

  private timestamp(expr: Expr, call: CallExpr): ValueType {
    const argument = call.args[0];
    const text = argument?.exprKind.case === 'constExpr' && argument.exprKind.value.constantKind.case === 'stringValue' ? argument.exprKind.value.constantKind.value : undefined;
    if (call.target !== undefined || argument === undefined || call.args.length !== 1 || text === undefined) {
      throw new CheckError("timestamp() takes one string literal, e.g. timestamp('2025-01-01T00:00:00+08:00')", this.offsetOf(expr));
    }
    if (celTimestamp(text) === undefined) {
      throw new CheckError(`'${text}' is not an RFC 3339 timestamp such as 2025-01-01T00:00:00+08:00`, this.offsetOf(argument));
    }
    return 'timestamp';
  }

  private operands(expr: Expr, call: CallExpr, count: number): readonly Expr[] {
    if (call.target !== undefined || call.args.length !== count) throw new CheckError(`malformed ${call.function}`, this.offsetOf(expr));
    return call.args;
  }

  private expectBool(operand: Expr, operator: string, depth: number): void {
    const type = this.typeOf(operand, depth + 1);
    if (type !== 'bool') throw new CheckError(`${operator} needs true/false on each side, but this is ${describe(type)}`, this.offsetOf(operand));
  }

  /** @bufbuild/cel places `c ? a : b` at c; the ? is the last thing before a. */
  private questionMarkOffset(expr: Expr, call: CallExpr): number {
    const then = call.args[1];
    if (then === undefined) return this.offsetOf(expr);
    let offset = this.offsetOf(then) - 1;
    while (offset > 0 && /\s/.test(this.cel[offset]!)) offset--;
    return this.cel[offset] === '?' ? offset : this.offsetOf(expr);
  }

  /** @bufbuild/cel places a binary operator right after its left operand; the operator itself follows any spaces. */
  private operatorOffset(expr: Expr): number {
    let offset = this.offsetOf(expr);
    while (offset < this.cel.length && /\s/.test(this.cel[offset]!)) offset++;
    return offset;
  }
}

function isList(type: ValueType): type is `list<${ScalarType | 'dyn'}>` {
  return type.startsWith('list<');
}

function elementOf(type: `list<${ScalarType | 'dyn'}>`): ScalarType | 'dyn' {
  return type.slice(5, -1) as ScalarType | 'dyn';
}

function isNumeric(type: ValueType | 'dyn'): boolean {
  return type === 'int' || type === 'double';
}

const DESCRIPTIONS: Readonly<Record<ScalarType | 'dyn', string>> = {
  bool: 'a boolean',
  int: 'an integer',
  double: 'a number',
  string: 'a string',
  timestamp: 'a timestamp',
  dyn: 'anything',
};

function describe(type: ValueType): string {
  if (!isList(type)) return DESCRIPTIONS[type];
  const element = elementOf(type);
  return element === 'dyn' ? 'an empty list' : `a list of ${DESCRIPTIONS[element].replace(/^an? /, '')}s`;
}
