import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robots (自定义机器人) with the 加签 security setting. DingTalk's documented algorithm:
 * string to sign = `${timestamp}\n${secret}` (timestamp in milliseconds, within an hour of DingTalk's clock),
 * HMAC-SHA256 keyed with the secret (the `SEC…` string), Base64, then URL-encoded; `timestamp` and `sign` are
 * added to the webhook URL's query next to `access_token`.
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  const digest = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

/** The webhook URL with `timestamp` and `sign` appended (the `sign` value is already URL-encoded, as DingTalk requires). */
export function signedDingTalkUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const separator = webhookUrl.includes('?') ? '&' : '?';
  return `${webhookUrl}${separator}timestamp=${timestampMs}&sign=${dingTalkSign(secret, timestampMs)}`;
}

/** DingTalk's limit on how far the signing timestamp may be from its clock. */
export const DINGTALK_TIMESTAMP_WINDOW_MS = 60 * 60 * 1000;

export interface DingTalkMarkdown {
  readonly title: string;
  readonly text: string;
}

export class DingTalkError extends Error {
  constructor(
    message: string,
    readonly errcode?: number,
  ) {
    super(message);
    this.name = 'DingTalkError';
  }
}

/**
 * Posts a markdown message to a robot. DingTalk answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}` on success
 * and a non-zero errcode otherwise (310000: the signature or timestamp is wrong; 130101: too many messages).
 */
export async function postDingTalk(
  webhookUrl: string,
  secret: string | undefined,
  message: DingTalkMarkdown,
  options: { now?: () => number; timeoutMs?: number } = {},
): Promise<void> {
  const url = secret ? signedDingTalkUrl(webhookUrl, secret, (options.now ?? Date.now)()) : webhookUrl;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title, text: message.text } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (error) {
    throw new DingTalkError(`DingTalk unreachable: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as { errcode?: number; errmsg?: string } | undefined;
  if (!response.ok) throw new DingTalkError(`DingTalk answered HTTP ${response.status}`);
  if (body?.errcode !== 0) throw new DingTalkError(`DingTalk refused the message: ${body?.errcode ?? '?'} ${body?.errmsg ?? ''}`.trim(), body?.errcode);
}
