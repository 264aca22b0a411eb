/**
 * A calendar day as `YYYY-MM-DD`. The `date` format checks month and day ranges (leap years included), so an
 * impossible day like 2026-13-45 is a 400 naming the field instead of reaching code that expects a real date.
 */
export const calendarDateSchema = { type: 'string', format: 'date' } as const;
