import { timingSafeEqual, createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { ConfigError } from '../platform/config/config-error.js';
import { smsConfig, type SmsConfig } from '../platform/config/config.js';
import { HttpSmsProvider } from '../modules/identity/sms/http-sms-provider.js';
import { alertLine, dingTalkMarkdown, MAX_BODY_BYTES, smsText, webhookSchema, type AlertmanagerWebhook } from './alertmanager-payload.js';
import { postDingTalk } from './dingtalk.js';

/**
 * `quanyi alert-relay`: the receiver Alertmanager's webhook_configs post to for the channels it has no notifier for.
 *
 *   POST /alertmanager/dingtalk  → one signed markdown message to the DingTalk robot (钉钉自定义机器人, 加签)
 *   POST /alertmanager/sms       → one SMS per alert to each on-call phone, through the platform's SMS port, and the
 *                                  alarm below
 *   GET  /alarm                  → the audible and visual alarm: a page for the operations room's screen that flashes
 *                                  and sounds while an SMS-channel alert fires (GET /alarm/state is its JSON)
 *   GET  /healthz, GET /metrics  → liveness and `alert_relay_notifications_total{channel, outcome}`
 *
 * A process of its own, not a route in the API: it must deliver exactly when the API is failing (the error-rate and
 * pool alerts are about the API), so it shares none of the API's pool, rate limits or fate, and needs no database
 * (SMS_PROVIDER=http; with the dev provider, messages are kept in memory and shown at GET /dev/sms).
 * Webhooks are checked: a bearer token (ALERT_RELAY_TOKEN), a bounded body, the payload's JSON schema. A failed
 * delivery answers 502, so Alertmanager retries it.
 */
export interface AlertRelayConfig {
  readonly host: string;
  readonly port: number;
  /** Alertmanager sends it as `Authorization: Bearer …` (http_config.authorization). Required in production. */
  readonly token: string | undefined;
  readonly dingTalk: { readonly url: string; readonly secret: string | undefined } | undefined;
  readonly smsPhones: readonly string[];
  readonly sms: SmsConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

export function alertRelayConfig(env: Env): AlertRelayConfig {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const host = env.ALERT_RELAY_HOST?.trim() || '127.0.0.1';
  const portText = env.ALERT_RELAY_PORT?.trim() || '9095';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new ConfigError('ALERT_RELAY_PORT', `must be a whole number between 0 and 65535, got "${portText}"`);
  const token = env.ALERT_RELAY_TOKEN?.trim() || undefined;
  if (!token && nodeEnv === 'production') throw new ConfigError('ALERT_RELAY_TOKEN', 'is required when NODE_ENV=production: anyone could raise alarms');
  if (token && token.length < 16) throw new ConfigError('ALERT_RELAY_TOKEN', 'must be at least 16 characters');
  const dingUrl = env.DINGTALK_WEBHOOK_URL?.trim();
  let dingTalk: AlertRelayConfig['dingTalk'];
  if (dingUrl) {
    let parsed: URL;
    try {
      parsed = new URL(dingUrl);
    } catch {
      throw new ConfigError('DINGTALK_WEBHOOK_URL', `must be a URL, got "${dingUrl}"`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('DINGTALK_WEBHOOK_URL', 'must be an http(s) URL');
    if (!parsed.searchParams.get('access_token')) throw new ConfigError('DINGTALK_WEBHOOK_URL', 'must carry the robot\'s access_token');
    const secret = env.DINGTALK_SECRET?.trim() || undefined;
    if (!secret && nodeEnv === 'production') throw new ConfigError('DINGTALK_SECRET', 'is required when NODE_ENV=production (the robot\'s 加签 secret, SEC…)');
    dingTalk = { url: dingUrl, secret };
  }
  const phones = (env.ALERT_SMS_PHONES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const phone of phones) if (!/^1\d{10}$/.test(phone)) throw new ConfigError('ALERT_SMS_PHONES', `must be comma-separated mainland mobile numbers, got "${phone}"`);
  if (!dingTalk && phones.length === 0) throw new ConfigError('DINGTALK_WEBHOOK_URL', 'or ALERT_SMS_PHONES must be set: the relay would have nowhere to send');
  return { host, port, token, dingTalk, smsPhones: phones, sms: smsConfig(env, nodeEnv) };
}

interface DevSms {
  readonly phone: string;
  readonly text: string;
  readonly at: string;
}

interface AlarmEntry {
  readonly alertname: string;
  readonly severity: string;
  readonly summary: string;
  readonly startsAt: string;
}

export interface AlertRelay {
  readonly app: FastifyInstance;
  /** Alerts the alarm shows, by fingerprint. */
  readonly alarm: ReadonlyMap<string, AlarmEntry>;
  readonly devSms: readonly DevSms[];
}

export async function buildAlertRelay(config: AlertRelayConfig, options: { logger?: boolean; now?: () => number } = {}): Promise<AlertRelay> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: MAX_BODY_BYTES });
  const registry = new Registry();
  const sent = new Counter({
    name: 'alert_relay_notifications_total',
    help: 'Notifications the relay handled, by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const alarm = new Map<string, AlarmEntry>();
  const devSms: DevSms[] = [];
  const httpSms = config.sms.provider === 'http' ? new HttpSmsProvider(config.sms) : undefined;
  const expectedToken = config.token ? createHash('sha256').update(`Bearer ${config.token}`).digest() : undefined;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/alertmanager/') || !expectedToken) return;
    const given = createHash('sha256').update(request.headers.authorization ?? '').digest();
    if (!timingSafeEqual(given, expectedToken)) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
  });

  const webhook = { schema: { body: webhookSchema } };

  app.post<{ Body: AlertmanagerWebhook }>('/alertmanager/dingtalk', webhook, async (request, reply) => {
    if (!config.dingTalk) return reply.code(503).send({ error: 'DINGTALK_NOT_CONFIGURED' });
    try {
      await postDingTalk(config.dingTalk.url, config.dingTalk.secret, dingTalkMarkdown(request.body), { now: options.now });
    } catch (error) {
      sent.inc({ channel: 'dingtalk', outcome: 'failed' });
      request.log.warn({ err: error }, 'DingTalk delivery failed');
      return reply.code(502).send({ error: 'DINGTALK_FAILED', message: (error as Error).message });
    }
    sent.inc({ channel: 'dingtalk', outcome: 'sent' });
    return { ok: true, sent: 1 };
  });

  app.post<{ Body: AlertmanagerWebhook }>('/alertmanager/sms', webhook, async (request, reply) => {
    for (const alert of request.body.alerts) {
      if (alert.status === 'firing') {
        alarm.set(alert.fingerprint, { alertname: alert.labels.alertname!, severity: alert.labels.severity ?? '', summary: alert.annotations?.summary ?? '', startsAt: alert.startsAt });
      } else alarm.delete(alert.fingerprint);
    }
    let failures = 0;
    let count = 0;
    for (const alert of request.body.alerts) {
      const text = smsText(alert);
      for (const phone of config.smsPhones) {
        try {
          if (httpSms) {
            await httpSms.deliver({ phone, text, templateParams: { alert: alert.labels.alertname!, status: alert.status, summary: alertLine(alert).slice(0, 60) } });
          } else {
            devSms.push({ phone, text, at: new Date().toISOString() });
            if (devSms.length > 1_000) devSms.shift();
          }
          count += 1;
        } catch (error) {
          failures += 1;
          request.log.warn({ err: error }, 'SMS delivery failed');
        }
      }
    }
    sent.inc({ channel: 'sms', outcome: 'sent' }, count);
    if (failures > 0) {
      sent.inc({ channel: 'sms', outcome: 'failed' }, failures);
      return reply.code(502).send({ error: 'SMS_FAILED', failed: failures, sent: count });
    }
    return { ok: true, sent: count };
  });

  app.get('/alarm/state', async () => ({ firing: [...alarm.values()] }));
  app.get('/alarm', async (_request, reply) => reply.type('text/html; charset=utf-8').send(ALARM_PAGE));
  if (config.sms.provider === 'dev') app.get('/dev/sms', async () => ({ messages: devSms }));
  app.get('/healthz', async () => ({ status: 'up' }));
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  await app.ready();
  return { app, alarm, devSms };
}

/** The alarm screen: red and a two-tone siren while anything fires (browsers need one click before they play sound). */
const ALARM_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>权益 告警</title>
<style>
  body { font: 20px system-ui, sans-serif; margin: 0; min-height: 100vh; background: #1b5e20; color: #fff; }
  body.alarm { animation: flash 1s steps(2) infinite; }
  @keyframes flash { from { background: #b71c1c; } to { background: #212121; } }
  main { padding: 2rem; } li { margin: .5rem 0; } button { font-size: 1rem; }
</style></head>
<body><main><h1 id="status">正常 · all clear</h1><ul id="alerts"></ul>
<button id="sound">启用声音 · enable sound</button></main>
<script>
  let audio, oscillator;
  document.getElementById('sound').onclick = () => { audio = new AudioContext(); };
  function siren(on) {
    if (!audio) return;
    if (on && !oscillator) {
      oscillator = audio.createOscillator(); oscillator.type = 'square'; oscillator.connect(audio.destination); oscillator.start();
      let high = false; oscillator.timer = setInterval(() => { high = !high; oscillator.frequency.value = high ? 960 : 640; }, 400);
    } else if (!on && oscillator) { clearInterval(oscillator.timer); oscillator.stop(); oscillator = undefined; }
  }
  async function poll() {
    try {
      const { firing } = await (await fetch('/alarm/state')).json();
      document.body.classList.toggle('alarm', firing.length > 0);
      document.getElementById('status').textContent = firing.length ? '告警 · ' + firing.length + ' firing' : '正常 · all clear';
      const list = document.getElementById('alerts'); list.replaceChildren();
      for (const a of firing) { const li = document.createElement('li'); li.textContent = a.alertname + ' — ' + a.summary + ' (' + a.startsAt + ')'; list.append(li); }
      siren(firing.length > 0);
    } catch { document.getElementById('status').textContent = '告警中继不可达 · relay unreachable'; document.body.classList.add('alarm'); }
  }
  poll(); setInterval(poll, 2000);
</script></body></html>`;

/** Runs the relay until SIGTERM/SIGINT. */
export async function runAlertRelay(env: Env): Promise<{ url: string; close: () => Promise<void> }> {
  const config = alertRelayConfig(env);
  const relay = await buildAlertRelay(config, { logger: true });
  await relay.app.listen({ host: config.host, port: config.port });
  const address = relay.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { url: `http://${config.host}:${port}`, close: () => relay.app.close() };
}
