import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor, verifiedLogin } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

// Found by the fuzzer: an impossible day passed the YYYY-MM-DD pattern and reached code expecting a real date (500).
describe.each(backendPairs())('calendar dates in requests on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });
  const api = (p: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${p}`, init);

  it.each(['6173-65-88', '2026-13-01', '2026-04-31', '2023-02-29', '2026-00-10'])('refuses %s with 400 VALIDATION_FAILED naming the field', async (day) => {
    const issued = await api('/sandbox/tax/invoices', { body: { total_amount: '50.00', issue_date: day } });
    expect(issued.status, issued.text).toBe(400);
    expect(issued.json.error).toBe('VALIDATION_FAILED');
    expect(issued.text).toContain('issue_date');

    const token = (await verifiedLogin(server.base, await sessionFor(server.platform))).access_token;
    const submitted = await api('/api/v1/invoices', { body: { invoice_number: '24442000000000000001', issue_date: day, total_amount: '50.00' }, headers: bearer(token) });
    expect(submitted.status, submitted.text).toBe(400);
    expect(submitted.json.error).toBe('VALIDATION_FAILED');
  });

  it('accepts a real leap day', async () => {
    const issued = await api('/sandbox/tax/invoices', { body: { total_amount: '50.00', issue_date: '2024-02-29' } });
    expect(issued.status, issued.text).toBe(200);
    expect((issued.json.data as { issue_date: string }).issue_date).toBe('2024-02-29');
  });
});
