import { pino, type DestinationStream, type Logger } from 'pino';
import { maskPiiInText, PII_FIELD_MASKS } from '../privacy/mask.js';

export type { Logger } from 'pino';

const SECRET_HEADERS = ['authorization', 'cookie', 'x-api-key', 'x-signature'];

/**
 * JSON logs (pino). Personal data never reaches a log line: known PII fields are masked at any depth, phone and
 * ID numbers are masked inside URLs and messages, and credentials in headers are removed.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: SECRET_HEADERS.map((h) => `req.headers["${h}"]`), censor: '[redacted]' },
      formatters: { log: (object) => maskObject(object, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPiiInText(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
      serializers: {
        req: (req: { method?: string; url?: string; host?: string; ip?: string }) => ({
          method: req.method,
          url: typeof req.url === 'string' ? maskPiiInText(req.url) : undefined,
          host: req.host,
          remote_address: req.ip,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}

function maskObject(value: unknown, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskObject(item, depth + 1));
  // Only plain data is rewritten; class instances (requests, errors, dates) go to their serializers intact.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const mask = PII_FIELD_MASKS[key];
    if (mask && typeof field === 'string') out[key] = mask(field);
    else if (typeof field === 'string' && (key === 'url' || key === 'msg')) out[key] = maskPiiInText(field);
    else out[key] = maskObject(field, depth + 1);
  }
  return out;
}
