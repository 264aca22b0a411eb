import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRelayConfig, buildAlertRelay, type AlertRelay } from '../src/ops/alert-relay.js';
import type { AlertmanagerWebhook } from '../src/ops/alertmanager-payload.js';
import { DingTalkRobotSandbox, SmsGatewaySandbox } from './support/alert-receivers.js';

const TOKEN = 'relay-token-0123456789';

function payload(status: 'firing' | 'resolved', alertname = 'QuanyiDbPoolNearFull', fingerprint = 'f00d'): AlertmanagerWebhook {
  const labels = { alertname, severity: 'warning', channel: 'dingtalk', instance: '127.0.0.1:3000' };
  const annotations = { summary: 'Database pool of 127.0.0.1:3000 90% in use over 5 minutes (threshold 80%)' };
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'dingtalk',
    groupLabels: { alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://127.0.0.1:9093',
    alerts: [{ status, labels, annotations, startsAt: '2026-12-03T10:00:00Z', endsAt: status === 'resolved' ? '2026-12-03T10:05:00Z' : '0001-01-01T00:00:00Z', generatorURL: 'http://x/graph', fingerprint }],
  };
}

describe('quanyi alert-relay', () => {
  let robot: DingTalkRobotSandbox;
  let gateway: SmsGatewaySandbox;
  let relay: AlertRelay;
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    relay.app.inject({ method: 'POST', url: path, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    robot = await DingTalkRobotSandbox.start();
    gateway = await SmsGatewaySandbox.start();
    relay = await buildAlertRelay(
      alertRelayConfig({ ALERT_RELAY_TOKEN: TOKEN, DINGTALK_WEBHOOK_URL: robot.webhookUrl, DINGTALK_SECRET: robot.secret, ALERT_SMS_PHONES: '13800000000,13900000000', ...gateway.env }),
    );
  });
  afterAll(async () => {
    await relay.app.close();
    await robot.close();
    await gateway.close();
  });

  it('signs DingTalk robot messages so that the robot accepts them, firing and resolved', async () => {
    const fired = await post('/alertmanager/dingtalk', payload('firing'));
    expect(fired.statusCode, fired.body).toBe(200);
    const resolved = await post('/alertmanager/dingtalk', payload('resolved'));
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(robot.refused).toEqual([]);
    expect(robot.messages.map((m) => m.title)).toEqual(['[告警] QuanyiDbPoolNearFull', '[恢复] QuanyiDbPoolNearFull']);
    expect(robot.messages[0]!.text).toContain('90% in use');
  });

  it('answers 502 (so Alertmanager retries) when the robot refuses the signature', async () => {
    const wrong = await buildAlertRelay(alertRelayConfig({ DINGTALK_WEBHOOK_URL: robot.webhookUrl, DINGTALK_SECRET: `${robot.secret}x` }));
    const res = await wrong.app.inject({ method: 'POST', url: '/alertmanager/dingtalk', payload: payload('firing') });
    expect(res.statusCode).toBe(502);
    expect(res.json().message).toContain('310000');
    expect(robot.refused.at(-1)).toMatchObject({ errcode: 310000, errmsg: 'sign not match' });
    await wrong.app.close();
  });

  it('sends each alert by SMS to every on-call phone through the SMS port, and drives the alarm', async () => {
    const before = gateway.messages.length;
    const fired = await post('/alertmanager/sms', payload('firing', 'QuanyiApiErrorRateHigh', 'e1'));
    expect(fired.statusCode, fired.body).toBe(200);
    expect(gateway.messages.slice(before).map((m) => m.phone)).toEqual(['13800000000', '13900000000']);
    expect(gateway.messages.at(-1)!.params).toMatchObject({ alert: 'QuanyiApiErrorRateHigh', status: 'firing' });
    expect((await relay.app.inject({ url: '/alarm/state' })).json().firing).toMatchObject([{ alertname: 'QuanyiApiErrorRateHigh' }]);
    expect((await relay.app.inject({ url: '/alarm' })).body).toContain('AudioContext');
    await post('/alertmanager/sms', payload('resolved', 'QuanyiApiErrorRateHigh', 'e1'));
    expect((await relay.app.inject({ url: '/alarm/state' })).json().firing).toEqual([]);
    expect(gateway.messages.at(-1)!.params.status).toBe('resolved');
  });

  it('refuses webhooks without the token, malformed payloads and oversized bodies', async () => {
    expect((await post('/alertmanager/sms', payload('firing'), {})).statusCode).toBe(401);
    expect((await post('/alertmanager/sms', payload('firing'), { authorization: 'Bearer nope' })).statusCode).toBe(401);
    expect((await post('/alertmanager/sms', { ...payload('firing'), version: '3' })).statusCode).toBe(400);
    expect((await post('/alertmanager/sms', { ...payload('firing'), alerts: [] })).statusCode).toBe(400);
    const many = payload('firing');
    expect((await post('/alertmanager/sms', { ...many, alerts: Array.from({ length: 51 }, () => many.alerts[0]) })).statusCode).toBe(400);
    expect((await post('/alertmanager/sms', '{"version":')).statusCode).toBe(400);
    expect((await post('/alertmanager/sms', JSON.stringify({ ...payload('firing'), pad: 'x'.repeat(300_000) }))).statusCode).toBe(413);
    const metrics = (await relay.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/alert_relay_notifications_total\{channel="dingtalk",outcome="sent"\} 2/);
  });

  it('checks its configuration at start, naming the variable', () => {
    expect(() => alertRelayConfig({})).toThrow(/DINGTALK_WEBHOOK_URL/);
    expect(() => alertRelayConfig({ ALERT_SMS_PHONES: '123' })).toThrow(/ALERT_SMS_PHONES/);
    expect(() => alertRelayConfig({ DINGTALK_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send' })).toThrow(/access_token/);
    expect(() => alertRelayConfig({ NODE_ENV: 'production', ALERT_SMS_PHONES: '13800000000', SMS_PROVIDER: 'http' })).toThrow(/ALERT_RELAY_TOKEN/);
    expect(() => alertRelayConfig({ ALERT_RELAY_PORT: 'abc', ALERT_SMS_PHONES: '13800000000' })).toThrow(/ALERT_RELAY_PORT/);
  });
});
