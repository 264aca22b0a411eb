import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * An expected failure with a stable code. Thrown from services and routes; the HTTP error handler turns it into
 * the envelope `{code, error, message, request_id}` and never logs it as a server fault.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    /** Extra machine-readable fields merged into the error body (e.g. `reasons`, `retry_after`). */
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Overrides the registry message when the situation needs specifics (already localised by the caller). */
    readonly overrideMessage?: { readonly zh: string; readonly en: string },
  ) {
    super(`${code}: ${overrideMessage?.en ?? ERROR_CODES[code].en}`);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}
