import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { verifiedLogin } from './support/identity.js';
import { spawnTs, waitReady, type Spawned } from './support/spawn.js';
import { useTestServer } from './support/test-platform.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/**
 * The tax authority as a separate process (`quanyi tax-sandbox`) that the test stops and starts again: the
 * platform must answer 503 quickly while it is gone, record nothing, and accept the same invoice once it is back.
 */
describe('when the tax authority is down', async () => {
  const port = await freePort();
  const sandboxEnv = { DATA_DIR: path.join(os.tmpdir(), `quanyi-tax-sandbox-${randomUUID()}`), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const authorityUrl = `http://127.0.0.1:${port}/sandbox/tax`;
  const [embedded] = backendPairs();
  const server = useTestServer({ db: embedded!.db, cache: embedded!.cache, modules: [identityModule, invoicesModule], env: { TAX_AUTHORITY_URL: authorityUrl } });
  let sandbox: Spawned | undefined;

  const start = async () => {
    sandbox = spawnTs('src/cli.ts', ['tax-sandbox'], sandboxEnv);
    await waitReady(await sandbox.url);
  };
  const stop = async () => {
    sandbox?.child.kill('SIGTERM');
    await sandbox?.exited;
  };
  afterAll(stop);

  it('answers 503 TAX_AUTHORITY_UNAVAILABLE quickly, records nothing, and accepts the invoice once the authority is back', async () => {
    await start();
    const issued = await http(`${authorityUrl}/invoices`, { body: { total_amount: '66.00' } });
    expect(issued.status, issued.text).toBe(200);
    const invoice = issued.json.data as { invoice_number: string; issue_date: string; total_amount: string };
    const { access_token } = await verifiedLogin(server.base);
    const submit = () =>
      http(`${server.base}/api/v1/invoices`, {
        body: { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: invoice.total_amount },
        headers: { authorization: `Bearer ${access_token}` },
      });

    await stop();
    const started = Date.now();
    const down = await submit();
    expect(down.status).toBe(503);
    expect(down.json.error).toBe('TAX_AUTHORITY_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3_000); // connection refused, two quick retries
    const recorded = await sql<{ n: string }>`SELECT count(*) AS n FROM invoices WHERE invoice_number = ${invoice.invoice_number}`.execute(server.platform.database.db);
    expect(recorded.rows[0]!.n).toBe('0');

    await start(); // same data directory: the invoice is still on the register
    const back = await submit();
    expect(back.status, back.text).toBe(200);
    expect(back.json.data).toMatchObject({ status: 'ACCEPTED', invoice_number: invoice.invoice_number });
  }, 90_000);
});
