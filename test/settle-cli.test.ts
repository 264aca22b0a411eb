import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couponsModule } from '../src/modules/coupons/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { settlementModule, settlementOf } from '../src/modules/settlement/index.js';
import { addCalendarDays, businessDate } from '../src/platform/time/clock.js';
import { spawnTs } from './support/spawn.js';
import { buildTestApp, createTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('quanyi settle', () => {
  it('refuses a date that is not a calendar date, naming it', async () => {
    const cli = spawnTs('src/cli.ts', ['settle', '--date', '2026-02-30'], { DATA_DIR: path.join(os.tmpdir(), `quanyi-cli-${randomUUID()}`), DEMO_DATA: 'off' });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('SETTLEMENT_DATE_INVALID');
  });

  it('runs settlement for a date on the embedded database', async () => {
    const cli = spawnTs('src/cli.ts', ['settle', '--date', '2026-12-01'], { DATA_DIR: path.join(os.tmpdir(), `quanyi-cli-${randomUUID()}`), DEMO_DATA: 'off' });
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect(cli.stdout()).toContain('settlement 2026-12-01: 0 statement(s)');
  });
});

describe.runIf(process.env.DATABASE_URL)('quanyi settle on a shared PostgreSQL', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ db: 'postgres', cache: 'memory' });
    await buildTestApp(platform, [merchantsModule, couponsModule, payoutsModule, settlementModule]);
  });
  afterAll(async () => platform?.close());

  it("settles what is due, once: the platform's and the merchant's statements, then nothing on a second run", async () => {
    const redemptionId = platform.ids.next();
    await settlementOf(platform).splits.record({ redemptionId, transactionId: `TX-${redemptionId}`, merchantId: '777', templateId: '1', amountFen: 10_000n, redeemedAt: new Date() });
    const date = addCalendarDays(businessDate(new Date()), 3);
    const env = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: platform.database.schema, DATA_DIR: path.join(os.tmpdir(), `quanyi-cli-${randomUUID()}`) };
    const first = spawnTs('src/cli.ts', ['settle', '--date', date], env);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(first.stdout()).toContain(`settlement ${date}: 2 statement(s)`);
    const again = spawnTs('src/cli.ts', ['settle', '--date', date], env);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(again.stdout()).toContain(`settlement ${date}: 0 statement(s)`);
    const statements = await platform.database.db.selectFrom('settlement_statements').select(['party_kind', 'total_fen', 'status']).orderBy('party_kind').execute();
    expect(statements).toEqual([
      { party_kind: 'merchant', total_fen: '8500', status: 'AWAITING_PAYEE' },
      { party_kind: 'platform', total_fen: '1500', status: 'RETAINED' },
    ]);
  });
});
