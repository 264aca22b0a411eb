import { ApiError } from '../api/client';

/** Where a refusal is shown: under the fields it is about, or (belonging to none) in the banner. */
export interface PlacedError {
  readonly fields: Record<string, string>;
  readonly banner: unknown;
}

export interface Placement {
  /** Stable error code → the field it is about; the server's message (already in the UI's language) is shown there. */
  readonly byCode: (code: string) => string | undefined;
  /** Schema refusals (VALIDATION_FAILED, AMOUNT_INVALID) name a field; its text here, in the UI's language. */
  readonly fieldText: Record<string, string>;
}

/**
 * Puts an API refusal where the cashier looks: next to the field it names, in the UI's language. The schema's own
 * messages are English validator text, so those fields get the console's wording; coded refusals keep the
 * server's message for their stable code.
 */
export function placeError(error: unknown, placement: Placement): PlacedError {
  if (!(error instanceof ApiError)) return { fields: {}, banner: error };
  if (error.code === 'VALIDATION_FAILED') {
    const fields: Record<string, string> = {};
    for (const name of Object.keys(error.fieldErrors)) {
      const key = name.replace(/^(body|querystring)\./, '');
      if (placement.fieldText[key]) fields[key] = placement.fieldText[key];
    }
    return Object.keys(fields).length > 0 ? { fields, banner: null } : { fields: {}, banner: error };
  }
  if (error.code === 'AMOUNT_INVALID') {
    const field = typeof error.body.field === 'string' ? error.body.field : 'amount';
    if (placement.fieldText[field]) return { fields: { [field]: placement.fieldText[field] }, banner: null };
  }
  const field = placement.byCode(error.code);
  return field ? { fields: { [field]: error.message }, banner: null } : { fields: {}, banner: error };
}
