import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyInclusion } from '../src/modules/audit/domain/merkle-proofs.js';
import { leafHash } from '../src/modules/audit/domain/merkle.js';
import { auditModule, auditOf } from '../src/modules/audit/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import type { DrawBundle } from '../src/modules/lottery/bundle.js';
import { lotteryModule, lotteryOf } from '../src/modules/lottery/index.js';
import { verifyBundle } from '../src/modules/lottery/verify/verify-bundle.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import { nextFireAt } from '../src/platform/scheduler/schedule.js';
import { fixedClock } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor as sessionForUser, verifiedLogin } from './support/identity.js';
import { spawnTs } from './support/spawn.js';
import { useTestServer } from './support/test-platform.js';

const ENTRIES = 100_000;
const WEDNESDAYS = '0 10 * * 3';

interface MutableBundle {
  log: { checkpoint: string; commitment: { checkpoint: string; consistency: string[] } };
  entries: { index: number; body: string; proof: string[] }[];
  entry_set: string[];
}

describe.each(backendPairs())('weekly draw on $label', ({ db, cache }) => {
  const clock = fixedClock(new Date());
  const server = useTestServer({ db, cache, clock, modules: [identityModule, invoicesModule, auditModule, lotteryModule] });
  const api = (p: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${p}`, init);

  const sessionFor = (role?: 'operator') => sessionForUser(server.platform, role);

  it(`closes ${ENTRIES.toLocaleString('en')}+ entries at the cron fire, draws from a beacon round named in advance, and verify-draw re-runs it`, { timeout: 240_000 }, async () => {
    const operator = (await sessionFor('operator')).access_token;
    const now = clock.now();
    const created = await api('/api/v1/lottery/campaigns', {
      body: {
        name: '每周开奖',
        starts_at: new Date(now.getTime() - 3_600_000).toISOString(),
        ends_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
        weekly: {
          cron: WEDNESDAYS,
          tiers: [
            { tier: 'FIRST', name: '一等奖', kind: 'CASH', amount: '1000.00', count: 1 },
            { tier: 'SECOND', name: '二等奖', kind: 'CASH', amount: '100.00', count: 10 },
            { tier: 'THIRD', name: '三等奖', kind: 'CASH', amount: '5.00', count: 100 },
          ],
        },
      },
      headers: bearer(operator),
    });
    expect(created.status, created.text).toBe(200);
    const campaignId = (created.json.data as { campaign_id: string }).campaign_id;

    // One consumer through the real path: a sandbox invoice, accepted, its chance entered by the worker.
    const consumer = await verifiedLogin(server.base, await sessionFor());
    const issued = (await api('/sandbox/tax/invoices', { body: { total_amount: '66.00' } })).json.data as { invoice_number: string; issue_date: string; total_amount: string };
    const submitted = await api('/api/v1/invoices', { body: { invoice_number: issued.invoice_number, issue_date: issued.issue_date, total_amount: issued.total_amount }, headers: bearer(consumer.access_token) });
    expect(submitted.status, submitted.text).toBe(200);
    await new OutboxRelay(server.platform.database.db, server.platform.outbox, createLogger('silent'), 'test-worker').deliverDue();
    const mine = (await api('/api/v1/users/me/lottery', { headers: bearer(consumer.access_token) })).json.data as { chances: { campaign_id: string; invoice_commit: string }[] };
    const myCommit = mine.chances.find((c) => c.campaign_id === campaignId)!.invoice_commit;

    // The crowd: entries of 33,334 invoices with up to three chances each, written straight to the table.
    const closeAt = nextFireAt({ cron: WEDNESDAYS }, now);
    await sql`
      INSERT INTO lottery_weekly_entries (campaign_id, close_at, invoice_commit, chance, invoice_id, user_id)
      SELECT ${campaignId}, ${closeAt}, sha256(int8send(g / 3)), g % 3 + 1, 900000000 + g / 3, 1 FROM generate_series(0, ${ENTRIES - 1}) AS g
    `.execute(server.platform.database.db);

    const weekly = lotteryOf(server.platform).weekly;
    expect(await weekly.tick()).toEqual({ closed: 0, drawn: 0 }); // before the fire nothing closes
    clock.set(new Date(closeAt.getTime() + 20_000));
    expect(await weekly.tick()).toEqual({ closed: 1, drawn: 0 }); // closed; its beacon round is still ahead
    const listed = (await api(`/api/v1/lottery/campaigns/${campaignId}/weekly-draws`)).json.data as { draws: { draw_id: string; status: string; entry_count: number; entries_root: string }[] };
    expect(listed.draws).toHaveLength(1);
    expect(listed.draws[0]).toMatchObject({ status: 'CLOSED', entry_count: ENTRIES + 1 });
    const drawId = listed.draws[0]!.draw_id;

    // Entries that arrive after the close go to next week's draw, never into the closed set.
    const late = await verifiedLogin(server.base, await sessionFor());
    const lateInvoice = (await api('/sandbox/tax/invoices', { body: { total_amount: '20.00' } })).json.data as { invoice_number: string; issue_date: string; total_amount: string };
    expect((await api('/api/v1/invoices', { body: { invoice_number: lateInvoice.invoice_number, issue_date: lateInvoice.issue_date, total_amount: lateInvoice.total_amount }, headers: bearer(late.access_token) })).status).toBe(200);
    await server.platform.database.db.transaction().execute(async (trx) => {
      const granted = await lotteryOf(server.platform).service.grantChances(trx, { invoice_id: '1', user_id: late.user_id, kind: 'DIGITAL', invoice_number: lateInvoice.invoice_number, issue_date: lateInvoice.issue_date, total_amount: '20.00' }, new Date(closeAt.getTime() - 1_000));
      await weekly.addEntries(trx, granted.chances, granted.rulesOf, new Date(closeAt.getTime() - 1_000));
    });
    const lateEntry = await sql<{ close_at: Date }>`SELECT close_at FROM lottery_weekly_entries WHERE invoice_id = 1`.execute(server.platform.database.db);
    expect(lateEntry.rows[0]!.close_at.getTime()).toBe(nextFireAt({ cron: WEDNESDAYS }, closeAt).getTime());

    // "Was I in it?": my entry's inclusion proof against the root the close logged.
    const proof = (await api(`/api/v1/lottery/draws/${drawId}/entry-proof?invoice_commit=${myCommit}&chance=1`)).json.data as { index: number; entry_count: number; entries_root: string; hashes: string[]; leaf: string };
    verifyInclusion(leafHash(new TextEncoder().encode(proof.leaf)), proof.index, proof.entry_count, proof.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64'))), new Uint8Array(Buffer.from(proof.entries_root, 'hex')));
    expect((await api(`/api/v1/lottery/draws/${drawId}/entry-proof?invoice_commit=${'0'.repeat(64)}&chance=1`)).status).toBe(404);

    const notYet = verifyBundle((await fetch(`${server.base}/api/v1/lottery/draws/${drawId}/bundle`).then((r) => r.json())) as DrawBundle);
    expect(!notYet.ok && notYet.failure).toMatch(/not been drawn yet/);

    clock.advance(3 * 60_000);
    expect(await weekly.tick()).toEqual({ closed: 0, drawn: 1 });
    const prizes = await sql<{ n: string; due: Date }>`SELECT count(*) AS n, min(due_at) AS due FROM lottery_prizes WHERE source = 'WEEKLY' AND campaign_id = ${campaignId}`.execute(server.platform.database.db);
    expect(Number(prizes.rows[0]!.n)).toBe(111);
    // Drawn on a Wednesday: paid within 3 working days, by the Monday after.
    expect(new Date(prizes.rows[0]!.due).getTime()).toBe(clock.now().getTime() + 5 * 86_400_000);

    const bundle = (await fetch(`${server.base}/api/v1/lottery/draws/${drawId}/bundle`).then((r) => r.json())) as DrawBundle;
    const key = auditOf(server.platform).log.keys.verifierKey;
    const verified = verifyBundle(bundle, { pinnedKey: key });
    expect(verified.ok, JSON.stringify(verified).slice(0, 500)).toBe(true);
    expect(verified.ok && verified.summary).toMatchObject({ kind: 'WEEKLY', entries: ENTRIES + 1, winners: 111 });

    const file = path.join(os.tmpdir(), `quanyi-bundle-${process.pid}-${db}.json`);
    fs.writeFileSync(file, JSON.stringify(bundle));
    const cli = spawnTs('src/cli.ts', ['verify-draw', '--bundle', file, '--key', key], {});
    expect(await cli.exited, cli.stdout() + cli.stderr()).toBe(0);
    expect(cli.stdout()).toContain(`re-derived all 111 winners from ${ENTRIES + 1} entries`);

    const tampered = (edit: (b: MutableBundle) => void): string => {
      const copy = structuredClone(bundle) as unknown as MutableBundle;
      edit(copy);
      const result = verifyBundle(copy as unknown as DrawBundle, { pinnedKey: key });
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.failure;
    };
    const flipHex = (s: string, at: number) => s.slice(0, at) + (s[at] === '0' ? '1' : '0') + s.slice(at + 1);
    const result = bundle.entries.findIndex((e) => e.body.includes('"WEEKLY_RESULT"'));
    expect(tampered((b) => (b.entry_set[ENTRIES / 2] = flipHex(b.entry_set[ENTRIES / 2]!, 10)))).toMatch(/root .* is not the root logged|out of order/);
    expect(tampered((b) => (b.entries[result]!.body = b.entries[result]!.body.replace(/"signature":"([0-9a-f])/, (_, c: string) => `"signature":"${c === '0' ? '1' : '0'}`)))).toMatch(
      new RegExp(`entry ${bundle.entries[result]!.index}: inclusion proof`),
    );
    expect(tampered((b) => (b.entries[result]!.body = b.entries[result]!.body.replace(/"index":(\d+)/, (_, n: string) => `"index":${Number(n) + 1}`)))).toMatch(/inclusion proof/);
    expect(tampered((b) => (b.entries[0]!.proof[0] = Buffer.from(Buffer.from(b.entries[0]!.proof[0]!, 'base64').map((x, i) => (i === 3 ? x ^ 0x80 : x))).toString('base64')))).toMatch(/inclusion proof/);
    expect(tampered((b) => (b.log.checkpoint = b.log.checkpoint.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`)))).toMatch(/checkpoint signature/);
    expect(tampered((b) => b.entry_set.pop())).toMatch(/entry_set holds/);
    // The close was signed into the log before the result; the final tree must extend that one.
    expect(verified.ok && verified.checks.join('\n')).toMatch(/\(WEEKLY_CLOSE\) was in the signed tree of size \d+, which the final tree extends/);
    expect(tampered((b) => (b.log.commitment.consistency[0] = Buffer.alloc(32, 7).toString('base64')))).toMatch(/consistency proof from size \d+ to \d+ does not verify/);
  });
});
