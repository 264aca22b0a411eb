import { ApiError } from '../api/client';

/**
 * A refusal's field-level problems, each shown under its field: the stable code's message (Chinese by default,
 * from the server) with the field's detail after it. Fields are the API's names without the "body." prefix.
 */
export function fieldErrorsOf(error: unknown, fields: readonly string[]): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [field, detail] of Object.entries(error.fieldErrors)) {
    const name = field.replace(/^params[./]/, '').split(/[./]/)[0]!;
    if (fields.includes(name)) out[name] = `${error.message}：${detail}`;
  }
  return out;
}
