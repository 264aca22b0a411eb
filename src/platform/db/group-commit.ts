import type { Kysely, Transaction } from 'kysely';
import type { GroupCommitMetrics } from '../metrics/metrics.js';
import { isConnectionLoss } from './connection-loss.js';
import type { Database } from './schema.js';

export type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Something to write in the batch's transaction for one command that succeeded (its idempotent answer). */
export interface Receipt<R> {
  record(value: R): ReceiptRow;
}

export interface ReceiptRow {
  readonly scope: string;
  readonly key: string;
  readonly status: number;
  /** Null: recorded without a replayable body (see idempotency.ts). */
  readonly body: string | null;
}

export interface GroupCommitOptions<C, R> {
  readonly name: string;
  /** Most commands in one transaction. */
  readonly maxBatch: number;
  /**
   * Commands with the same lane share a queue with one transaction in flight: while it commits, the next batch
   * forms behind it. Different lanes commit in parallel (up to the pool size). Default: one lane.
   */
  readonly laneOf?: (command: C) => string;
  /** Two commands with the same conflict key never share a batch: the later one waits for the next. */
  readonly conflictKeyOf?: (command: C) => string | undefined;
  /**
   * Decides and writes a whole batch in `trx`. Returns one outcome per command, in order. A command that fails
   * must have written nothing: decide in memory on locked rows first, then write only the successes.
   */
  readonly run?: (trx: Transaction<Database>, commands: readonly C[]) => Promise<Outcome<R>[]>;
  /**
   * Instead of `run`: decides and writes a whole batch atomically on its own — in a single statement, which
   * needs no explicit transaction (one round trip, one commit), or in a transaction it opens — and stores the
   * successes' receipts in that same statement or transaction. It is handed each command's receipt (or undefined).
   */
  readonly runAtomic?: (db: Kysely<Database>, commands: readonly C[], receipts: readonly (Receipt<R> | undefined)[]) => Promise<Outcome<R>[]>;
  /** Writes the receipts of a batch's successes, in the same transaction (see idempotency.ts). */
  readonly storeReceipts?: (trx: Transaction<Database>, rows: readonly ReceiptRow[]) => Promise<void>;
  readonly metrics?: GroupCommitMetrics;
}

interface Pending<C, R> {
  readonly command: C;
  readonly receipt: Receipt<R> | undefined;
  resolve(value: R): void;
  reject(error: unknown): void;
}

interface Lane<C, R> {
  readonly queue: Pending<C, R>[];
  running: boolean;
}

/** PostgreSQL's "try again" errors: serialization failure and deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_SOLO_ATTEMPTS = 3;

/**
 * Group commit: requests for the same hot rows are queued and decided
 * together in one transaction, so the row lock, the round trips and the fsync of a commit are paid once per
 * batch instead of once per request. There is no timer: the first request runs at once, and whatever arrives
 * while a batch commits forms the next one, so batches grow only under load.
 *
 * A batch that fails as a whole (a deadlock, a constraint the decision did not foresee) is not allowed to
 * poison its neighbours: each of its commands is retried alone, and only a command that fails alone gets the
 * error. A batch whose connection was lost is never retried: it may have committed with only the answer lost,
 * and running its commands again would apply them twice. Each of them fails with the loss instead (answered as
 * DATABASE_CONNECTION_LOST); a retry with its Idempotency-Key then finds the committed answer, or runs it once.
 */
