import type { FastifyInstance } from 'fastify';
import { loadConfig, type Role } from '../platform/config/config.js';
import { ConfigError } from '../platform/config/config-error.js';
import { OutboxRelay } from '../platform/outbox/relay.js';
import { Scheduler } from '../platform/scheduler/scheduler.js';
import { buildPlatform, type BuiltPlatform } from './build-platform.js';
import { loadDemoData } from './demo-data.js';
import type { QuanyiModule } from '../platform/module/module.js';
import { MODULES } from './modules.js';
import type { Platform } from '../platform/module/platform.js';
import { buildServer } from './server.js';

export interface StartOptions {
  readonly role?: Role;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra modules on top of the deployable's own (tests add probe routes this way). */
  readonly extraModules?: readonly QuanyiModule[];
  /** Instead of the deployable's modules (`quanyi tax-sandbox` serves only the sandbox). */
  readonly modules?: readonly QuanyiModule[];
  /** Install SIGTERM/SIGINT handlers that shut down and exit (the CLI does; tests don't). */
  readonly handleSignals?: boolean;
}

export interface RunningProcess {
  readonly platform: Platform;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly relay: OutboxRelay | null;
  readonly scheduler: Scheduler | null;
  /** Graceful stop: refuse new requests, finish in-flight ones, stop workers, close pools. */
  shutdown(): Promise<void>;
}

/**
 * Starts one process of the given role: configuration, secrets, database (migrated), cache, ids, then the
 * HTTP server (every role serves /healthz, /readyz and /metrics; api and all serve the API), the outbox relay
 * (worker, all) and the scheduler (scheduler, all).
 */
export async function startProcess(options: StartOptions = {}): Promise<RunningProcess> {
  const env = options.env ?? process.env;
  const config = loadConfig(env, options.role ? { role: options.role } : {});
  const built = await buildPlatform(config, env);
  try {
    return await launch(built, [...(options.modules ?? MODULES), ...(options.extraModules ?? [])], options.handleSignals ?? false, !options.modules);
  } catch (error) {
    await built.close();
    throw error;
  }
}

async function launch(built: BuiltPlatform, modules: readonly QuanyiModule[], handleSignals: boolean, wholePlatform: boolean): Promise<RunningProcess> {
  const { platform, instance, closers } = built;
  const { config, logger } = platform;
  const runsWorker = config.role === 'worker' || config.role === 'all';
  const runsScheduler = config.role === 'scheduler' || config.role === 'all';
  for (const module of modules) module.init?.(platform);
  // Subscribers register in every role: publishing needs to know who will receive each topic.
  for (const module of modules) for (const subscriber of module.subscribers?.(platform) ?? []) platform.outbox.subscribe(subscriber);

  if (config.demoData && wholePlatform && (config.role === 'api' || config.role === 'all')) await loadDemoData(platform);

  let shuttingDown = false;
  const app = await buildServer(platform, {
    serveApi: config.role === 'api' || config.role === 'all',
    modules,
    isShuttingDown: () => shuttingDown,
  });
  let appClosed: Promise<void> | undefined;
  const closeApp = (): Promise<void> => (appClosed ??= app.close());
  closers.push(closeApp);
  const url = await listen(app, config.host, config.port);
  platform.self.url = url;

  const relay = runsWorker
    ? new OutboxRelay(platform.database.db, platform.outbox, logger, instance, { leaseMs: config.outboxLeaseMs })
    : null;
  relay?.start();
  const scheduler = runsScheduler
    ? new Scheduler(platform.database.db, logger, instance, { onLeadership: (leads) => platform.metrics.schedulerLeader.set(leads ? 1 : 0) })
    : null;
  if (scheduler) {
    for (const module of modules) for (const job of module.jobs?.(platform) ?? []) scheduler.register(job);
    scheduler.start();
  }
  logger.info({ url, role: config.role, db: platform.database.kind, cache: platform.cache.kind }, 'quanyi started');

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      shuttingDown = true;
      logger.info('shutting down: finishing in-flight requests');
      // app.close() stops accepting, lets in-flight requests finish, then resolves; workers stop after that.
      // Sockets that fall idle after their last answer are closed as they appear.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
      await closeApp().finally(() => clearInterval(sweep));
      await relay?.stop();
      await scheduler?.stop();
      await built.close();
      logger.info('shutdown complete');
    })();
    return stopping;
  };

  if (handleSignals) {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received');
      const deadline = setTimeout(() => {
        logger.error('shutdown took longer than SHUTDOWN_TIMEOUT_MS; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      deadline.unref();
      shutdown().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  return { platform, app, url, relay, scheduler, shutdown };
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError('PORT', `${port} is already in use on ${host}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConfigError('HOST', `${host} is not an address of this machine`);
    throw error;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shownHost}:${actualPort}`;
}
