import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auditModule, auditOf } from '../src/modules/audit/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import type { DrawBundle } from '../src/modules/lottery/bundle.js';
import { lotteryModule } from '../src/modules/lottery/index.js';
import { verifyBundle } from '../src/modules/lottery/verify/verify-bundle.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import { backendPairs } from './support/backends.js';
import { inParallel } from './support/concurrency.js';
import { http } from './support/http.js';
import { bearer, sessionFor as sessionForUser, verifiedLogin } from './support/identity.js';
import { spawnTs } from './support/spawn.js';
import { useTestServer } from './support/test-platform.js';

interface MutableBundle {
  log: { checkpoint: string };
  entries: { index: number; body: string; proof: string[] }[];
}

describe.each(backendPairs())('lottery on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule, auditModule, lotteryModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  // Real PostgreSQL takes the full acceptance pool; embedded PGlite (one connection) a fifth of it.
  const TICKETS = db === 'postgres' ? 10_000 : 2_000;
  const HOLDERS = 10;

  const sessionFor = (role?: 'operator') => sessionForUser(server.platform, role);

  let operatorToken: string | undefined;
  async function operator(): Promise<string> {
    operatorToken ??= (await sessionFor('operator')).access_token;
    return operatorToken;
  }

  async function campaign(body: Record<string, unknown>): Promise<{ campaign_id: string; instant: { draw_id: string; pool_seed_commit: string } }> {
    const now = Date.now();
    const res = await api('/api/v1/lottery/campaigns', {
      body: { name: '有奖发票', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString(), ...body },
      headers: bearer(await operator()),
    });
    expect(res.status, res.text).toBe(200);
    return res.json.data as never;
  }

  /** A verified consumer who registers one sandbox invoice of `amount`; chances are granted by the worker's relay. */
  async function holderOfInvoice(amount: string): Promise<{ token: string; invoiceId: string }> {
    const session = await verifiedLogin(server.base, await sessionFor());
    const issued = await api('/sandbox/tax/invoices', { body: { total_amount: amount } });
    expect(issued.status, issued.text).toBe(200);
    const invoice = issued.json.data as { invoice_number: string; issue_date: string; total_amount: string };
    const submitted = await api('/api/v1/invoices', { body: invoice && { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: invoice.total_amount }, headers: bearer(session.access_token) });
    expect(submitted.status, submitted.text).toBe(200);
    return { token: session.access_token, invoiceId: (submitted.json.data as { invoice_id: string }).invoice_id };
  }

  async function deliverEvents(): Promise<void> {
    await new OutboxRelay(server.platform.database.db, server.platform.outbox, createLogger('silent'), 'test-worker').deliverDue();
  }

  const draw = (token: string, invoiceId: string, campaignId?: string) =>
    api('/api/v1/lottery/instant-draw', { body: { invoice_id: invoiceId, ...(campaignId ? { campaign_id: campaignId } : {}) }, headers: bearer(token) });

  it('refuses a campaign whose rules do not hold together, naming every problem', async () => {
    const res = await api('/api/v1/lottery/campaigns', {
      body: {
        name: '坏规则',
        starts_at: '2026-12-01T00:00:00+08:00',
        ends_at: '2026-11-01T00:00:00+08:00',
        instant: { tickets: 10, prizes: [{ name: '现金', kind: 'CASH', amount: '5.00', count: 11 }] },
        weekly: { cron: 'every wednesday', tiers: [{ tier: 'A', name: '一等奖', kind: 'CASH', amount: '100.00', count: 1 }] },
      },
      headers: bearer(await operator()),
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('LOTTERY_RULES_INVALID');
    const fields = (res.json.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['ends_at', 'instant.prizes', 'weekly.cron']);
    const unsigned = await api('/api/v1/lottery/campaigns', { body: { name: 'x', starts_at: '2026-12-01T00:00:00Z', ends_at: '2026-12-02T00:00:00Z' } });
    expect(unsigned.status).toBe(401);
  });

  it("grants chances by the campaign's own rules: its floor, one per amount step, capped", async () => {
    // Intake takes the loosest running campaign's floor: a second campaign keeps it at the default 10.00.
    await campaign({ instant: { tickets: 1, prizes: [] } });
    const created = await campaign({
      eligibility: { min_amount: '50.00' },
      chances: { mode: 'PER_AMOUNT_STEP', step: '100.00', max_per_invoice: 3 },
      instant: { tickets: 100, prizes: [{ name: '五元', kind: 'CASH', amount: '5.00', count: 10 }] },
    });
    const small = await holderOfInvoice('20.00'); // accepted by intake (≥ 10.00), below this campaign's 50.00
    const middle = await holderOfInvoice('250.00');
    const large = await holderOfInvoice('900.00');
    await deliverEvents();
    const chances = async (token: string) => {
      const mine = await api('/api/v1/users/me/lottery', { headers: bearer(token) });
      return (mine.json.data as { chances: { campaign_id: string; granted: number; commit_salt: string }[] }).chances.filter((c) => c.campaign_id === created.campaign_id);
    };
    expect(await chances(small.token)).toEqual([]);
    expect((await chances(middle.token))[0]).toMatchObject({ granted: 2 });
    expect((await chances(large.token))[0]).toMatchObject({ granted: 3 });
    await deliverEvents(); // redelivery grants nothing twice
    expect(await chances(large.token)).toHaveLength(1);

    const refused = await draw(small.token, small.invoiceId, created.campaign_id);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('LOTTERY_NO_CHANCE');
    const notMine = await draw(small.token, large.invoiceId, created.campaign_id);
    expect(notMine.json.error).toBe('LOTTERY_NO_CHANCE');
    expect((await draw(middle.token, middle.invoiceId, created.campaign_id)).status).toBe(200);
    expect((await draw(middle.token, middle.invoiceId, created.campaign_id)).status).toBe(200);
    expect((await draw(middle.token, middle.invoiceId, created.campaign_id)).json.error).toBe('LOTTERY_NO_CHANCE');
  });

  it(`draws a ${TICKETS}-ticket pool to the end with 50 concurrent clients: exact prizes, and the revealed seed re-derives every result`, { timeout: 240_000 }, async () => {
    const prizes = TICKETS / 100;
    const created = await campaign({
      chances: { mode: 'PER_AMOUNT_STEP', step: '1.00', max_per_invoice: 1000 },
      instant: {
        tickets: TICKETS,
        prizes: [
          { name: '一等奖', kind: 'CASH', amount: '88.00', count: prizes / 10 },
          { name: '二等奖', kind: 'CASH', amount: '8.80', count: prizes - prizes / 10 },
        ],
      },
    });
    const holders: { token: string; invoiceId: string }[] = [];
    for (let i = 0; i < HOLDERS; i++) holders.push(await holderOfInvoice(`${TICKETS / HOLDERS}.00`));
    const late = await holderOfInvoice('10.00');
    await deliverEvents();

    const results: { position: number; prize: unknown }[] = [];
    const refusals: string[] = [];
    await inParallel(
      Array.from({ length: 50 }, (_, client) => async () => {
        const holder = holders[client % HOLDERS]!;
        for (;;) {
          const res = await draw(holder.token, holder.invoiceId, created.campaign_id);
          if (res.status !== 200) {
            refusals.push(String(res.json.error));
            return;
          }
          results.push(res.json.data as { position: number; prize: unknown });
        }
      }),
      50,
    );
    expect(results).toHaveLength(TICKETS);
    expect(new Set(results.map((r) => r.position)).size).toBe(TICKETS);
    expect(results.filter((r) => r.prize !== null)).toHaveLength(prizes);
    expect(new Set(refusals)).toEqual(new Set(['LOTTERY_NO_CHANCE']));
    const exhausted = await draw(late.token, late.invoiceId, created.campaign_id);
    expect(exhausted.status).toBe(409);
    expect(exhausted.json.error).toBe('LOTTERY_POOL_EXHAUSTED');

    const dbPrizes = await sql<{ n: string }>`SELECT count(*) AS n FROM lottery_prizes WHERE campaign_id = ${created.campaign_id}`.execute(server.platform.database.db);
    expect(Number(dbPrizes.rows[0]!.n)).toBe(prizes);

    // Before the reveal the bundle cannot be verified: the seed is still secret.
    const early = (await fetch(`${server.base}/api/v1/lottery/draws/${created.instant.draw_id}/bundle`).then((r) => r.json())) as DrawBundle;
    const notYet = verifyBundle(early);
    expect(notYet.ok).toBe(false);
    expect(!notYet.ok && notYet.failure).toMatch(/not been revealed/);

    const ended = await api(`/api/v1/lottery/campaigns/${created.campaign_id}/end`, { method: 'POST', body: {}, headers: bearer(await operator()) });
    expect(ended.status, ended.text).toBe(200);
    expect((ended.json.data as { instant: { pool_seed: string } }).instant.pool_seed).toMatch(/^[0-9a-f]{64}$/);
    expect((await draw(late.token, late.invoiceId, created.campaign_id)).json.error).toBe('LOTTERY_CAMPAIGN_NOT_ACTIVE');

    const bundle = (await fetch(`${server.base}/api/v1/lottery/draws/${created.instant.draw_id}/bundle`).then((r) => r.json())) as DrawBundle;
    const key = auditOf(server.platform).log.keys.verifierKey;
    const verified = verifyBundle(bundle, { pinnedKey: key });
    expect(verified.ok, JSON.stringify(verified)).toBe(true);
    expect(verified.ok && verified.summary).toMatchObject({ draws: TICKETS, prizes_awarded: prizes });

    // The same check as an outsider runs it: the CLI against the server.
    const cli = spawnTs('src/cli.ts', ['verify-draw', '--url', server.base, '--draw', created.instant.draw_id, '--key', key], {});
    expect(await cli.exited, cli.stdout() + cli.stderr()).toBe(0);
    expect(cli.stdout()).toContain(`re-derived all ${TICKETS} draws`);

    // Any changed byte is caught, and the failure names what.
    const tampered = (edit: (b: MutableBundle) => void) => {
      const copy = structuredClone(bundle) as unknown as MutableBundle;
      edit(copy);
      const result = verifyBundle(copy as unknown as DrawBundle, { pinnedKey: key });
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.failure;
    };
    const drawEntry = bundle.entries.findIndex((e) => e.body.includes('"INSTANT_DRAW"'));
    const winner = bundle.entries.findIndex((e) => e.body.includes('"INSTANT_DRAW"') && !e.body.includes('"prize":null'));
    expect(tampered((b) => {
      b.entries[drawEntry]!.body = b.entries[drawEntry]!.body.replace(/"ticket":(\d+)/, (_, t: string) => `"ticket":${Number(t) + 1}`);
    })).toMatch(new RegExp(`entry ${bundle.entries[drawEntry]!.index}: inclusion proof`));
    expect(tampered((b) => {
      const proof = b.entries[winner]!.proof;
      const bytes = Buffer.from(proof[0]!, 'base64');
      bytes[0]! ^= 1;
      proof[0] = bytes.toString('base64');
    })).toMatch(/inclusion proof/);
    expect(tampered((b) => {
      b.log.checkpoint = b.log.checkpoint.replace(/— (\S+) (\S)/, (_, name: string, c: string) => `— ${name} ${c === 'A' ? 'B' : 'A'}`);
    })).toMatch(/checkpoint signature/);
    expect(tampered((b) => {
      b.entries.splice(drawEntry, 1);
    })).toMatch(/reveal counts/);
  });

  it('serves the log: a signed checkpoint, entries, and inclusion and consistency proofs that verify; bad ranges are 400', async () => {
    await campaign({ instant: { tickets: 10, prizes: [{ name: '奖', kind: 'CASH', amount: '1.00', count: 1 }] } });
    const first = (await api('/api/v1/transparency/checkpoint')).json.data as { size: number; root_hash: string; note: string };
    expect(first.note).toMatch(new RegExp(`^${auditOf(server.platform).log.origin}\\n${first.size}\\n${first.root_hash.replace(/[+/]/g, '\\$&')}\\n\\n— `));
    await campaign({ instant: { tickets: 10, prizes: [] } });
    const second = (await api('/api/v1/transparency/checkpoint')).json.data as { size: number; root_hash: string };
    expect(second.size).toBe(first.size + 1);

    const { verifyInclusion, verifyConsistency, leafHash } = await import('../src/modules/audit/domain/merkle-proofs.js').then(async (proofs) => ({ ...proofs, ...(await import('../src/modules/audit/domain/merkle.js')) }));
    const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
    const start = Math.max(0, second.size - 20); // earlier tests filled the log; a page holds at most 1,000
    const entries = (await api(`/api/v1/transparency/entries?start=${start}&end=${second.size}`)).json.data as { entries: { index: number; body: string }[] };
    expect(entries.entries.map((e) => e.index)).toEqual(Array.from({ length: second.size - start }, (_, i) => start + i));
    for (const entry of entries.entries) {
      const proof = (await api(`/api/v1/transparency/proof/inclusion?index=${entry.index}&size=${second.size}`)).json.data as { hashes: string[] };
      verifyInclusion(leafHash(new TextEncoder().encode(entry.body)), entry.index, second.size, proof.hashes.map(b64), b64(second.root_hash));
      // Commitments only: no user, no invoice, no phone number on the public log.
      expect(Object.keys(JSON.parse(entry.body) as object)).not.toEqual(expect.arrayContaining(['user_id']));
      expect(entry.body).not.toMatch(/"(user_id|invoice_id|invoice_number|phone)"|"1[3-9]\d{9}"/);
    }
    const consistency = (await api(`/api/v1/transparency/proof/consistency?first=${first.size}&second=${second.size}`)).json.data as { hashes: string[] };
    verifyConsistency(first.size, second.size, b64(first.root_hash), b64(second.root_hash), consistency.hashes.map(b64));

    for (const bad of [`entries?start=0&end=${second.size + 1}`, 'entries?start=0&end=1001', 'entries?start=5&end=5', `proof/inclusion?index=${second.size}&size=${second.size}`, `proof/consistency?first=2&second=1`, 'proof/inclusion?index=0&size=abc']) {
      const res = await api(`/api/v1/transparency/${bad}`);
      expect(res.status, bad).toBe(400);
    }
  });

  it('keeps the log append-only in the database itself', async () => {
    const database = server.platform.database.db;
    await expect(sql`UPDATE tlog_entries SET body = '{}' WHERE idx = 0`.execute(database)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM tlog_checkpoints`.execute(database)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE tlog_entries`.execute(database)).rejects.toThrow(/append-only/);
  });
});
