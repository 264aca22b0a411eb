import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Cache } from '../cache/cache.js';
import type { DatabaseHandle } from '../db/connect.js';
import { AppError } from '../errors/app-error.js';
import type { Metrics } from '../metrics/metrics.js';
import { envelopeSchema, ok } from './envelope.js';

export interface OpsDependencies {
  readonly database: DatabaseHandle;
  readonly cache: Cache;
  readonly metrics: Metrics;
  readonly role: string;
  readonly isShuttingDown: () => boolean;
}

const PROBE_TIMEOUT_MS = 2_000;

/** Liveness, readiness and metrics: what a load balancer and Prometheus need, exempt from rate limits. */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDependencies): void {
  const exempt = { rateLimitExempt: true, idempotency: 'off' as const };

  app.get(
    '/healthz',
    {
      config: exempt,
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process is up',
        response: { 200: envelopeSchema({ type: 'object', properties: { status: { type: 'string' } } }) },
      },
    },
    async () => ok({ status: 'up' }),
  );

  app.get(
    '/readyz',
    {
      config: exempt,
      schema: {
        tags: ['ops'],
        summary: 'Readiness: the database reachable (503 otherwise); the cache reported, but its loss only degrades (per-process limits), so it keeps the process ready',
        response: {
          200: envelopeSchema({
            type: 'object',
            properties: {
              status: { type: 'string' },
              db: { type: 'string', enum: ['pglite', 'postgres'] },
              cache: { type: 'string', enum: ['memory', 'redis'] },
              cache_status: { type: 'string', enum: ['ok', 'unreachable'] },
              role: { type: 'string' },
            },
          }),
        },
      },
    },
    async () => {
      if (deps.isShuttingDown()) throw new AppError('SERVICE_UNAVAILABLE', { reason: 'shutting down' });
      const [dbCheck, cacheCheck] = await Promise.allSettled([
        withTimeout(sql`SELECT 1`.execute(deps.database.db)),
        withTimeout(deps.cache.ping()),
      ]);
      const cacheStatus = cacheCheck.status === 'fulfilled' ? 'ok' : 'unreachable';
      if (dbCheck.status === 'rejected') throw new AppError('SERVICE_UNAVAILABLE', { db: 'unreachable', cache: cacheStatus });
      // Without the cache every call is served from a per-process fallback: taking every process out of the load
      // balancer at once for it would turn a degradation into an outage.
      return ok({ status: cacheStatus === 'ok' ? 'ready' : 'degraded', db: deps.database.kind, cache: deps.cache.kind, cache_status: cacheStatus, role: deps.role });
    },
  );

  app.get('/metrics', { config: exempt, schema: { hide: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('probe timed out')), PROBE_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
