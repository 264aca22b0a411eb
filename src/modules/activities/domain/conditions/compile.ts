import { parse, plan } from '@bufbuild/cel';
import type { ParsedExpr } from './ast.js';
import { identifiersIn } from './ast.js';
import { celGrammar } from './cel-grammar.js';
import { CEL_ENV } from './cel-env.js';
import { CheckError, checkCondition } from './check.js';
import type { CompiledCondition } from './compiled.js';
import { PROGRAM } from './compiled.js';
import { isContextVariable, isValidListName } from './context.js';
import type { ContextVariable } from './context.js';
import { checkSourceLimits } from './limits.js';
import type { OffsetMap } from './position.js';
import { columnAt, IDENTITY_MAP } from './position.js';
import { normaliseRegionComparisons } from './region-rewrite.js';
import { sqlGrammar } from './sql-grammar.js';
import type { Dialect } from './syntax-error.js';
import { syntaxProblem } from './syntax-error.js';
import { translateSql, TranslationError } from './translate.js';
import type { Translation } from './translate.js';

/** Why a condition was refused: column is 1-based, in code points of the text the operator wrote. */
export interface ConditionError {
  readonly message: string;
  readonly column: number;
}

export type CompileResult = { readonly ok: true; readonly condition: CompiledCondition } | { readonly ok: false; readonly error: ConditionError };

/** What the activities API answers 422 ACTIVITY_RULE_INVALID with: index is 0-based. */
export interface RuleError extends ConditionError {
  readonly index: number;
}

export type CompileRulesResult =
  | { readonly ok: true; readonly conditions: readonly CompiledCondition[] }
  | { readonly ok: false; readonly error: RuleError };

/**
 * Compiles one condition. Never throws for any `source`: every refusal is `{ ok: false, error }`. Throws
 * RangeError only for a caller bug, a list name that isValidListName refuses.
 *
 * Dialect: the SQL-like grammar is tried first, CEL second; the first that accepts the whole text decides. The
 * two agree wherever both match (`a != 'x'`, `(b)`, `TRUE`: SQL's reading, which means the same in CEL), so
 * the order only matters for errors: when neither matches, the error is the one of the grammar that got further
 * (the SQL-like one on a tie).
 *
 * Then: @bufbuild/cel parses the CEL (translated or as written), check.ts types it against the context and the
 * declared `lists`, string literals compared with ip_city / ip_province are normalised (region.ts), and the
 * result is planned once.
 */
export function compileCondition(source: string, lists: readonly string[]): CompileResult {
  const declared = declareLists(lists);
  try {
    return compile(source, declared);
  } catch (error) {
    // Nothing above should throw; if something does, it is still the operator's answer, not a crash.
    const message = error instanceof RangeError ? 'condition is nested too deeply' : `internal error compiling the condition: ${String(error)}`;
    return failure(typeof source === 'string' ? source : '', 0, message);
  }
}

/** Compiles every rule's condition; the first refusal, with its rule's index, or all of them compiled. */
export function compileRules(rules: readonly { readonly condition: string }[], lists: readonly string[]): CompileRulesResult {
  const conditions: CompiledCondition[] = [];
  for (const [index, rule] of rules.entries()) {
    const condition: unknown = (rule as { condition?: unknown } | null | undefined)?.condition;
    if (typeof condition !== 'string') return { ok: false, error: { index, column: 1, message: 'rule has no condition: expected a string' } };
    const result = compileCondition(condition, lists);
    if (!result.ok) return { ok: false, error: { index, ...result.error } };
    conditions.push(result.condition);
  }
  return { ok: true, conditions };
}

function declareLists(lists: readonly string[]): ReadonlySet<string> {
  for (const name of lists) {
    if (typeof name !== 'string' || !isValidListName(name)) {
      throw new RangeError(`invalid list name ${JSON.stringify(name)}: letters, digits and _, starting with a letter, not a context variable or keyword`);
    }
  }
  return new Set(lists);
}

