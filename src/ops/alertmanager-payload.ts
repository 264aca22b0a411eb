/**
 * Alertmanager's webhook payload (version 4), as its webhook_configs send it, and the JSON schema the relay checks
 * it against. Bounded: at most MAX_ALERTS alerts (set `max_alerts` in the webhook config to match), short strings.
 */
export interface AlertmanagerAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string;
  readonly fingerprint: string;
}

export interface AlertmanagerWebhook {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts?: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly AlertmanagerAlert[];
}

export const MAX_ALERTS = 50;
/** The largest request body the relay reads. */
export const MAX_BODY_BYTES = 256 * 1024;

const stringMap = { type: 'object', maxProperties: 64, additionalProperties: { type: 'string', maxLength: 4096 } } as const;

export const webhookSchema = {
  type: 'object',
  required: ['version', 'status', 'receiver', 'alerts', 'groupKey'],
  properties: {
    version: { type: 'string', const: '4' },
    groupKey: { type: 'string', maxLength: 4096 },
    truncatedAlerts: { type: 'integer', minimum: 0 },
    status: { type: 'string', enum: ['firing', 'resolved'] },
    receiver: { type: 'string', maxLength: 256 },
    groupLabels: stringMap,
    commonLabels: stringMap,
    commonAnnotations: stringMap,
    externalURL: { type: 'string', maxLength: 2048 },
    alerts: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ALERTS,
      items: {
        type: 'object',
        required: ['status', 'labels', 'startsAt', 'fingerprint'],
        properties: {
          status: { type: 'string', enum: ['firing', 'resolved'] },
          labels: { ...stringMap, required: ['alertname'] },
          annotations: stringMap,
          startsAt: { type: 'string', maxLength: 64 },
          endsAt: { type: 'string', maxLength: 64 },
          generatorURL: { type: 'string', maxLength: 4096 },
          fingerprint: { type: 'string', maxLength: 64 },
        },
      },
    },
  },
} as const;

const STATUS_ZH = { firing: '告警', resolved: '恢复' } as const;

/** One line per alert: `[告警] QuanyiApiErrorRateHigh: API error rate 2% …`. */
export function alertLine(alert: AlertmanagerAlert): string {
  const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
  return `[${STATUS_ZH[alert.status]}] ${alert.labels.alertname}${summary ? `: ${summary}` : ''}`;
}

/** A DingTalk markdown message for one notification (DingTalk caps a message at 20,000 bytes; we stay far below). */
export function dingTalkMarkdown(payload: AlertmanagerWebhook): { title: string; text: string } {
  const firing = payload.alerts.filter((a) => a.status === 'firing').length;
  const title = `[${STATUS_ZH[payload.status]}] ${payload.commonLabels.alertname ?? payload.groupLabels.alertname ?? 'Quanyi'}${firing > 1 ? ` ×${firing}` : ''}`;
  const lines = [`### ${title}`, ''];
  for (const alert of payload.alerts) {
    lines.push(`- **${alert.labels.alertname}** (${alert.labels.severity ?? 'unknown'}) ${alert.status === 'firing' ? '自' : '于'} ${alert.status === 'firing' ? alert.startsAt : alert.endsAt}`);
    const summary = alert.annotations.summary;
    if (summary) lines.push(`  ${summary}`);
    const where = ['instance', 'breaker', 'source'].filter((k) => alert.labels[k]).map((k) => `${k}=${alert.labels[k]}`);
    if (where.length > 0) lines.push(`  ${where.join(' ')}`);
  }
  if (payload.truncatedAlerts) lines.push(`- …and ${payload.truncatedAlerts} more`);
  return { title, text: truncate(lines.join('\n'), 8_000) };
}

/** An SMS for one alert: short (a long SMS is split and billed per 70 characters). */
export function smsText(alert: AlertmanagerAlert): string {
  return truncate(`【权益告警】${alertLine(alert)}`, 140);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
