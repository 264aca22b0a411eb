/**
 * JSON with object keys sorted, so two requests that differ only in key order fingerprint the same.
 * (The transparency log's RFC 8785 canonical form is stricter about numbers; this is only for hashing requests.)
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(input: unknown): unknown {
  const value = hasToJson(input) ? input.toJSON() : input;
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
  // A null-prototype object keeps a "__proto__" key as data instead of treating it as the prototype.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
