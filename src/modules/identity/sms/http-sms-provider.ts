import type { SmsConfig } from '../../../platform/config/config.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { SmsMessage, SmsProvider } from './sms-provider.js';

type HttpSmsConfig = Extract<SmsConfig, { provider: 'http' }>;

/**
 * A real SMS gateway over HTTP: POST JSON `{phone, sign_name, template_id, template_params}` with a bearer key.
 * Aliyun, Tencent Cloud and Huawei gateways differ in their envelopes; a thin relay or a provider-specific
 * subclass maps this request onto them. Failures surface as 503 SMS_UNAVAILABLE.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly kind = 'http' as const;

  constructor(
    private readonly config: HttpSmsConfig,
    private readonly timeoutMs = 5_000,
  ) {}

  async record(): Promise<void> {}

  async deliver(message: SmsMessage): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.apiKey}` },
        body: JSON.stringify({
          phone: message.phone,
          sign_name: this.config.signName,
          template_id: this.config.templateId,
          template_params: message.templateParams,
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new AppError('SMS_UNAVAILABLE');
    }
    if (!response.ok) throw new AppError('SMS_UNAVAILABLE', { gateway_status: response.status });
  }
}
