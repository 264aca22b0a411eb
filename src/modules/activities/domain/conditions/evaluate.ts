import { isCelError } from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';
import type { CompiledCondition } from './compiled.js';
import { PROGRAM } from './compiled.js';
import { bindContext, ContextValueError } from './context.js';
import type { ConditionContext, NamedLists } from './context.js';
import { normaliseRegion } from './region.js';
import { regionListAlias } from './region-rewrite.js';

/**
 * A condition that could not be decided: a context value or named list it needs is missing or of the wrong
 * type, or CEL reported an error. Conditions that compiled cannot fail otherwise: check.ts admits no
 * operation that fails on well-typed values.
 */
export class ConditionEvaluationError extends Error {
  override readonly name = 'ConditionEvaluationError';
  readonly code = 'CONDITION_EVALUATION_FAILED';
  constructor(
    message: string,
    readonly source: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Decides a compiled condition against a context and the named lists. Throws ConditionEvaluationError, and
 * nothing else, when it cannot be decided.
 */
export function evaluate(condition: CompiledCondition, context: ConditionContext, lists: NamedLists = {}): boolean {
  let result: unknown;
  try {
    const bindings: Record<string, CelInput> = Object.create(null) as Record<string, CelInput>;
    bindContext(condition.variables, context, bindings);
    const program = condition[PROGRAM];
    for (const name of condition.lists) {
      const values = listOf(name, lists);
      if (program.regionLists.includes(name)) bindings[regionListAlias(name)] = values.map(normaliseRegion);
      bindings[name] = values;
    }
    result = program.run(bindings);
  } catch (error) {
    if (error instanceof ContextValueError) throw new ConditionEvaluationError(error.message, condition.source, { cause: error });
    throw new ConditionEvaluationError(`condition could not be evaluated: ${String(error)}`, condition.source, { cause: error });
  }
  if (isCelError(result)) throw new ConditionEvaluationError(`condition could not be evaluated: ${result.message}`, condition.source, { cause: result });
  if (typeof result !== 'boolean') throw new ConditionEvaluationError(`condition did not evaluate to true or false`, condition.source);
  return result;
}

function listOf(name: string, lists: NamedLists): string[] {
  const values: unknown = Object.hasOwn(lists, name) ? lists[name] : undefined;
  if (values === undefined) throw new ContextValueError(`the condition uses the list '${name}', which was not provided`);
  if (!Array.isArray(values) || !values.every((value) => typeof value === 'string')) {
    throw new ContextValueError(`list '${name}' must be an array of strings`);
  }
  return values as string[];
}
