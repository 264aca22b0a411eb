import type { FastifyRequest } from 'fastify';

/**
 * The device id the app sends in `X-Device-Id` (risk control matches it against blacklists and activity rules).
 * Anything that is not 1–128 printable ASCII characters is ignored rather than trusted.
 */
export function deviceIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers['x-device-id'];
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}
