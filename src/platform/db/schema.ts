import type { ColumnType, Generated } from 'kysely';

/**
 * The Kysely view of every table. Each module declares its own tables by augmenting this interface from its
 * `schema.ts` (`declare module '…/platform/db/schema.js' { interface Database { … } }`), so a module's tables
 * are typed everywhere while their SQL stays in that module's repo.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database extends PlatformTables {}

/** int8 columns come back from node-postgres as decimal strings; ids and fen stay exact that way. */
export type Int8 = ColumnType<string, string | bigint | number, string | bigint | number>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Json<T = unknown> = ColumnType<T, string, string>;

export interface PlatformTables {
  idempotency_keys: IdempotencyKeyTable;
  outbox_events: OutboxEventTable;
  outbox_deliveries: OutboxDeliveryTable;
  processed_events: ProcessedEventTable;
  scheduler_leases: SchedulerLeaseTable;
  scheduled_runs: ScheduledRunTable;
  node_leases: NodeLeaseTable;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  fingerprint: string;
  status: 'in_flight' | 'completed';
  locked_until: Timestamp;
  response_status: number | null;
  response_body: string | null;
  created_at: CreatedAt;
  completed_at: Timestamp | null;
  expires_at: Timestamp;
}

export interface OutboxEventTable {
  id: Int8;
  topic: string;
  aggregate_id: string | null;
  payload: Json;
  request_id: string | null;
  created_at: CreatedAt;
}

export interface OutboxDeliveryTable {
  event_id: Int8;
  subscriber: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
}

export interface ProcessedEventTable {
  subscriber: string;
  event_id: Int8;
  processed_at: CreatedAt;
}

export interface SchedulerLeaseTable {
  name: string;
  holder: string;
  fencing_token: Int8;
  expires_at: Timestamp;
}

export interface ScheduledRunTable {
  job: string;
  fire_at: Timestamp;
  holder: string;
  fencing_token: Int8;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
}

export interface NodeLeaseTable {
  node_id: number;
  holder: string;
  expires_at: Timestamp;
}
