import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dingTalkSign, signedDingTalkUrl } from './dingtalk.js';

describe('DingTalk robot signing (加签)', () => {
  // DingTalk's documentation gives the algorithm with sample code (Java and Python 3) but no fixed vector: it signs
  // the current time. These values are what its Python sample prints for the documented secret "this is secret"
  // with the timestamp pinned (hmac.new(secret, f"{ts}\n{secret}", sha256), base64, urllib.parse.quote_plus).
  it('matches DingTalk\'s Python sample for its example secret', () => {
    expect(dingTalkSign('this is secret', 1577262236757)).toBe('hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D');
    expect(dingTalkSign('SEC000000000000000000000000000000000000000000000000000000000000000', 1577262236757)).toBe('ZbRzTlKvjXJF9GDJknswoVCtxL2grXuSdUSGUn6daaQ%3D');
  });

  it('is the URL-encoded Base64 of HMAC-SHA256(secret, "timestamp\\nsecret")', () => {
    const secret = 'SECabc+/=';
    const ts = 1700000000123;
    const raw = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(decodeURIComponent(dingTalkSign(secret, ts))).toBe(raw);
    expect(dingTalkSign(secret, ts)).not.toMatch(/[+/=]/);
  });

  it('appends timestamp and sign to the webhook URL next to access_token', () => {
    const url = signedDingTalkUrl('https://oapi.dingtalk.com/robot/send?access_token=XYZ', 'this is secret', 1577262236757);
    expect(url).toBe('https://oapi.dingtalk.com/robot/send?access_token=XYZ&timestamp=1577262236757&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D');
    const parsed = new URL(url);
    expect(parsed.searchParams.get('sign')).toBe('hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=');
  });
});