export class GroupCommit<C, R> {
  private readonly lanes = new Map<string, Lane<C, R>>();
  private batches = 0;
  private commands = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: GroupCommitOptions<C, R>,
  ) {
    if (!options.run === !options.runAtomic) throw new Error(`${options.name}: give exactly one of run and runAtomic`);
  }

  get name(): string {
    return this.options.name;
  }

  /** Batches committed and commands decided so far: their ratio is the mean batch size. */
  stats(): { batches: number; commands: number } {
    return { batches: this.batches, commands: this.commands };
  }

  submit(command: C, receipt?: Receipt<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const laneKey = this.options.laneOf?.(command) ?? '';
      let lane = this.lanes.get(laneKey);
      if (!lane) {
        lane = { queue: [], running: false };
        this.lanes.set(laneKey, lane);
      }
      lane.queue.push({ command, receipt, resolve, reject });
      if (!lane.running) void this.drain(laneKey, lane);
    });
  }

  private async drain(laneKey: string, lane: Lane<C, R>): Promise<void> {
    lane.running = true;
    try {
      while (lane.queue.length > 0) await this.execute(this.takeBatch(lane));
    } finally {
      lane.running = false;
      if (lane.queue.length === 0) this.lanes.delete(laneKey);
      else void this.drain(laneKey, lane);
    }
  }

  private takeBatch(lane: Lane<C, R>): Pending<C, R>[] {
    const conflictKeyOf = this.options.conflictKeyOf;
    if (!conflictKeyOf) return lane.queue.splice(0, this.options.maxBatch);
    const batch: Pending<C, R>[] = [];
    const keys = new Set<string>();
    const deferred: Pending<C, R>[] = [];
    while (lane.queue.length > 0 && batch.length < this.options.maxBatch) {
      const next = lane.queue.shift()!;
      const key = conflictKeyOf(next.command);
      if (key !== undefined && keys.has(key)) {
        deferred.push(next);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(next);
    }
    lane.queue.unshift(...deferred); // they keep their place at the head, in arrival order
    return batch;
  }

  private async execute(batch: readonly Pending<C, R>[]): Promise<void> {
    try {
      const outcomes = await this.commit(batch);
      this.settle(batch, outcomes);
    } catch (error) {
      if (isConnectionLoss(error)) return this.settle(batch, batch.map(() => ({ ok: false, error })));
      if (batch.length === 1) return this.solo(batch[0]!, error);
      for (const pending of batch) await this.solo(pending, undefined);
    }
  }

  /** One command in its own transaction, retried on deadlock or serialization failure. */
  private async solo(pending: Pending<C, R>, firstError: unknown): Promise<void> {
    let error = firstError;
    let attempts = error === undefined ? 0 : 1;
    while (attempts < MAX_SOLO_ATTEMPTS && (error === undefined || isRetryable(error))) {
      attempts++;
      try {
        this.settle([pending], await this.commit([pending]));
        return;
      } catch (caught) {
        error = caught;
      }
    }
    pending.reject(error);
  }

  private async commit(batch: readonly Pending<C, R>[]): Promise<Outcome<R>[]> {
    const started = process.hrtime.bigint();
    const outcomes = this.options.runAtomic ? await this.runAtomic(this.options.runAtomic, batch) : await this.runInTransaction(this.options.run!, batch);
    this.batches++;
    this.commands += batch.length;
    const labels = { name: this.options.name };
    this.options.metrics?.batchSize.observe(labels, batch.length);
    this.options.metrics?.batchSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    return outcomes;
  }

  private async runAtomic(run: NonNullable<GroupCommitOptions<C, R>['runAtomic']>, batch: readonly Pending<C, R>[]): Promise<Outcome<R>[]> {
    const decided = await run(this.db, batch.map((p) => p.command), batch.map((p) => p.receipt));
    if (decided.length !== batch.length) throw new Error(`${this.options.name}: ${decided.length} outcomes for ${batch.length} commands`);
    return decided;
  }

  private async runInTransaction(run: NonNullable<GroupCommitOptions<C, R>['run']>, batch: readonly Pending<C, R>[]): Promise<Outcome<R>[]> {
    return this.db.transaction().execute(async (trx) => {
      const decided = await run(trx, batch.map((p) => p.command));
      if (decided.length !== batch.length) throw new Error(`${this.options.name}: ${decided.length} outcomes for ${batch.length} commands`);
      const receipts: ReceiptRow[] = [];
      decided.forEach((outcome, i) => {
        const receipt = batch[i]!.receipt;
        if (outcome.ok && receipt) receipts.push(receipt.record(outcome.value));
      });
      if (receipts.length > 0) {
        if (!this.options.storeReceipts) throw new Error(`${this.options.name}: receipts given but no storeReceipts`);
        await this.options.storeReceipts(trx, receipts);
      }
      return decided;
    });
  }

  private settle(batch: readonly Pending<C, R>[], outcomes: readonly Outcome<R>[]): void {
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) batch[i]!.resolve(outcome.value);
      else batch[i]!.reject(outcome.error);
    });
  }
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}
