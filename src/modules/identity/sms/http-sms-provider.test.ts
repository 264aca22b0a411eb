import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/app-error.js';
import { HttpSmsProvider } from './http-sms-provider.js';

// A stand-in gateway on 127.0.0.1 (unit test of the adapter: the real gateway is an external system).
const received: { headers: IncomingMessage['headers']; body: unknown }[] = [];
let status = 200;
const gateway = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push({ headers: req.headers, body: JSON.parse(body) });
    res.statusCode = status;
    res.end('{}');
  });
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
});
afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

const message = { phone: '13800001234', text: '【权益】您的验证码是123456', otp: '123456', templateParams: { code: '123456', minutes: '5' } };

describe('HttpSmsProvider', () => {
  it('posts the template request with the signature name, template id and bearer key', async () => {
    const provider = new HttpSmsProvider({ provider: 'http', url, apiKey: 'k-123', signName: '权益', templateId: 'SMS_001' });
    await provider.deliver(message);
    expect(received.at(-1)).toMatchObject({
      headers: { authorization: 'Bearer k-123', 'content-type': 'application/json' },
      body: { phone: '13800001234', sign_name: '权益', template_id: 'SMS_001', template_params: { code: '123456', minutes: '5' } },
    });
  });

  it('turns a gateway refusal or an unreachable gateway into 503 SMS_UNAVAILABLE', async () => {
    status = 500;
    const provider = new HttpSmsProvider({ provider: 'http', url, apiKey: 'k', signName: 's', templateId: 't' });
    await expect(provider.deliver(message)).rejects.toMatchObject({ code: 'SMS_UNAVAILABLE', status: 503 });
    status = 200;
    const nowhere = new HttpSmsProvider({ provider: 'http', url: 'http://127.0.0.1:1/send', apiKey: 'k', signName: 's', templateId: 't' });
    await expect(nowhere.deliver(message)).rejects.toBeInstanceOf(AppError);
  });
});
