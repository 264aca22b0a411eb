import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPayouts } from './http-payouts.js';
import { PayoutUnavailableError, type PayoutRequest } from './port.js';

// A stand-in bank on 127.0.0.1 (unit test of the adapter's mapping; the sandbox bank is tested end to end).
type Reply = (res: ServerResponse) => void;
let reply: Reply = (res) => res.end();
const received: { headers: IncomingMessage['headers']; body: unknown }[] = [];
const bank = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push({ headers: req.headers, body: JSON.parse(body) });
    reply(res);
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => bank.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(bank.address() as AddressInfo).port}/bank/`;
});
afterAll(() => new Promise<void>((resolve) => bank.close(() => resolve())));

const json = (status: number, body: unknown): Reply => (res) => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};
const request: PayoutRequest = { payout_id: 'prize-42', amount_fen: 880, payee: { name: '张三', bank_card: '6222600260001072444' }, memo: 'prize 42' };

describe('HttpPayouts', () => {
  it('posts the transfer with the payout id as Idempotency-Key and reads a PAID answer', async () => {
    reply = json(200, { code: 200, message: 'OK', data: { payout_id: 'prize-42', status: 'PAID', reference: 'REF1' } });
    await expect(new HttpPayouts({ baseUrl: base }).pay(request)).resolves.toEqual({ status: 'PAID', reference: 'REF1' });
    expect(received.at(-1)).toMatchObject({
      headers: { 'idempotency-key': 'prize-42', 'content-type': 'application/json' },
      body: { payout_id: 'prize-42', amount: '8.80', payee_name: '张三', bank_card: '6222600260001072444', memo: 'prize 42' },
    });
  });

  it("reads the bank's FAILED answer, and a refusal of the request itself, as FAILED", async () => {
    reply = json(200, { code: 200, message: 'OK', data: { status: 'FAILED', reason: 'ACCOUNT_FROZEN' } });
    await expect(new HttpPayouts({ baseUrl: base }).pay(request)).resolves.toEqual({ status: 'FAILED', reason: 'ACCOUNT_FROZEN' });
    reply = json(422, { code: 422, error: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(new HttpPayouts({ baseUrl: base }).pay(request)).resolves.toEqual({ status: 'FAILED', reason: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('throws PayoutUnavailableError when the outcome is unknown: 5xx, 429, a malformed body, a timeout, no bank', async () => {
    const payouts = new HttpPayouts({ baseUrl: base, timeoutMs: 200 });
    for (const answer of [json(503, { error: 'PAYOUT_UNAVAILABLE' }), json(429, {}), json(200, { data: { status: 'PAID' } }), json(200, 'not an envelope')]) {
      reply = answer;
      await expect(payouts.pay(request)).rejects.toBeInstanceOf(PayoutUnavailableError);
    }
    reply = (res) => setTimeout(() => res.end('{}'), 1_000);
    await expect(payouts.pay(request)).rejects.toThrow(/timed out after 200 ms/);
    await expect(new HttpPayouts({ baseUrl: 'http://127.0.0.1:1' }).pay(request)).rejects.toThrow(/unreachable/);
    const notListening = new HttpPayouts({
      baseUrl: () => {
        throw new Error('no server yet');
      },
    });
    await expect(notListening.pay(request)).rejects.toBeInstanceOf(PayoutUnavailableError);
  });
});
