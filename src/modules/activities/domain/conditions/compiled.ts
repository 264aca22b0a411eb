import type { CelInput, CelResult } from '@bufbuild/cel';
import type { ContextVariable } from './context.js';
import type { Dialect } from './syntax-error.js';

export const PROGRAM: unique symbol = Symbol('condition program');

export interface Program {
  readonly run: (bindings: Record<string, CelInput>) => CelResult;
  /** Named lists the condition tests ip_city / ip_province in, bound normalised under regionListAlias. */
  readonly regionLists: readonly string[];
}

/** A condition that parsed and type-checked; evaluate() runs it. Immutable, reusable, safe to cache. */
export interface CompiledCondition {
  /** What the operator wrote. */
  readonly source: string;
  /** 'sql' for the specification's SQL-like syntax, 'cel' for CEL. */
  readonly dialect: Dialect;
  /** The CEL that runs: the translation of SQL-like input, CEL input as written (before region normalisation). */
  readonly cel: string;
  /** The context variables it reads; evaluate() needs each of them in the context. */
  readonly variables: readonly ContextVariable[];
  /** The named lists it reads; evaluate() needs each of them. */
  readonly lists: readonly string[];
  readonly [PROGRAM]: Program;
}
