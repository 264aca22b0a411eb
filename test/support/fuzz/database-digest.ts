import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../src/platform/db/schema.js';

/**
 * Tables a refused call may legitimately change, each for a reason the platform wants:
 * - idempotency_keys: a refusal is stored under its key, so a retry gets the same refusal;
 * - audit_records: refused attempts that matter (real-name checks, risk decisions) are audited on purpose;
 * - identity_real_name_attempts: failed real-name checks count against the daily cap;
 * - risk_decisions: the gate records what it refused;
 * - dev_sms_outbox / identity_sms_codes: a code sent is a code sent, even if the login that follows fails;
 * - tax_sandbox_taxpayers, tax_sandbox_queries: the tax-authority sandbox stands in for an external system; it seeds
 *   its demo taxpayers on first use, and counts every status query against the daily limit, found or not, as the
 *   real verification platform does;
 * - invoices: a refused invoice is recorded with every reason, so its owner sees why in "my invoices";
 * - risk_cases, risk_frozen_accounts: risk control acts on refused attempts by design (a farming pattern of claims
 *   opens a case and freezes the account; the refusal is how the attacker notices);
 * - merchant_signature_nonces: a correctly signed call uses its nonce whatever the call's outcome, so the same
 *   signed request cannot be sent again;
 * - node_leases, scheduler_leases: heartbeats, unrelated to requests.
 * Missing tables are ignored, so the list may name tables a module does not have.
 */
export const CHANGED_BY_REFUSALS = new Set([
  'idempotency_keys',
  'audit_records',
  'identity_real_name_attempts',
  'risk_decisions',
  'dev_sms_outbox',
  'identity_sms_codes',
  'tax_sandbox_taxpayers',
  'tax_sandbox_queries',
  'invoices',
  'merchant_signature_nonces',
  'risk_cases',
  'risk_frozen_accounts',
  'node_leases',
  'scheduler_leases',
  'kysely_migration',
  'kysely_migration_lock',
]);

/**
 * Rows of a digested table that a refusal may add, for the same reasons: risk control announces what it decided
 * (risk.* events, and their deliveries), and a caller reaching the cap of failed coupon activations is reported to
 * it (coupon.activation_guessing). Every other event a refused call published would be a bug.
 */
const ROWS_REFUSALS_MAY_ADD: Readonly<Record<string, string>> = {
  outbox_events: "topic NOT LIKE 'risk.%' AND topic <> 'coupon.activation_guessing'",
  outbox_deliveries: "event_id NOT IN (SELECT id FROM {schema}.outbox_events WHERE topic LIKE 'risk.%' OR topic = 'coupon.activation_guessing')",
};

/** Every other table of the schema: its row count and a hash of its rows, so any change shows. */
export async function databaseDigest(db: Kysely<Database>, schema: string): Promise<Record<string, string>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const digest: Record<string, string> = {};
  for (const { table_name: table } of tables.rows) {
    if (CHANGED_BY_REFUSALS.has(table)) continue;
    const row = await sql<{ d: string }>`
      SELECT count(*)::text || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS d
      FROM ${sql.table(`${schema}.${table}`)} AS t ${kept(table, schema)}`.execute(db);
    digest[table] = row.rows[0]!.d;
  }
  return digest;
}

function kept(table: string, schema: string) {
  const filter = ROWS_REFUSALS_MAY_ADD[table];
  // The filters are constants of this file; the schema name is one the test harness generated.
  return filter ? sql.raw(`WHERE ${filter.replace('{schema}', `"${schema}"`)}`) : sql``;
}
