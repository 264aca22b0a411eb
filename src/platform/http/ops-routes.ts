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
        summary: 'Readiness: database and cache reachable; names the backends in use',
        response: {
          200: envelopeSchema({
            type: 'object',
            properties: {
              status: { type: 'string' },
              db: { type: 'string', enum: ['pglite', 'postgres'] },
              cache: { type: 'string', enum: ['memory', 'redis'] },
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
      if (dbCheck.status === 'rejected' || cacheCheck.status === 'rejected') {
        throw new AppError('SERVICE_UNAVAILABLE', {
          db: dbCheck.status === 'fulfilled' ? 'ok' : 'unreachable',
          cache: cacheCheck.status === 'fulfilled' ? 'ok' : 'unreachable',
        });
      }
      return ok({ status: 'ready', db: deps.database.kind, cache: deps.cache.kind, role: deps.role });
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
