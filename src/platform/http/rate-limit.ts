import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Cache } from '../cache/cache.js';
import { AppError } from '../errors/app-error.js';
import { sendError } from './error-handler.js';

export interface RateLimits {
  readonly globalPerSecond: number;
  readonly perIpPerMinute: number;
  readonly perUserPerMinute: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Probes and metrics must answer even when clients are being throttled. */
    rateLimitExempt?: boolean;
  }
}

/**
 * Three fixed-window ceilings over the cache port: the whole service (the specification's QPS < 5000; shared by every
 * process when Redis is configured), each client IP, and each signed-in user. Over a limit: 429 RATE_LIMITED with
 * Retry-After. If the cache itself fails, requests pass: throttling must not become an outage.
 */
export function registerRateLimits(
  app: FastifyInstance,
  cache: Cache,
  limits: RateLimits,
  onLimited: (scope: 'global' | 'ip' | 'actor') => void = () => undefined,
): void {
  const check = async (
    scope: 'global' | 'ip' | 'actor',
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    windowMs: number,
    limit: number,
  ): Promise<boolean> => {
    let state;
    try {
      state = await cache.increment(key, windowMs);
    } catch (error) {
      request.log.warn({ err: error }, 'rate limit counter unavailable; letting the request through');
      return true;
    }
    if (state.count <= limit) return true;
    onLimited(scope);
    const retryAfter = Math.max(1, Math.ceil(state.resetInMs / 1000));
    reply.header('retry-after', String(retryAfter));
    sendError(request, reply, new AppError('RATE_LIMITED', { retry_after: retryAfter }));
    return false;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.rateLimitExempt) return;
    if (limits.globalPerSecond > 0 && !(await check('global', request, reply, 'rl:global', 1_000, limits.globalPerSecond))) return reply;
    if (limits.perIpPerMinute > 0 && !(await check('ip', request, reply, `rl:ip:${request.ip}`, 60_000, limits.perIpPerMinute))) return reply;
    return undefined;
  });

  // After authentication has set request.actor (its hooks run before preHandler).
  app.addHook('preHandler', async (request, reply) => {
    if (!request.actor || limits.perUserPerMinute <= 0 || request.routeOptions.config.rateLimitExempt) return undefined;
    const key = `rl:actor:${request.actor.kind}:${request.actor.id}`;
    if (!(await check('actor', request, reply, key, 60_000, limits.perUserPerMinute))) return reply;
    return undefined;
  });
}
