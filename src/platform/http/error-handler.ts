import { createRequire } from 'node:module';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isConnectionLoss } from '../db/connection-loss.js';
import { AppError } from '../errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { pickLanguage, type Language } from '../errors/language.js';

/** ajv-i18n's zh-CN wording for schema violations (a CommonJS function that rewrites each error's message). */
const localizeZh = createRequire(import.meta.url)('ajv-i18n/localize/zh') as (errors: unknown[]) => void;

export interface ErrorBody {
  code: number;
  error: ErrorCode;
  message: string;
  request_id: string;
  [extra: string]: unknown;
}

export function errorBody(request: FastifyRequest, error: AppError): ErrorBody {
  const language = pickLanguage(request.headers['accept-language']);
  const text = error.overrideMessage ?? ERROR_CODES[error.code];
  return {
    ...error.details,
    code: error.status,
    error: error.code,
    message: language === 'en' ? text.en : text.zh,
    request_id: request.id,
  };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  // A refusal that says when to come back says it in the standard header too (RFC 9110 §10.2.3).
  if (typeof error.details.retry_after === 'number') reply.header('retry-after', String(error.details.retry_after));
  return reply.code(error.status).type('application/json; charset=utf-8').send(errorBody(request, error));
}

/** Every failure leaves in the same envelope with a stable code; nothing but a real fault is a 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('NOT_FOUND')));

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = toAppError(error, pickLanguage(request.headers['accept-language']));
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ error: appError.code, reason: error.message }, 'request refused');
    return sendError(request, reply, appError);
  });
}

function toAppError(error: FastifyError | AppError, language: Language): AppError {
  if (error instanceof AppError) return error;
  // Not a bug of ours and not a refusal: the answer may have been lost after a commit, so the client must retry
  // with its key rather than assume either way (idempotency keeps the first answer when there was one).
  if (isConnectionLoss(error)) return new AppError('DATABASE_CONNECTION_LOST', { retry_after: 1 });
  if (error.validation) {
    // Each field's problem in the reader's language: forms show it next to the field (ajv-i18n's wording).
    const problems = error.validation.map((v) => ({ ...v }));
    if (language === 'zh-CN') {
      localizeZh(problems);
      // ajv-i18n has no wording for this platform's own keywords (x-money): they carry theirs in params.zh.
      for (const problem of problems) if (typeof problem.params.zh === 'string') problem.message = problem.params.zh;
    }
    return new AppError('VALIDATION_FAILED', {
      details: problems.map((v) => ({
        field: fieldOf(v.instancePath, v.params, error.validationContext),
        rule: v.keyword,
        message: v.message ?? 'invalid',
      })),
    });
  }
  switch (error.statusCode) {
    case 404:
      return new AppError('NOT_FOUND');
    case 405:
      return new AppError('METHOD_NOT_ALLOWED');
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE');
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 429:
      return new AppError('RATE_LIMITED');
    case 503:
      return new AppError('SERVICE_UNAVAILABLE');
    default:
      // Fastify's own 4xx (malformed JSON, empty body, bad content length) are client mistakes.
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new AppError('BAD_REQUEST');
      return new AppError('INTERNAL');
  }
}

function fieldOf(instancePath: string, params: Record<string, unknown>, context: string | undefined): string {
  const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
  const extra = typeof params.additionalProperty === 'string' ? `/${params.additionalProperty}` : '';
  const path = `${instancePath}${missing}${extra}`.replace(/^\//, '').replaceAll('/', '.');
  return context ? `${context}${path ? `.${path}` : ''}` : path;
}
