import type { parse } from '@bufbuild/cel';

/** @bufbuild/cel's parse result; its types come from @bufbuild/cel-spec, reached through parse's signature. */
export type ParsedExpr = ReturnType<typeof parse>;
export type Expr = ParsedExpr['expr'];
export type CallExpr = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];

/** UTF-16 offset of a node in the CEL text, as @bufbuild/cel's parser recorded it (0 when it did not). */
export function offsetOf(parsed: ParsedExpr, expr: Expr): number {
  return parsed.sourceInfo?.positions[expr.id.toString()] ?? 0;
}

/** Every node's children, in source order: a call's receiver first, then its arguments. */
export function childrenOf(expr: Expr): readonly Expr[] {
  switch (expr.exprKind.case) {
    case 'callExpr':
      return expr.exprKind.value.target === undefined ? expr.exprKind.value.args : [expr.exprKind.value.target, ...expr.exprKind.value.args];
    case 'listExpr':
      return expr.exprKind.value.elements;
    default:
      // check.ts refuses selections, maps, messages and comprehensions before anything walks into them.
      return [];
  }
}

/** The names of every identifier in the tree. */
export function identifiersIn(expr: Expr, into: Set<string> = new Set()): Set<string> {
  if (expr.exprKind.case === 'identExpr') into.add(expr.exprKind.value.name);
  for (const child of childrenOf(expr)) identifiersIn(child, into);
  return into;
}
