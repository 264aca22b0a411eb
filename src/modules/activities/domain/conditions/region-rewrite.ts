import type { Expr } from './ast.js';
import { childrenOf } from './ast.js';
import { normaliseRegion, REGION_VARIABLES } from './region.js';

/** The name a named list is bound under, normalised, where a condition tests ip_city or ip_province in it. */
export function regionListAlias(list: string): string {
  // List names start with a letter (isValidListName), so no list can be called this.
  return `_region_${list}`;
}

/**
 * Normalises, in place, the string literals a checked condition compares with ip_city or ip_province
 * (`ip_city == '上海市'`, `ip_city in ['上海市', '北京']`, either side of == and !=), and renames a named list
 * tested against them (`ip_city in cities`) to its regionListAlias, which evaluate.ts binds to the normalised
 * list. Returns the names of the lists so renamed.
 */
export function normaliseRegionComparisons(expr: Expr, renamed: Set<string> = new Set()): Set<string> {
  if (expr.exprKind.case === 'callExpr') {
    const { function: name, args } = expr.exprKind.value;
    const [left, right] = args;
    if ((name === '_==_' || name === '_!=_') && left !== undefined && right !== undefined) {
      if (isRegionVariable(left)) normaliseLiteral(right);
      if (isRegionVariable(right)) normaliseLiteral(left);
    }
    if (name === '@in' && left !== undefined && right !== undefined && isRegionVariable(left)) {
      if (right.exprKind.case === 'listExpr') right.exprKind.value.elements.forEach(normaliseLiteral);
      if (right.exprKind.case === 'identExpr' && !REGION_VARIABLES.has(right.exprKind.value.name)) {
        renamed.add(right.exprKind.value.name);
        right.exprKind.value.name = regionListAlias(right.exprKind.value.name);
      }
    }
  }
  for (const child of childrenOf(expr)) normaliseRegionComparisons(child, renamed);
  return renamed;
}

function isRegionVariable(expr: Expr): boolean {
  return expr.exprKind.case === 'identExpr' && REGION_VARIABLES.has(expr.exprKind.value.name);
}

function normaliseLiteral(expr: Expr): void {
  if (expr.exprKind.case === 'constExpr' && expr.exprKind.value.constantKind.case === 'stringValue') {
    expr.exprKind.value.constantKind.value = normaliseRegion(expr.exprKind.value.constantKind.value);
  }
}
