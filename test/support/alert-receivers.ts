import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DINGTALK_TIMESTAMP_WINDOW_MS, dingTalkSign } from '../../src/ops/dingtalk.js';

/**
 * Sandboxes of the receivers alerts go to, each speaking the real protocol, for tests and the alert drill:
 * a DingTalk custom robot that checks the 加签 signature, WeCom's app-message API as Alertmanager's wechat_configs
 * call it (gettoken, then message/send), an SMTP sink for Alertmanager's email_configs, and an SMS gateway speaking
 * the platform's HttpSmsProvider protocol.
 */
export interface Received {
  readonly at: number;
  readonly text: string;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(request: http.IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A DingTalk robot: POST /robot/send?access_token=…&timestamp=…&sign=…, answered as DingTalk does (HTTP 200, errcode). */
export class DingTalkRobotSandbox {
  readonly messages: (Received & { readonly title: string })[] = [];
  readonly refused: { readonly at: number; readonly errcode: number; readonly errmsg: string }[] = [];
  readonly accessToken = randomBytes(16).toString('hex');
  readonly secret = `SEC${randomBytes(32).toString('hex')}`;
  private constructor(
    private readonly server: http.Server,
    readonly base: string,
  ) {}

  /** The robot's webhook URL, as DingTalk shows it in the robot's settings. */
  get webhookUrl(): string {
    return `${this.base}/robot/send?access_token=${this.accessToken}`;
  }

  static async start(): Promise<DingTalkRobotSandbox> {
    const holder: { sandbox?: DingTalkRobotSandbox } = {};
    const server = http.createServer((request, response) => void holder.sandbox!.handle(request, response));
    const sandbox = (holder.sandbox = new DingTalkRobotSandbox(server, await listen(server)));
    return sandbox;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.base);
    const body = await readBody(request).catch(() => undefined);
    const refuse = (errcode: number, errmsg: string) => {
      this.refused.push({ at: Date.now(), errcode, errmsg });
      json(response, 200, { errcode, errmsg });
    };
    if (request.method !== 'POST' || url.pathname !== '/robot/send') return json(response, 404, { errcode: 404, errmsg: 'not found' });
    if (url.searchParams.get('access_token') !== this.accessToken) return refuse(300001, 'token is not exist');
    const timestamp = Number(url.searchParams.get('timestamp'));
    if (!Number.isSafeInteger(timestamp) || Math.abs(Date.now() - timestamp) > DINGTALK_TIMESTAMP_WINDOW_MS) return refuse(310000, 'invalid timestamp');
    // The query's sign is URL-encoded once: compare it as sent with our encoding of the expected signature.
    const rawSign = /[?&]sign=([^&]*)/.exec(request.url ?? '')?.[1];
    if (rawSign !== dingTalkSign(this.secret, timestamp)) return refuse(310000, 'sign not match');
    let message: { msgtype?: string; markdown?: { title?: string; text?: string }; text?: { content?: string } };
    try {
      message = JSON.parse(body ?? '') as typeof message;
    } catch {
      return refuse(400, 'invalid json');
    }
    if (message.msgtype === 'markdown' && message.markdown?.title && message.markdown.text) {
      this.messages.push({ at: Date.now(), title: message.markdown.title, text: message.markdown.text });
    } else if (message.msgtype === 'text' && message.text?.content) {
      this.messages.push({ at: Date.now(), title: '', text: message.text.content });
    } else return refuse(40035, 'missing parameter');
    json(response, 200, { errcode: 0, errmsg: 'ok' });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** WeCom (企业微信) app messages: GET {api}/gettoken?corpid&corpsecret, POST {api}/message/send?access_token. */
export class WeComSandbox {
  readonly messages: (Received & { readonly touser?: string; readonly toparty?: string; readonly agentid?: string })[] = [];
  readonly tokenRequests: number[] = [];
  readonly corpId = `ww${randomBytes(8).toString('hex')}`;
  readonly corpSecret = randomBytes(16).toString('hex');
  private readonly tokens = new Set<string>();
  private constructor(
    private readonly server: http.Server,
    readonly base: string,
  ) {}

  /** What Alertmanager's `api_url` is set to (it appends `gettoken` and `message/send`). */
  get apiUrl(): string {
    return `${this.base}/cgi-bin/`;
  }

  static async start(): Promise<WeComSandbox> {
    const holder: { sandbox?: WeComSandbox } = {};
    const server = http.createServer((request, response) => void holder.sandbox!.handle(request, response));
    const sandbox = (holder.sandbox = new WeComSandbox(server, await listen(server)));
    return sandbox;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.base);
    const body = await readBody(request).catch(() => '');
    if (request.method === 'GET' && url.pathname === '/cgi-bin/gettoken') {
      this.tokenRequests.push(Date.now());
      if (url.searchParams.get('corpid') !== this.corpId) return json(response, 200, { errcode: 40013, errmsg: 'invalid corpid' });
      if (url.searchParams.get('corpsecret') !== this.corpSecret) return json(response, 200, { errcode: 40001, errmsg: 'invalid credential' });
      const token = randomBytes(24).toString('hex');
      this.tokens.add(token);
      return json(response, 200, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    if (request.method === 'POST' && url.pathname === '/cgi-bin/message/send') {
      if (!this.tokens.has(url.searchParams.get('access_token') ?? '')) return json(response, 200, { errcode: 40014, errmsg: 'invalid access_token' });
      let message: { msgtype?: string; agentid?: string; touser?: string; toparty?: string; text?: { content?: string }; markdown?: { content?: string } };
      try {
        message = JSON.parse(body) as typeof message;
      } catch {
        return json(response, 200, { errcode: 47001, errmsg: 'data format error' });
      }
      const content = message.msgtype === 'markdown' ? message.markdown?.content : message.text?.content;
      if (!content || !message.agentid) return json(response, 200, { errcode: 41011, errmsg: 'missing agentid or content' });
      if (!message.touser && !message.toparty) return json(response, 200, { errcode: 40031, errmsg: 'invalid user list' });
      this.messages.push({ at: Date.now(), text: content, touser: message.touser, toparty: message.toparty, agentid: message.agentid });
      return json(response, 200, { errcode: 0, errmsg: 'ok', invaliduser: '' });
    }
    json(response, 404, { errcode: 404, errmsg: 'not found' });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An SMTP server that accepts every message and keeps it (no TLS, no auth: a sink on 127.0.0.1). */
export class SmtpSink {
  readonly messages: (Received & { readonly from: string; readonly to: readonly string[]; readonly subject: string })[] = [];
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  get smarthost(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SmtpSink> {
    const holder: { sink?: SmtpSink } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: 1 << 20,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const subject = decodeMimeWords(/^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '');
          holder.sink!.messages.push({
            at: Date.now(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject,
            text: raw,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = (server as unknown as { server: http.Server }).server.address() as AddressInfo;
    const sink = (holder.sink = new SmtpSink(server, address.port));
    return sink;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** RFC 2047 encoded words (=?UTF-8?q?…?= and =?UTF-8?b?…?=), as Go's mail package writes non-ASCII subjects. */
function decodeMimeWords(text: string): string {
  return text.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, data: string) => {
    if (encoding.toLowerCase() === 'b') return Buffer.from(data, 'base64').toString('utf8');
    const bytes = data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

/** An SMS gateway as HttpSmsProvider calls it: POST JSON {phone, sign_name, template_id, template_params}, bearer key. */
export class SmsGatewaySandbox {
  readonly messages: (Received & { readonly phone: string; readonly params: Record<string, string> })[] = [];
  readonly apiKey = randomBytes(16).toString('hex');
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SmsGatewaySandbox> {
    const holder: { sandbox?: SmsGatewaySandbox } = {};
    const server = http.createServer((request, response) => void holder.sandbox!.handle(request, response));
    const base = await listen(server);
    const sandbox = (holder.sandbox = new SmsGatewaySandbox(server, `${base}/sms/send`));
    return sandbox;
  }

  /** The platform's SMS settings pointing at this gateway. */
  get env(): Record<string, string> {
    return { SMS_PROVIDER: 'http', SMS_HTTP_URL: this.url, SMS_HTTP_API_KEY: this.apiKey, SMS_SIGN_NAME: '权益', SMS_TEMPLATE_ID: 'SMS_ALERT' };
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request).catch(() => '');
    if (request.method !== 'POST' || request.url !== '/sms/send') return json(response, 404, { code: 'NOT_FOUND' });
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) return json(response, 401, { code: 'UNAUTHORIZED' });
    let message: { phone?: string; sign_name?: string; template_id?: string; template_params?: Record<string, string> };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return json(response, 400, { code: 'BAD_JSON' });
    }
    if (!message.phone || !message.template_id || !message.sign_name) return json(response, 400, { code: 'MISSING_FIELD' });
    const params = message.template_params ?? {};
    this.messages.push({ at: Date.now(), phone: message.phone, params, text: Object.values(params).join(' ') });
    json(response, 200, { code: 'OK' });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
