import { ApiError } from '../api/client';
import { currentLocale } from '../i18n';
import type { Message } from './checks';

/** A message in the UI's language. */
export function say(message: Message): string {
  return currentLocale() === 'en' ? message.en : message.zh;
}

/** A timestamp as the user reads it: the China calendar day and time, whatever the device's zone. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(currentLocale(), { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** Money as the API sends it (a decimal string) with the yuan sign; never parsed into a float. */
export function yuan(amount: string | null | undefined): string {
  return amount ? `¥${amount}` : '—';
}

/**
 * Where a refusal belongs: the server's field-level problems (schema validation) mapped to the form's fields, the
 * listed reasons of a refused invoice, or a general message. Messages come from the server in the UI's language.
 */
export function splitError(error: unknown, fieldOf: (code: string) => string | undefined = () => undefined) {
  const fields: Record<string, string> = {};
  let reasons: { code: string; message: string }[] = [];
  let general: unknown = null;
  if (error instanceof ApiError) {
    // The validator's own wording is English; the code's message is in the UI's language, so that is shown.
    for (const field of Object.keys(error.fieldErrors)) fields[field] = error.message;
    const listed = error.body.reasons;
    if (Array.isArray(listed)) reasons = listed as { code: string; message: string }[];
    const field = fieldOf(error.code);
    if (field && reasons.length === 0) fields[field] = error.message;
    else if (Object.keys(fields).length === 0 && reasons.length === 0) general = error;
  } else {
    general = error;
  }
  return { fields, reasons, general };
}
