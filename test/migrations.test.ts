import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, MODULES } from '../src/app/modules.js';
import { assembleMigrations } from '../src/platform/db/migrate.js';

/**
 * The list as src/platform/db/migrations/index.ts spelled it out before each module declared its own (issue #19).
 * Applied databases hold exactly these names in this order: the assembled list must never reorder or drop one.
 * A new migration is appended here when it is added.
 */
const BEFORE_MODULES_DECLARED_THEIR_OWN = [
  '2026_11_22_0001_platform',
  '2026_11_22_0002_identity',
  '2026_11_22_0003_oidc',
  '2026_11_22_0004_merchants',
  '2026_11_22_0005_coupons',
  '2026_11_22_0006_coupon_batches',
  '2026_11_22_0007_coupon_locks',
  '2026_11_29_0008_channels',
  '2026_11_29_0009_tax_sandbox',
  '2026_11_29_0010_invoices',
  '2026_11_29_0011_invoice_fraud_signals',
  '2026_11_29_0012_transparency_log',
  '2026_11_29_0013_lottery',
  '2026_11_29_0014_lottery_weekly',
  '2026_11_29_0015_payout_sandbox',
  '2026_11_29_0016_notifications',
  '2026_11_29_0017_lottery_prize_payouts',
  '2026_11_29_0018_lottery_weekly_sets',
  '2026_11_29_0019_kernel_functions',
  '2026_11_29_0020_coupon_claim_batch',
  '2026_11_29_0021_coupon_redeem_batch',
  '2026_11_29_0022_revoked_sessions',
  '2026_11_29_0023_ledger',
  '2026_11_29_0024_settlement',
  '2026_11_29_0025_template_funding',
  '2026_11_29_0026_audit_records',
  '2026_11_29_0027_risk',
  '2026_11_29_0028_activities',
  '2026_11_29_0029_lottery_held_invoices',
  '2026_11_29_0030_lottery_bonus_chances',
  '2026_11_29_0031_coupon_revoked',
  '2026_11_29_0032_coupon_time_indexes',
  '2026_11_29_0033_lottery_time_indexes',
  '2026_11_29_0034_risk_time_indexes',
  '2026_11_29_0035_ledger_time_indexes',
  '2026_12_02_0048_signup_fingerprints',
  '2026_12_02_0049_real_name_attempts',
  '2026_12_02_0052_signature_nonces',
  '2026_12_03_0053_coupon_orders',
  '2026_12_03_0054_idempotency_credentials',
  '2026_12_03_0055_coupon_lock_orders',
  '2026_12_03_0061_tax_sandbox_legacy',
];

const SRC = path.resolve(import.meta.dirname, '../src');

/** Every migration file in the tree, by name: `<dir>/migrations/<name>.ts`, the index files aside. */
function migrationFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    const parts = file.split(path.sep);
    if (parts.at(-2) !== 'migrations' || !file.endsWith('.ts') || file.endsWith('index.ts')) continue;
    const name = path.basename(file, '.ts');
    expect(files.has(name), `two files named ${name}`).toBe(false);
    files.set(name, file);
  }
  return files;
}

/** Where a module's migrations live: its own directory (the kernel's, for platformMaintenance). */
function directoryOf(moduleName: string): string {
  return moduleName === 'platform' ? path.join('platform', 'db', 'migrations') : path.join('modules', moduleName, 'migrations');
}

describe('the migrations the modules declare', () => {
  it('assemble into exactly the list the kernel spelled out before, name for name and in order', () => {
    expect(Object.keys(MIGRATIONS)).toEqual(BEFORE_MODULES_DECLARED_THEIR_OWN);
    expect([...BEFORE_MODULES_DECLARED_THEIR_OWN].sort()).toEqual(BEFORE_MODULES_DECLARED_THEIR_OWN); // Kysely's order
  });

  it('are each declared by exactly one module, the one whose directory holds the file', async () => {
    const files = migrationFiles();
    expect([...files.keys()].sort()).toEqual(BEFORE_MODULES_DECLARED_THEIR_OWN); // no file left undeclared
    let declared = 0;
    for (const module of MODULES) {
      for (const [name, migration] of Object.entries(module.migrations ?? {})) {
        declared += 1;
        const file = files.get(name);
        expect(file, `${module.name} declares ${name}, which has no file`).toBeDefined();
        expect(path.dirname(file!), `${name} of ${module.name}`).toBe(directoryOf(module.name));
        const source = (await import(pathToFileURL(path.join(SRC, file!)).href)) as Migration;
        expect(migration.up, name).toBe(source.up);
        expect(MIGRATIONS[name], name).toBe(migration);
      }
    }
    expect(declared).toBe(BEFORE_MODULES_DECLARED_THEIR_OWN.length); // so no name was declared twice
  });

  it('refuse a name two modules declare', () => {
    const migration: Migration = { up: async () => {} };
    const a = { name: 'a', migrations: { '2026_12_03_0100_x': migration } };
    const b = { name: 'b', migrations: { '2026_12_03_0100_x': migration } };
    expect(() => assembleMigrations([a, b])).toThrow('migration 2026_12_03_0100_x is declared by both a and b');
    expect(Object.keys(assembleMigrations([{ name: 'b', migrations: { '2026_12_03_0101_y': migration } }, a]))).toEqual(['2026_12_03_0100_x', '2026_12_03_0101_y']);
  });
});
