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
      if (program.regionLists.includes(name)) bindings[regionListAlias(name)] = setOf(values, normalisedSets, normaliseRegion);
      bindings[name] = setOf(values, plainSets, (value) => value);
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

/**
 * Named lists are bound as CEL maps (value → true): `x in m` is a hash lookup, where `x in list` walks the list
 * (a 100,000-device blacklist took 5–50 ms per evaluation as a list). Named lists only ever appear after IN
 * (check.ts), where a map's keys answer exactly as the list would. The map is built once per list array; the
 * lists' owners hand out the same array until they reload, so the cost is paid once per reload.
 */
const plainSets = new WeakMap<readonly string[], Map<string, boolean>>();
const normalisedSets = new WeakMap<readonly string[], Map<string, boolean>>();

function setOf(values: readonly string[], cache: WeakMap<readonly string[], Map<string, boolean>>, normalise: (value: string) => string): Map<string, boolean> {
  let set = cache.get(values);
  if (!set) {
    set = new Map(values.map((value) => [normalise(value), true]));
    cache.set(values, set);
  }
  return set;
}

function listOf(name: string, lists: NamedLists): string[] {
  const values: unknown = Object.hasOwn(lists, name) ? lists[name] : undefined;
  if (values === undefined) throw new ContextValueError(`the condition uses the list '${name}', which was not provided`);
  // Checked once per list array: a map built from it is proof it held only strings.
  if (!Array.isArray(values) || (!plainSets.has(values) && !values.every((value) => typeof value === 'string'))) {
    throw new ContextValueError(`list '${name}' must be an array of strings`);
  }
  return values as string[];
}