function compile(source: string, lists: ReadonlySet<string>): CompileResult {
  if (typeof source !== 'string') return failure('', 0, 'condition must be a string');
  const limit = checkSourceLimits(source);
  if (limit !== undefined) return failure(source, limit.offset, limit.message);

  const front = parseEitherDialect(source);
  if (!front.ok) return failure(source, front.offset, front.message);
  const { dialect, cel, map, parsed } = front;
  try {
    checkCondition(parsed, cel, lists);
  } catch (error) {
    if (error instanceof CheckError) return failure(source, map.toSource(error.celOffset), error.message);
    throw error;
  }
  const regionLists = normaliseRegionComparisons(parsed.expr);
  const names = identifiersIn(parsed.expr);
  const variables = [...names].filter((name): name is ContextVariable => isContextVariable(name)).sort();
  const usedLists = [...names].filter((name) => lists.has(name)).concat([...regionLists]);
  const run = plan(CEL_ENV, parsed);
  const condition: CompiledCondition = Object.freeze({
    source,
    dialect,
    cel,
    variables: Object.freeze(variables),
    lists: Object.freeze([...new Set(usedLists)].sort()),
    [PROGRAM]: Object.freeze({ run, regionLists: Object.freeze([...regionLists].sort()) }),
  });
  return { ok: true, condition };
}

type Front =
  | { readonly ok: true; readonly dialect: Dialect; readonly cel: string; readonly map: OffsetMap; readonly parsed: ParsedExpr }
  | { readonly ok: false; readonly offset: number; readonly message: string };

/**
 * SQL-like first: the ohm grammar, then translation. Otherwise CEL, parsed by @bufbuild/cel directly; only when
 * that fails is the ohm CEL grammar run, for its error position (cel-grammar.ts), and the error of whichever
 * grammar got further is reported. Parsing valid CEL with the library alone halves the worst compile time.
 */
function parseEitherDialect(source: string): Front {
  const sql = sqlGrammar.match(source, 'Condition');
  if (sql.succeeded()) {
    let translation: Translation;
    try {
      translation = translateSql(sql);
    } catch (error) {
      if (error instanceof TranslationError) return { ok: false, offset: error.offset, message: error.message };
      throw error;
    }
    // Translations are CEL by construction; a failure here is a bug, still reported as a refusal.
    const parsed = parseCel(translation.cel, translation.map);
    return 'message' in parsed ? { ok: false, ...parsed } : { ok: true, dialect: 'sql', ...translation, parsed };
  }
  const parsed = parseCel(source, IDENTITY_MAP);
  if (!('message' in parsed)) return { ok: true, dialect: 'cel', cel: source, map: IDENTITY_MAP, parsed };
  const cel = celGrammar.match(source, 'Condition');
  // The grammar accepting what @bufbuild/cel refused happens in corners (a message literal T{…}); its error stands.
  return { ok: false, ...(cel.failed() ? syntaxProblem(source, sql, cel) : parsed) };
}

function parseCel(cel: string, map: OffsetMap): ParsedExpr | { offset: number; message: string } {
  try {
    return parse(cel);
  } catch (error) {
    // A stack overflow is not a syntax error: compileCondition reports it as too deep.
    if (error instanceof RangeError) throw error;
    return { offset: map.toSource(libraryErrorOffset(error)), message: `syntax error: ${libraryErrorMessage(error)}` };
  }
}

function failure(source: string, offset: number, message: string): CompileResult {
  return { ok: false, error: { message, column: columnAt(source, offset) } };
}

function libraryErrorOffset(error: unknown): number {
  const offset: unknown = (error as { location?: { start?: { offset?: unknown } } } | null)?.location?.start?.offset;
  return typeof offset === 'number' ? offset : 0;
}

function libraryErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // "<input>:1:9: found = but …": the position is reported separately, as a column.
  return message.replace(/^<input>:\d+:\d+:\s*/, '');
}
