import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

/**
 * deploy/'s alerts hang together: every alert routes to a receiver by its channel, has promtool tests that see it
 * fire and not fire, and is explained in docs/operations.md. (promtool and amtool check the files themselves in CI.)
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (YAML.parse(read('deploy/prometheus/rules/quanyi.rules.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const tests = (YAML.parse(read('deploy/prometheus/tests/quanyi.rules.test.yml')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }).tests.flatMap(
  (t) => t.alert_rule_test ?? [],
);
const alertmanager = YAML.parse(read('deploy/alertmanager/alertmanager.yml')) as {
  route: { routes: { matchers: string[]; receiver: string }[] };
  receivers: { name: string }[];
};

describe('deploy/ alerts', () => {
  it('has the specification\'s three alerts and the platform\'s', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining(['QuanyiApiLatencyHigh', 'QuanyiApiErrorRateHigh', 'QuanyiDbPoolNearFull', 'QuanyiOutboxLagHigh', 'QuanyiOutboxDeadDeliveries', 'QuanyiCircuitOpen', 'QuanyiNoSchedulerLeader', 'QuanyiPrizePayoutPastDeadline', 'QuanyiTransparencyLogNotSigning']),
    );
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))('%s: a for clause, a severity, a routed channel, a summary', (_name, alert) => {
    expect(alert.for).toMatch(/^\d+[smh]$/);
    expect(['warning', 'critical']).toContain(alert.labels?.severity);
    const route = alertmanager.route.routes.find((r) => r.matchers.includes(`channel="${alert.labels?.channel}"`));
    expect(route, `no route for channel ${alert.labels?.channel}`).toBeDefined();
    expect(alertmanager.receivers.map((r) => r.name)).toContain(route!.receiver);
    expect(alert.annotations?.summary).toBeTruthy();
  });

  it('routes the specification\'s table as it says: WeCom + e-mail, SMS + alarm, DingTalk', () => {
    const channelOf = (name: string) => alerts.find((a) => a.alert === name)!.labels!.channel;
    expect(channelOf('QuanyiApiLatencyHigh')).toBe('wecom_email');
    expect(channelOf('QuanyiApiErrorRateHigh')).toBe('sms_alarm');
    expect(channelOf('QuanyiDbPoolNearFull')).toBe('dingtalk');
    const receivers = YAML.parse(read('deploy/alertmanager/alertmanager.yml')) as { receivers: Record<string, unknown[] | string>[] };
    const byName = Object.fromEntries(receivers.receivers.map((r) => [r.name, r]));
    expect(Object.keys(byName['wecom-email']!).sort()).toEqual(['email_configs', 'name', 'wechat_configs']);
    expect(JSON.stringify(byName['sms-alarm'])).toContain('/alertmanager/sms');
    expect(JSON.stringify(byName.dingtalk)).toContain('/alertmanager/dingtalk');
  });

  it.each(alerts.map((a) => [a.alert!] as const))('%s: promtool tests see it fire and not fire', (name) => {
    const mine = tests.filter((t) => t.alertname === name);
    expect(mine.some((t) => t.exp_alerts.length > 0), 'a firing case').toBe(true);
    expect(mine.some((t) => t.exp_alerts.length === 0), 'a not-firing case').toBe(true);
  });

  it.each(alerts.map((a) => [a.alert!] as const))('%s: docs/operations.md explains it', (name) => {
    expect(read('docs/operations.md')).toContain(`### ${name}\n`);
  });

  it('keeps the drill\'s shortening working: windows written as [5m] and for: 5m', () => {
    const text = read('deploy/prometheus/rules/quanyi.rules.yml');
    expect(text).not.toMatch(/\[(?!5m\])\d+[smh]\]/);
    for (const name of ['QuanyiApiLatencyHigh', 'QuanyiApiErrorRateHigh', 'QuanyiDbPoolNearFull']) expect(alerts.find((a) => a.alert === name)!.for).toBe('5m');
  });
});
