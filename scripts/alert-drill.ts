/**
 * The alert drill (issue #20 §2; `npm run ops:alert-drill`): Prometheus and Alertmanager from Debian's packages, a
 * running Quanyi, the alert relay, and sandboxes of every receiver; each condition of the specification's table is
 * induced for real, and each alert is shown arriving at its receivers, then resolving.
 *
 * What runs, each on a free port of 127.0.0.1 with its own temporary directory:
 *   - Quanyi (`quanyi start`, role all) on the machine's PostgreSQL (a fresh schema), through a TCP proxy the drill
 *     controls, with a pool of 5 connections;
 *   - `quanyi alert-relay`, sending SMS through the platform's HTTP SMS port to an SMS-gateway sandbox and signed
 *     messages to a DingTalk-robot sandbox that checks the signature;
 *   - a WeCom sandbox (gettoken, message/send) for Alertmanager's wechat_configs and an SMTP sink for its email_configs;
 *   - `prometheus` with deploy/prometheus/rules/quanyi.rules.yml, and `prometheus-alertmanager` with
 *     deploy/alertmanager/alertmanager.yml, both rewritten for the drill only as follows.
 *
 * Shortened for the drill (the production files are not changed): scrape and evaluation every 1 s; in the rules every
 * "[5m]" window becomes "[15s]" and every "for: 5m" becomes "for: 5s"; Alertmanager's group_wait 1 s and
 * group_interval 2 s; the receivers' addresses, credentials and the relay token point at the sandboxes.
 *
 * The conditions, one at a time, over a steady light load (GET /api/v1/lottery/campaigns, which reads the database):
 *   errors    the proxy refuses the database: requests answer 503        → QuanyiApiErrorRateHigh → SMS + the alarm
 *   slow      the proxy delays every database reply by 400 ms              → QuanyiApiLatencyHigh   → WeCom + e-mail
 *   pool      replies delayed 60 ms and 12 concurrent clients on 5 connections → QuanyiDbPoolNearFull → DingTalk
 * Each condition is kept until its alert is delivered to every receiver of its route, then removed; the drill waits
 * for the resolved notification at every receiver before the next one.
 *
 * Environment: DRILL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), DRILL_PHASE_TIMEOUT_MS
 * (default 120000), DRILL_JSON (write the results there), DRILL_KEEP=1 (keep the temporary directory and logs).
 * Exit status: 0 when every alert fired, was delivered and resolved; 1 otherwise; 2 when the drill itself failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import { DingTalkRobotSandbox, SmsGatewaySandbox, SmtpSink, WeComSandbox } from '../test/support/alert-receivers.js';
import { freePort } from '../test/support/free-port.js';
import { spawnTs, waitReady, type Spawned } from '../test/support/spawn.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const env = process.env;
const DATABASE_URL = env.DRILL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PHASE_TIMEOUT_MS = Number(env.DRILL_PHASE_TIMEOUT_MS ?? 120_000);
const POOL_SIZE = 5;
const PHONE = '13800000000';
const started = Date.now();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = (at: number | undefined) => (at === undefined ? '—' : `${new Date(at).toISOString().slice(11, 19)} (+${((at - started) / 1000).toFixed(1)}s)`);
const say = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

/** A TCP proxy in front of PostgreSQL: passes, delays every server reply, or refuses (drops and rejects connections). */
class DatabaseProxy {
  private mode: { kind: 'pass' } | { kind: 'delay'; ms: number } | { kind: 'refuse' } = { kind: 'pass' };
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<DatabaseProxy> {
    const holder: { proxy?: DatabaseProxy } = {};
    const server = net.createServer((client) => holder.proxy!.pipe(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = (holder.proxy = new DatabaseProxy(server, (server.address() as net.AddressInfo).port));
    return proxy;
  }

  set(mode: DatabaseProxy['mode']): void {
    this.mode = mode;
    if (mode.kind === 'refuse') for (const socket of this.sockets) socket.destroy();
  }

  private pipe(client: net.Socket, target: { host: string; port: number }): void {
    if (this.mode.kind === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(client).add(upstream);
    let lastDue = 0;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      const delay = this.mode.kind === 'delay' ? this.mode.ms : 0;
      if (delay === 0 && lastDue <= Date.now()) {
        client.write(chunk);
        return;
      }
      // Replies keep their order: each is due no earlier than the one before it.
      lastDue = Math.max(lastDue, Date.now() + delay);
      setTimeout(() => client.writable && client.write(chunk), lastDue - Date.now());
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Steady load: `workers` loops of GET, each pausing `pauseMs` between requests. */
class Load {
  private running = true;
  readonly statuses = new Map<number, number>();
  private readonly loops: Promise<void>[] = [];
  constructor(base: string, workers: number, pauseMs: number) {
    for (let i = 0; i < workers; i++) this.loops.push(this.loop(`${base}/api/v1/lottery/campaigns`, pauseMs));
  }
  private async loop(url: string, pauseMs: number): Promise<void> {
    while (this.running) {
      const status = await fetch(url, { signal: AbortSignal.timeout(15_000) })
        .then(async (r) => (await r.arrayBuffer(), r.status))
        .catch(() => 0);
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      await sleep(pauseMs);
    }
  }
  async stop(): Promise<Record<string, number>> {
    this.running = false;
    await Promise.all(this.loops);
    return Object.fromEntries(this.statuses);
  }
}

function start(name: string, command: string, args: readonly string[], logDir: string): ChildProcess {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  child.on('exit', (code, signal) => {
    if (!stopping) say(`${name} exited (${code ?? signal}); its log: ${path.join(logDir, `${name}.log`)}`);
  });
  return child;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

let stopping = false;

/** The parts of deploy/'s configuration files the drill rewrites. */
interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { static_configs: { targets: string[] }[] }[];
}
interface AlertmanagerConfig {
  global: Record<string, string | boolean>;
  route: Record<string, unknown>;
  receivers: { webhook_configs?: { url: string; http_config: { authorization: { credentials_file: string } } }[] }[];
  templates: string[];
}

interface Row {
  alert: string;
  channel: string;
  receivers: string;
  induced?: number;
  fired?: number;
  delivered?: number;
  stopped?: number;
  resolved?: number;
  ok: boolean;
  note?: string;
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-alert-drill-'));
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(logs);
  const children: ChildProcess[] = [];
  const spawned: Spawned[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  const schema = `drill_${randomBytes(4).toString('hex')}`;
  const target = new URL(DATABASE_URL);
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  const rows: Row[] = [];
  try {
    await admin.connect().catch((error: Error) => {
      throw new Error(`PostgreSQL at ${DATABASE_URL} is not reachable (${error.message}); set DRILL_DATABASE_URL`);
    });

    // Receivers, relay, platform.
    const [robot, wecom, smtp, smsGateway] = await Promise.all([DingTalkRobotSandbox.start(), WeComSandbox.start(), SmtpSink.start(), SmsGatewaySandbox.start()]);
    closers.push(() => robot.close(), () => wecom.close(), () => smtp.close(), () => smsGateway.close());
    const proxy = await DatabaseProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    closers.push(() => proxy.close());
    const relayToken = randomBytes(24).toString('hex');
    const relayPort = await freePort();
    const relay = spawnTs('src/cli.ts', ['alert-relay'], {
      ALERT_RELAY_PORT: String(relayPort),
      ALERT_RELAY_TOKEN: relayToken,
      DINGTALK_WEBHOOK_URL: robot.webhookUrl,
      DINGTALK_SECRET: robot.secret,
      ALERT_SMS_PHONES: PHONE,
      ...smsGateway.env,
    });
    spawned.push(relay);
    const proxied = new URL(DATABASE_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const quanyi = spawnTs('src/cli.ts', ['start'], {
      PORT: '0',
      DATA_DIR: path.join(tmp, 'quanyi'),
      DATABASE_URL: proxied.toString(),
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      DEMO_DATA: 'off',
      RATE_LIMIT_GLOBAL_PER_SECOND: '1000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
      LOG_LEVEL: 'fatal',
    });
    spawned.push(quanyi);
    const relayUrl = await Promise.race([relay.url, sleep(60_000).then(() => Promise.reject(new Error(`the relay did not start: ${relay.stderr()}`)))]);
    const base = await Promise.race([quanyi.url, sleep(120_000).then(() => Promise.reject(new Error(`quanyi did not start: ${quanyi.stderr().slice(-2000)}`)))]);
    await waitReady(base, 60_000);
    say(`quanyi at ${base} (PostgreSQL schema ${schema} through the proxy on :${proxy.port}, pool ${POOL_SIZE}); relay at ${relayUrl}`);

    // Prometheus and Alertmanager, configured from deploy/ with the drill's shortenings.
    const [promPort, amPort] = [await freePort(), await freePort()];
    const rulesText = fs.readFileSync(path.join(ROOT, 'deploy/prometheus/rules/quanyi.rules.yml'), 'utf8').replaceAll('[5m]', '[15s]').replaceAll('for: 5m', 'for: 5s');
    fs.writeFileSync(path.join(tmp, 'quanyi.rules.yml'), rulesText);
    const promConfig = YAML.parse(fs.readFileSync(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as PrometheusConfig;
    promConfig.global = { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' };
    promConfig.rule_files = [path.join(tmp, 'quanyi.rules.yml')];
    promConfig.alerting.alertmanagers = [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }];
    promConfig.scrape_configs[0]!.static_configs = [{ targets: [new URL(base).host] }];
    fs.writeFileSync(path.join(tmp, 'prometheus.yml'), YAML.stringify(promConfig));

    const tokenFile = path.join(tmp, 'alert-relay-token');
    fs.writeFileSync(tokenFile, relayToken, { mode: 0o600 });
    const amConfig = YAML.parse(fs.readFileSync(path.join(ROOT, 'deploy/alertmanager/alertmanager.yml'), 'utf8')) as AlertmanagerConfig;
    Object.assign(amConfig.global, {
      smtp_smarthost: smtp.smarthost,
      smtp_require_tls: false,
      wechat_api_url: wecom.apiUrl,
      wechat_api_corp_id: wecom.corpId,
      wechat_api_secret: wecom.corpSecret,
    });
    delete amConfig.global.smtp_auth_username;
    delete amConfig.global.smtp_auth_password_file;
    Object.assign(amConfig.route, { group_wait: '1s', group_interval: '2s' });
    for (const receiver of amConfig.receivers) {
      for (const hook of receiver.webhook_configs ?? []) {
        hook.url = hook.url.replace('http://127.0.0.1:9095', relayUrl);
        hook.http_config.authorization.credentials_file = tokenFile;
      }
    }
    amConfig.templates = [path.join(ROOT, 'deploy/alertmanager/templates/*.tmpl')];
    fs.writeFileSync(path.join(tmp, 'alertmanager.yml'), YAML.stringify(amConfig));

    children.push(
      start('alertmanager', 'prometheus-alertmanager', [
        `--config.file=${path.join(tmp, 'alertmanager.yml')}`,
        `--storage.path=${path.join(tmp, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ], logs),
      start('prometheus', 'prometheus', [
        `--config.file=${path.join(tmp, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(tmp, 'prom-data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--rules.alert.resend-delay=1s',
      ], logs),
    );
    const promApi = `http://127.0.0.1:${promPort}/api/v1`;
    await waitFor('Alertmanager ready', 30_000, async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined));
    await waitFor('Prometheus scraping quanyi', 30_000, async () => {
      const r = (await (await fetch(`${promApi}/query?query=up{job="quanyi"}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return r.data.result[0]?.value[1] === '1' ? true : undefined;
    });
    say(`prometheus at :${promPort}, alertmanager at :${amPort}; rules: ${rulesText.match(/- alert:/g)?.length ?? 0} alerts`);

    // Prometheus' view of alert states, polled throughout.
    const firedAt = new Map<string, number>();
    const firing = new Set<string>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = (await fetch(`${promApi}/alerts`).then((x) => x.json()).catch(() => undefined)) as { data?: { alerts: { labels: Record<string, string>; state: string }[] } } | undefined;
        if (r?.data) {
          firing.clear();
          for (const a of r.data.alerts) {
            if (a.state !== 'firing') continue;
            firing.add(a.labels.alertname!);
            if (!firedAt.has(a.labels.alertname!)) firedAt.set(a.labels.alertname!, Date.now());
          }
        }
        await sleep(250);
      }
    })();

    const alarmState = async () => ((await (await fetch(`${relayUrl}/alarm/state`)).json()) as { firing: { alertname: string }[] }).firing.map((a) => a.alertname);
    type Check = { name: string; at: (status: '告警' | '恢复' | 'firing' | 'resolved') => number | undefined };
    const receiversOf: Record<string, Check[]> = {
      sms_alarm: [
        { name: 'SMS', at: (s) => smsGateway.messages.find((m) => m.phone === PHONE && m.params.status === (s === '告警' ? 'firing' : 'resolved') && lastAlert === m.params.alert && m.at >= phaseStart)?.at },
        { name: 'alarm', at: (s) => (s === '告警' ? alarmSeen : alarmCleared) },
      ],
      wecom_email: [
        { name: 'WeCom', at: (s) => wecom.messages.find((m) => m.text.includes(`[${s}] ${lastAlert}`) && m.at >= phaseStart)?.at },
        { name: 'e-mail', at: (s) => smtp.messages.find((m) => m.subject.includes(`[${s}] ${lastAlert}`) && m.at >= phaseStart)?.at },
      ],
      dingtalk: [{ name: 'DingTalk', at: (s) => robot.messages.find((m) => m.title.includes(`[${s}] ${lastAlert}`) && m.at >= phaseStart)?.at }],
    };
    let lastAlert = '';
    let phaseStart = 0;
    let alarmSeen: number | undefined;
    let alarmCleared: number | undefined;

    const background = new Load(base, 1, 100);
    await sleep(5_000);

    const phases: { alert: string; channel: string; induce: () => Load; what: string }[] = [
      { alert: 'QuanyiApiErrorRateHigh', channel: 'sms_alarm', what: 'database refused: 503s', induce: () => (proxy.set({ kind: 'refuse' }), new Load(base, 3, 50)) },
      { alert: 'QuanyiApiLatencyHigh', channel: 'wecom_email', what: 'database replies +400 ms', induce: () => (proxy.set({ kind: 'delay', ms: 400 }), new Load(base, 2, 20)) },
      { alert: 'QuanyiDbPoolNearFull', channel: 'dingtalk', what: `12 clients on ${POOL_SIZE} connections, replies +60 ms`, induce: () => (proxy.set({ kind: 'delay', ms: 60 }), new Load(base, 12, 0)) },
    ];
    for (const phase of phases) {
      const row: Row = { alert: phase.alert, channel: phase.channel, receivers: receiversOf[phase.channel]!.map((c) => c.name).join(' + '), ok: false };
      rows.push(row);
      lastAlert = phase.alert;
      alarmSeen = alarmCleared = undefined;
      phaseStart = row.induced = Date.now();
      say(`${phase.alert}: inducing (${phase.what})`);
      const load = phase.induce();
      const alarmWatch = setInterval(() => {
        void alarmState().then(
          (names) => {
            if (names.includes(phase.alert)) alarmSeen ??= Date.now();
            else if (alarmSeen) alarmCleared ??= Date.now();
          },
          () => undefined,
        );
      }, 250);
      try {
        const checks = receiversOf[phase.channel]!;
        row.delivered = await waitFor(`${phase.alert} delivered to ${row.receivers}`, PHASE_TIMEOUT_MS, () => {
          const times = checks.map((c) => c.at('告警'));
          return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
        });
        row.fired = firedAt.get(phase.alert);
        say(`${phase.alert}: fired ${clock(row.fired)}, delivered to ${row.receivers} ${clock(row.delivered)}; removing the condition`);
        proxy.set({ kind: 'pass' });
        row.stopped = Date.now();
        const statuses = await load.stop();
        row.note = `answers during the condition: ${JSON.stringify(statuses)}`;
        row.resolved = await waitFor(`${phase.alert} resolved at ${row.receivers}`, PHASE_TIMEOUT_MS, () => {
          const times = checks.map((c) => c.at('恢复'));
          return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
        });
        row.ok = true;
        say(`${phase.alert}: resolved notification at ${row.receivers} ${clock(row.resolved)}`);
      } catch (error) {
        row.note = `${(error as Error).message}; ${row.note ?? ''}`;
        say(`${phase.alert}: FAILED: ${(error as Error).message}`);
        proxy.set({ kind: 'pass' });
        await load.stop();
      } finally {
        clearInterval(alarmWatch);
      }
      // Let every alert of this phase (the pool phase may also slow requests) clear before the next one.
      await waitFor('no alert firing', PHASE_TIMEOUT_MS, () => (firing.size === 0 ? true : undefined)).catch(() => say(`still firing: ${[...firing].join(', ')}`));
    }
    await background.stop();
    polling = false;
    await poller;

    const others = [...firedAt.keys()].filter((name) => !phases.some((p) => p.alert === name));
    const table = [
      ['alert', 'receivers', 'induced at', 'fired at', 'delivered at', 'condition removed', 'resolved at'],
      ...rows.map((r) => [r.alert, r.receivers, clock(r.induced), clock(r.fired), clock(r.delivered), clock(r.stopped), clock(r.resolved)]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
    process.stdout.write('\n' + table.map((line, i) => `| ${line.map((cell, j) => cell.padEnd(widths[j]!)).join(' | ')} |${i === 0 ? `\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : ''}`).join('\n') + '\n\n');
    for (const r of rows) if (r.note) process.stdout.write(`${r.alert}: ${r.note}\n`);
    if (others.length > 0) process.stdout.write(`also fired during the drill: ${others.map((o) => `${o} at ${clock(firedAt.get(o))}`).join(', ')}\n`);
    process.stdout.write(`DingTalk signatures refused: ${robot.refused.length}; WeCom token requests: ${wecom.tokenRequests.length}; e-mails: ${smtp.messages.length}; SMS: ${smsGateway.messages.length}\n`);
    process.stdout.write(`drill took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (env.DRILL_JSON) fs.writeFileSync(env.DRILL_JSON, JSON.stringify({ rows, others, startedAt: started }, null, 2));
    const ok = rows.every((r) => r.ok) && robot.refused.length === 0;
    return ok ? 0 : 1;
  } finally {
    stopping = true;
    for (const s of spawned) s.child.kill('SIGTERM');
    for (const c of children) c.kill('SIGTERM');
    await Promise.all([...spawned.map((s) => Promise.race([s.exited, sleep(10_000)])), ...children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))))]);
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    if (env.DRILL_KEEP === '1') say(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`alert drill failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
