/**
 * Activity rule conditions: the specification's SQL-like syntax or CEL, compiled once (parse, type-check, plan) and
 * evaluated with @bufbuild/cel. Pure: no I/O.
 */
export { compileCondition, compileRules } from './compile.js';
export type { CompileResult, CompileRulesResult, ConditionError, RuleError } from './compile.js';
export type { CompiledCondition } from './compiled.js';
export { evaluate, ConditionEvaluationError } from './evaluate.js';
export { CONTEXT_VARIABLES, isValidListName, shanghaiClock } from './context.js';
export type { ConditionContext, ContextVariable, NamedLists, ScalarType } from './context.js';
export { MAX_CONDITION_LENGTH, MAX_NESTING_DEPTH } from './limits.js';
export { normaliseRegion } from './region.js';
