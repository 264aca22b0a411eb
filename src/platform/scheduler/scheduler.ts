import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../log/logger.js';
import { systemClock, type Clock } from '../time/clock.js';
import { releaseLease, tryAcquireLease } from './leader-lease.js';
import { latestFireAt, validateSchedule, type Schedule } from './schedule.js';

export interface JobContext {
  readonly fireAt: Date;
  readonly fencingToken: string;
  /** Aborted when the scheduler stops; long jobs should check it between steps. */
  readonly signal: AbortSignal;
}

export interface ScheduledJob {
  readonly name: string;
  readonly schedule: Schedule;
  /**
   * A fire missed while no scheduler was leader still runs if it is at most this old when a leader sees it
   * (default: one minute, enough to cover a leader hand-over); older fires are skipped, not run late.
   */
  readonly catchUpMs?: number;
  run(context: JobContext): Promise<void>;
}

export interface SchedulerOptions {
  readonly leaseName?: string;
  readonly leaseMs?: number;
  readonly tickMs?: number;
  readonly clock?: Clock;
  /** Told after every lease check and on stop whether this process leads (the `scheduler_leader` gauge). */
  readonly onLeadership?: (isLeader: boolean) => void;
}

/**
 * Time triggers that run on one leader. Any number of scheduler processes may run; one holds the lease and fires
 * jobs. Each fire is claimed by inserting (job, fire_at) under the current lease's fencing token, so a fire runs
 * once even if two processes briefly both believe they lead.
 */
export class Scheduler {
  private readonly jobs = new Map<string, ScheduledJob>();
  private readonly lastAttempt = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly leaseName: string;
  private readonly leaseMs: number;
  private readonly tickMs: number;
  private readonly clock: Clock;
  private readonly onLeadership: ((isLeader: boolean) => void) | undefined;
  private readonly abort = new AbortController();
  private fencingToken: string | null = null;
  private leaseCheckedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private tickInProgress: Promise<void> | undefined;
  private started = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    readonly holder: string,
    options: SchedulerOptions = {},
  ) {
    this.leaseName = options.leaseName ?? 'scheduler';
    this.leaseMs = options.leaseMs ?? 15_000;
    this.tickMs = options.tickMs ?? 500;
    this.clock = options.clock ?? systemClock;
    this.onLeadership = options.onLeadership;
  }

  register(job: ScheduledJob): void {
    if (this.jobs.has(job.name)) throw new Error(`scheduled job ${job.name} registered twice`);
    validateSchedule(job.schedule);
    this.jobs.set(job.name, job);
  }

  get isLeader(): boolean {
    return this.fencingToken !== null;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const loop = (): void => {
      this.tickInProgress = this.tick()
        .catch((error: unknown) => this.logger.error({ err: error }, 'scheduler tick failed'))
        .finally(() => {
          if (this.started) this.timer = setTimeout(loop, this.tickMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.tickInProgress;
    await Promise.allSettled(this.running.values());
    if (this.fencingToken) await releaseLease(this.db, this.leaseName, this.holder).catch(() => undefined);
    this.fencingToken = null;
    this.onLeadership?.(false);
  }

  /** One pass: keep or seek the lease, then claim and start every due fire. Exposed for tests. */
  async tick(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.leaseCheckedAt >= this.leaseMs / 3 || !this.fencingToken) {
      const lease = await tryAcquireLease(this.db, this.leaseName, this.holder, this.leaseMs);
      if (lease.isLeader && lease.fencingToken !== this.fencingToken) {
        this.logger.info({ holder: this.holder, fencing_token: lease.fencingToken }, 'scheduler became leader');
      }
      this.fencingToken = lease.fencingToken;
      this.leaseCheckedAt = now;
      this.onLeadership?.(lease.isLeader);
    }
    if (!this.fencingToken) return;
    for (const job of this.jobs.values()) await this.fireIfDue(job, now, this.fencingToken);
  }

  private async fireIfDue(job: ScheduledJob, now: number, token: string): Promise<void> {
    const fireAt = latestFireAt(job.schedule, new Date(now)).getTime();
    if (fireAt <= (this.lastAttempt.get(job.name) ?? Number.NEGATIVE_INFINITY)) return;
    this.lastAttempt.set(job.name, fireAt);
    if (now - fireAt > (job.catchUpMs ?? 60_000)) return;
    if (this.running.has(job.name)) {
      this.logger.warn({ job: job.name }, 'scheduled job still running from its previous fire; this fire is skipped');
      return;
    }
    const claimed = await this.claimFire(job.name, new Date(fireAt), token);
    if (!claimed) return;
    const run = this.execute(job, new Date(fireAt), token).finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
  }

  private async claimFire(job: string, fireAt: Date, token: string): Promise<boolean> {
    const result = await sql`
      INSERT INTO scheduled_runs (job, fire_at, holder, fencing_token, status)
      SELECT ${job}, ${fireAt}, ${this.holder}, ${token}, 'running'
      WHERE EXISTS (
        SELECT 1 FROM scheduler_leases
        WHERE name = ${this.leaseName} AND holder = ${this.holder} AND fencing_token = ${token} AND expires_at > now()
      )
      ON CONFLICT (job, fire_at) DO NOTHING
    `.execute(this.db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  private async execute(job: ScheduledJob, fireAt: Date, token: string): Promise<void> {
    let error: string | null = null;
    try {
      await job.run({ fireAt, fencingToken: token, signal: this.abort.signal });
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
      this.logger.error({ job: job.name, fire_at: fireAt.toISOString(), err: cause }, 'scheduled job failed');
    }
    await this.db
      .updateTable('scheduled_runs')
      .set({ status: error ? 'failed' : 'succeeded', error, finished_at: sql<Date>`now()` })
      .where('job', '=', job.name)
      .where('fire_at', '=', fireAt)
      .execute()
      .catch((cause: unknown) => this.logger.error({ err: cause, job: job.name }, 'could not record job result'));
  }
}
