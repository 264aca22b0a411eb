import { createHmac } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerAccessControl, registerBodyBoundChecks } from '../platform/http/access.js';
import { registerActor } from '../platform/http/actor.js';
import { answerClientError } from '../platform/http/client-error.js';
import { registerErrorHandling } from '../platform/http/error-handler.js';
import { registerIdempotency } from '../platform/http/idempotency.js';
import { registerOpenApi } from '../platform/http/openapi.js';
import { registerOpsRoutes } from '../platform/http/ops-routes.js';
import { registerJsonWithRawBody } from '../platform/http/raw-body.js';
import { registerRateLimits } from '../platform/http/rate-limit.js';
import { registerRequestIdHeader, requestIdFrom } from '../platform/http/request-id.js';
import { registerSecurityHeaders } from '../platform/http/security-headers.js';
import type { TrustProxy } from '../platform/config/config.js';
import { moneyKeyword } from '../platform/money/money.js';
import type { QuanyiModule } from '../platform/module/module.js';
import { registerWebApp } from './web-static.js';
import type { Platform } from '../platform/module/platform.js';

export interface ServerOptions {
  /** Whether this process serves the modules' API routes (roles api and all) or only ops routes. */
  readonly serveApi: boolean;
  readonly modules: readonly QuanyiModule[];
  readonly isShuttingDown?: () => boolean;
}

/**
 * The HTTP face of one process. Hooks run in this order for every request: request id → rate limits (global,
 * IP) → body parsing and schema validation → authentication (identity module) → per-user limit and
 * idempotency claim → handler → idempotent response capture → metrics.
 */
export async function buildServer(platform: Platform, options: ServerOptions): Promise<FastifyInstance> {
  const { config, logger, metrics } = platform;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: requestIdFrom,
    bodyLimit: config.bodyLimitBytes,
    // The one client IP (request.ip) every rate limit, risk rule, blacklist and activity condition reads.
    trustProxy: fastifyTrustProxy(config.trustProxy),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true, keywords: [moneyKeyword] } },
  });

  registerActor(app);
  registerRequestIdHeader(app);
  registerErrorHandling(app);
  registerSecurityHeaders(app, config.nodeEnv === 'production');
  registerRateLimits(app, platform.cache, config.rateLimit, (scope) => metrics.rateLimited.inc({ scope }));
  registerJsonWithRawBody(app);
  registerAccessControl(
    app,
    options.modules.flatMap((module) => module.authenticators?.(platform) ?? []),
  );
  registerBodyBoundChecks(app);
  registerIdempotency(app, platform.database.db, {
    key: createHmac('sha256', platform.secrets.blindIndexKey).update('quanyi/idempotency-key').digest(),
    inFlightLeaseMs: platform.config.idempotencyLeaseMs,
  });

  // While shutting down, each answer closes its keep-alive connection, so the server can finish closing as soon
  // as the last in-flight request is answered instead of waiting for clients' idle sockets to time out.
  const isShuttingDown = options.isShuttingDown ?? (() => false);
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isShuttingDown()) reply.header('connection', 'close');
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await registerOpenApi(app);
  registerOpsRoutes(app, {
    database: platform.database,
    cache: platform.cache,
    metrics,
    role: config.role,
    isShuttingDown,
  });

  if (options.serveApi) {
    for (const module of options.modules) {
      if (module.routes) await app.register(async (scope) => module.routes!(scope, platform));
    }
    await registerWebApp(app, config.webDir);
  }
  await app.ready();
  return app;
}

/**
 * TRUST_PROXY in the form Fastify hands to proxy-addr: no proxy, the proxies' addresses and CIDRs, or a hop count.
 * Fastify refuses to trust anything for a bare number (it cannot check the peer), so the hop count is a function of
 * the hop's position (0 is the TCP peer): the deployment has said the first `hops` are its own proxies.
 */
export function fastifyTrustProxy(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  switch (trust.kind) {
    case 'none':
      return false;
    case 'hops': {
      const { hops } = trust;
      return (_address, hop) => hop < hops;
    }
    case 'addresses':
      return [...trust.addresses];
  }
}
