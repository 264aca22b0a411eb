import type { FastifyInstance } from 'fastify';
import type { Migrations } from '../db/migrate.js';
import type { Authenticator } from '../http/access.js';
import type { Subscriber } from '../outbox/outbox.js';
import type { ScheduledJob } from '../scheduler/scheduler.js';
import type { Platform } from './platform.js';

/**
 * A bounded context as the process sees it. Each `src/modules/<context>/index.ts` exports one; the process wires
 * its routes (api role), outbox subscribers (worker role) and scheduled jobs (scheduler role).
 */
export interface QuanyiModule {
  readonly name: string;
  /**
   * The migrations of this module's tables (`./migrations/index.ts`). The composition root merges every module's
   * into the one list each process applies at start, whichever modules the process serves.
   */
  readonly migrations?: Migrations;
  /** Runs first, in every role: install into the platform's hooks (the risk module installs the risk gate). */
  init?(platform: Platform): void;
  routes?(app: FastifyInstance, platform: Platform): Promise<void>;
  /** Ways this module recognises callers (bearer tokens, signed cashier calls); tried in module order. */
  authenticators?(platform: Platform): readonly Authenticator[];
  subscribers?(platform: Platform): readonly Subscriber[];
  jobs?(platform: Platform): readonly ScheduledJob[];
}
