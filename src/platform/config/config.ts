import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.js';
import { SecretValue } from './secret-value.js';

/** web/dist in the package: this file is src/platform/config/config.ts. */
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export type Role = 'api' | 'worker' | 'scheduler' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'scheduler', 'all'];
export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly role: Role;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Unset means embedded PGlite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Schema the tables live in; lets several installs (or test files) share one PostgreSQL database. */
  readonly databaseSchema: string;
  readonly databasePoolSize: number;
  /** Unset means the in-process cache. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  /** Which peers may name the client in X-Forwarded-For (TRUST_PROXY); `request.ip` is the one client IP derived from it. */
  readonly trustProxy: TrustProxy;
  readonly rateLimit: {
    /** Requests per second for the whole process (the specification's QPS < 5000 ceiling). 0 disables. */
    readonly globalPerSecond: number;
    /** Requests per minute per client IP. 0 disables. */
    readonly perIpPerMinute: number;
    /** Requests per minute per authenticated user. 0 disables. */
    readonly perUserPerMinute: number;
  };
  readonly shutdownTimeoutMs: number;
  /** The lease of an in-flight idempotency key, renewed while its request runs: how long a crashed owner blocks a retry. */
  readonly idempotencyLeaseMs: number;
  /** How long a worker holds an outbox delivery; a worker that dies mid-delivery loses it after this. */
  readonly outboxLeaseMs: number;
  readonly sms: SmsConfig;
  /** Bank 4-factor verification endpoint; unset outside production: the built-in sandbox rules, in-process. */
  readonly realNameUrl: string | undefined;
  /** Real-name attempts that may reach the verifier per Asia/Shanghai day, per user and per ID number. */
  readonly realNameAttempts: { readonly perUserPerDay: number; readonly perIdNumberPerDay: number };
  /**
   * Failed POST /coupon/activate calls allowed per window (default an hour) per user, per device id and per IP;
   * beyond, 429 COUPON_ACTIVATION_ATTEMPTS_EXCEEDED before any code is looked up.
   */
  readonly couponActivationFailures: { readonly perUser: number; readonly perDevice: number; readonly perIp: number; readonly windowSeconds: number };
  /** The tax authority's verification API; unset outside production: the sandbox mounted at /sandbox/tax. */
  readonly taxAuthorityUrl: string | undefined;
  /**
   * The tax bureau CA certificates (DER) that must have issued the certificate signing a bureau-layout invoice XML
   * (TAX_BUREAU_CA_CERTS, a PEM file); unset: none in production, the sandbox's own CA elsewhere.
   */
  readonly taxBureauCaCertificates: readonly Uint8Array[] | undefined;
  /** The bank's payout (代付) API that pays cash prizes; unset outside production: the sandbox mounted at /sandbox/payouts. */
  readonly payoutUrl: string | undefined;
  /** Load the demo operator, merchant, templates and coupons on start (embedded development by default). */
  readonly demoData: boolean;
  /** OpenID Connect providers for third-party login (OIDC_PROVIDERS, a JSON array). */
  readonly oidcProviders: readonly OidcProviderConfig[];
  readonly transparencyLog: TransparencyLogConfig;
  /** Where the signing keys and the personal-data key ring live (KEY_PROVIDER); see docs/hsm.md. */
  readonly keyProvider: KeyProviderConfig;
  readonly lotteryBeacon: LotteryBeaconConfig;
  /** Per-deployment defaults of risk rules (RISK_RULE_DEFAULTS), checked against the rules by the risk module. */
  readonly riskRuleDefaults: Readonly<Record<string, RiskRuleDefault>>;
  /** The built web app (web/dist unless WEB_DIR says otherwise); served at /app, /merchant, /admin, /fairness. */
  readonly webDir: string;
  readonly invoiceUploads: InvoiceUploadConfig;
}

/**
 * TRUST_PROXY, the same in every environment. `none` (the default): the client is the TCP peer and X-Forwarded-For
 * is ignored. `hops`: the last `hops` entries of the chain (the peer, then X-Forwarded-For from the right) are
 * proxies, the next one is the client. `addresses`: peers in these addresses or CIDRs are proxies; the client is
 * the first address, walking from the peer leftwards through X-Forwarded-For, that is not one of them. A hop count
 * trusts whatever peer connects, so it suits only a server reachable through its proxies alone.
 */
export type TrustProxy =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: number }
  | { readonly kind: 'addresses'; readonly addresses: readonly string[] };

/** Invoice file uploads: the per-user quota, the header limits and the worker pool that reads the files. */
export interface InvoiceUploadConfig {
  /** Files per user per hour and per day (fixed windows from the first upload); `0` disables that ceiling. */
  readonly perHour: number;
  readonly perDay: number;
  /** Bytes per user per hour and per day. */
  readonly bytesPerHour: number;
  readonly bytesPerDay: number;
  /** width × height of an image, elements and depth of an XML file, pages of a PDF, refused above these. */
  readonly maxPixels: number;
  readonly maxXmlElements: number;
  readonly maxXmlDepth: number;
  readonly maxPdfPages: number;
  /** Threads reading files at once, files waiting for one, and each file's wall-time and heap limits. */
  readonly workers: number;
  readonly queue: number;
  readonly jobTimeoutMs: number;
  readonly jobMemoryMb: number;
  /**
   * OCR of images (PP-OCR, one process each, ~850 MB resident): processes at once (`0`: images are read by their
   * QR code alone), images waiting for one, and each image's wall-time and resident-memory limits.
   */
  readonly ocrWorkers: number;
  readonly ocrQueue: number;
  readonly ocrTimeoutMs: number;
  readonly ocrMemoryMb: number;
}

/**
 * Where weekly draws take their randomness: drand quicknet through a relay, or (the default here, where drand is
 * unreachable) a local commit-reveal hash chain whose anchor is logged in advance.
 */
export type LotteryBeaconConfig =
  | { readonly kind: 'local'; readonly periodSeconds: number }
  | { readonly kind: 'drand-quicknet'; readonly relayUrl: string };

/**
 * `software`: keys from the environment in production, from DATA_DIR/secrets.json elsewhere. `pkcs11`: the signing
 * keys live in a hardware security module and sign there; the personal-data keys are stored wrapped by an AES key
 * of the module (DATA_DIR/pii-keys.wrapped.json).
 */
export type KeyProviderConfig =
  | { readonly kind: 'software' }
  | {
      readonly kind: 'pkcs11';
      /** Path of the module's PKCS#11 library. */
      readonly module: string;
      /** The slot id (decimal, as the vendor's tools print it); `tokenLabel` may select instead. */
      readonly slot: string | undefined;
      readonly tokenLabel: string | undefined;
      /** The user PIN: printing the config prints `[redacted]`. */
      readonly pin: SecretValue;
    };

export interface TransparencyLogConfig {
  /** The checkpoint's first line and the signing key's name (C2SP tlog-checkpoint), e.g. `lottery.example.gov.cn/log`. */
  readonly origin: string;
  /**
   * The log's Ed25519 key as a signed-note private key (`PRIVATE+KEY+<origin>+<id>+<key>`). Required in
   * production; elsewhere it is generated into DATA_DIR on first start.
   */
  readonly signingKey: string | undefined;
}

export interface OidcProviderConfig {
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the provider sends the browser back; the web app posts the code and state on to the API. */
  readonly redirectUri: string;
}

/** `dev` keeps messages in a table shown at /api/v1/dev/sms; `http` posts to a real gateway. */
export type SmsConfig =
  | { readonly provider: 'dev' }
  | {
      readonly provider: 'http';
      readonly url: string;
      readonly apiKey: string;
      readonly signName: string;
      readonly templateId: string;
    };

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];

/**
 * Reads and validates the environment once, at start. Every problem is a ConfigError naming the variable,
 * so the process can print one line and exit 1 instead of failing later with a stack trace.
 */
export function loadConfig(env: Env, overrides: { role?: Role } = {}): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  const role = overrides.role ?? oneOf(env, 'QUANYI_ROLE', ROLES, 'all');
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = optionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  if (!databaseUrl && role !== 'all') {
    throw new ConfigError('DATABASE_URL', `is required for role "${role}": embedded PGlite serves a single process, use --role all`);
  }
  if (!databaseUrl && nodeEnv === 'production') {
    throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production');
  }
  if (!redisUrl && nodeEnv === 'production' && role !== 'all') {
    // Rate limits, quotas and risk counters live in the cache: per process they would multiply by the number of
    // processes behind the load balancer.
    throw new ConfigError('REDIS_URL', `is required for role "${role}" when NODE_ENV=production: limits and counters must be shared by every process`);
  }
  const demoData = demoDataOn(env, nodeEnv, Boolean(databaseUrl));
  const keyProvider = keyProviderConfig(env);
  return {
    nodeEnv,
    role,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR?.trim() || './.quanyi'),
    databaseUrl,
    databaseSchema: identifier(env, 'DATABASE_SCHEMA', 'public'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    redisUrl,
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'quanyi:',
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    trustProxy: trustProxyConfig(env),
    rateLimit: {
      globalPerSecond: integer(env, 'RATE_LIMIT_GLOBAL_PER_SECOND', 5000, 0, 10_000_000),
      perIpPerMinute: integer(env, 'RATE_LIMIT_PER_IP_PER_MINUTE', 6000, 0, 10_000_000),
      perUserPerMinute: integer(env, 'RATE_LIMIT_PER_USER_PER_MINUTE', 600, 0, 10_000_000),
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    idempotencyLeaseMs: integer(env, 'IDEMPOTENCY_IN_FLIGHT_LEASE_MS', 6_000, 500, 600_000),
    outboxLeaseMs: integer(env, 'OUTBOX_LEASE_MS', 30_000, 1_000, 3_600_000),
    sms: smsConfig(env, nodeEnv),
    oidcProviders: oidcProviders(env),
    realNameUrl: realNameUrl(env, nodeEnv),
    realNameAttempts: {
      perUserPerDay: integer(env, 'REAL_NAME_ATTEMPTS_PER_USER_PER_DAY', 5, 1, 1000),
      perIdNumberPerDay: integer(env, 'REAL_NAME_ATTEMPTS_PER_ID_NUMBER_PER_DAY', 5, 1, 1000),
    },
    couponActivationFailures: {
      perUser: integer(env, 'COUPON_ACTIVATION_FAILURES_PER_HOUR', 10, 1, 100_000),
      perDevice: integer(env, 'COUPON_ACTIVATION_FAILURES_PER_HOUR', 10, 1, 100_000),
      perIp: integer(env, 'COUPON_ACTIVATION_FAILURES_PER_HOUR_PER_IP', 30, 1, 1_000_000),
      windowSeconds: integer(env, 'COUPON_ACTIVATION_FAILURE_WINDOW_SECONDS', 3600, 1, 86_400),
    },
    taxAuthorityUrl: taxAuthorityUrl(env, nodeEnv),
    taxBureauCaCertificates: taxBureauCaCertificates(env),
    payoutUrl: payoutUrl(env, nodeEnv),
    demoData,
    transparencyLog: transparencyLogConfig(env, nodeEnv, keyProvider.kind),
    keyProvider,
    lotteryBeacon: lotteryBeaconConfig(env),
    riskRuleDefaults: riskRuleDefaults(env),
    webDir: path.resolve(env.WEB_DIR?.trim() || DEFAULT_WEB_DIR),
    invoiceUploads: invoiceUploadConfig(env),
  };
}

const MIB = 1_048_576;

function invoiceUploadConfig(env: Env): InvoiceUploadConfig {
  return {
    perHour: integer(env, 'INVOICE_UPLOADS_PER_HOUR', 20, 0, 1_000_000),
    perDay: integer(env, 'INVOICE_UPLOADS_PER_DAY', 50, 0, 1_000_000),
    bytesPerHour: integer(env, 'INVOICE_UPLOAD_BYTES_PER_HOUR', 50 * MIB, 0, 1024 * 1024 * MIB),
    bytesPerDay: integer(env, 'INVOICE_UPLOAD_BYTES_PER_DAY', 200 * MIB, 0, 1024 * 1024 * MIB),
    maxPixels: integer(env, 'INVOICE_FILE_MAX_PIXELS', 25_000_000, 1, 40_000_000),
    maxXmlElements: integer(env, 'INVOICE_XML_MAX_ELEMENTS', 50_000, 1, 10_000_000),
    maxXmlDepth: integer(env, 'INVOICE_XML_MAX_DEPTH', 64, 1, 10_000),
    maxPdfPages: integer(env, 'INVOICE_PDF_MAX_PAGES', 50, 1, 100_000),
    workers: integer(env, 'FILE_WORKERS', 1, 1, 64),
    queue: integer(env, 'FILE_WORKER_QUEUE', 8, 0, 10_000),
    jobTimeoutMs: integer(env, 'FILE_JOB_TIMEOUT_MS', 20_000, 100, 600_000),
    jobMemoryMb: integer(env, 'FILE_JOB_MEMORY_MB', 256, 32, 16_384),
    ocrWorkers: integer(env, 'INVOICE_OCR_WORKERS', 1, 0, 64),
    ocrQueue: integer(env, 'INVOICE_OCR_QUEUE', 8, 0, 10_000),
    ocrTimeoutMs: integer(env, 'INVOICE_OCR_TIMEOUT_MS', 15_000, 100, 600_000),
    ocrMemoryMb: integer(env, 'INVOICE_OCR_MEMORY_MB', 1536, 256, 65_536),
  };
}

/** Named ranges proxy-addr (Fastify's trustProxy) understands, besides addresses and CIDRs. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const MAX_HOPS = 32;

function trustProxyConfig(env: Env): TrustProxy {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === 'none') return { kind: 'none' };
  const expected = `must be "none", a hop count (1 to ${MAX_HOPS}) or a comma-separated list of IP addresses and CIDRs`;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > MAX_HOPS) throw new ConfigError('TRUST_PROXY', `${expected}, got ${raw} (use "none" to trust no proxy)`);
    return { kind: 'hops', hops };
  }
  const addresses = raw.split(',').map((entry) => entry.trim());
  for (const entry of addresses) {
    if (entry === '') throw new ConfigError('TRUST_PROXY', `${expected}: an entry is empty in "${raw}"`);
    if (NAMED_RANGES.includes(entry)) continue;
    // What is an address is node:net's isIP: dotted quads only (not the inet_aton spellings `10.1` or `0x0a000001`
    // that ipaddr.js also reads), and no zone. The prefix is checked and read by ipaddr.js, the parser proxy-addr
    // applies to these entries.
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const version = isIP(address);
    if (version === 0 || address.includes('%')) throw new ConfigError('TRUST_PROXY', `${expected}: "${entry}" is not an IP address or CIDR`);
    if (slash === -1) continue;
    // ipaddr.js reads the prefix with parseInt, so plain digits are required first (no `/08`, no netmask `/255.0.0.0`).
    const bits = version === 4 ? 32 : 128;
    if (!/^(0|[1-9]\d{0,2})$/.test(entry.slice(slash + 1)) || !ipaddr.isValidCIDR(entry)) {
      throw new ConfigError('TRUST_PROXY', `${expected}: "${entry}" needs a prefix length from 1 to ${bits}`);
    }
    // Trusting every address would let any client name itself, which is what `none` exists to prevent.
    if (ipaddr.parseCIDR(entry)[1] === 0) throw new ConfigError('TRUST_PROXY', `${expected}: "${entry}" trusts every address, so any client could claim any IP`);
  }
  return { kind: 'addresses', addresses };
}

export function smsConfig(env: Env, nodeEnv: NodeEnv): SmsConfig {
  const provider = oneOf(env, 'SMS_PROVIDER', ['dev', 'http'] as const, nodeEnv === 'production' ? 'http' : 'dev');
  if (provider === 'dev') {
    if (nodeEnv === 'production') throw new ConfigError('SMS_PROVIDER', 'must not be "dev" when NODE_ENV=production: codes would never reach users');
    return { provider };
  }
  const url = optionalUrl(env, 'SMS_HTTP_URL', ['http:', 'https:']);
  if (!url) throw new ConfigError('SMS_HTTP_URL', 'is required when SMS_PROVIDER=http');
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(name, 'is required when SMS_PROVIDER=http');
    return value;
  };
  return {
    provider,
    url,
    apiKey: required('SMS_HTTP_API_KEY'),
    signName: required('SMS_SIGN_NAME'),
    templateId: required('SMS_TEMPLATE_ID'),
  };
}

function lotteryBeaconConfig(env: Env): LotteryBeaconConfig {
  const kind = oneOf(env, 'LOTTERY_BEACON', ['local', 'drand-quicknet'] as const, 'local');
  if (kind === 'local') return { kind, periodSeconds: integer(env, 'LOCAL_BEACON_PERIOD_SECONDS', 60, 1, 3600) };
  return { kind, relayUrl: optionalUrl(env, 'DRAND_RELAY_URL', ['http:', 'https:']) ?? 'https://api.drand.sh' };
}

function keyProviderConfig(env: Env): KeyProviderConfig {
  const kind = oneOf(env, 'KEY_PROVIDER', ['software', 'pkcs11'] as const, 'software');
  if (kind === 'software') return { kind };
  const module = env.PKCS11_MODULE?.trim();
  if (!module) throw new ConfigError('PKCS11_MODULE', 'is required when KEY_PROVIDER=pkcs11 (the path of the HSM\'s PKCS#11 library)');
  const slot = env.PKCS11_SLOT?.trim() || undefined;
  if (slot !== undefined && !/^\d+$/.test(slot)) throw new ConfigError('PKCS11_SLOT', `must be a slot id (a whole number), got "${slot}"`);
  const tokenLabel = env.PKCS11_TOKEN_LABEL?.trim() || undefined;
  if (slot === undefined && tokenLabel === undefined) throw new ConfigError('PKCS11_TOKEN_LABEL', 'or PKCS11_SLOT is required when KEY_PROVIDER=pkcs11');
  // Not trimmed: a PIN may legitimately contain spaces. Never echoed back in a message.
  const pin = env.PKCS11_PIN;
  if (!pin) throw new ConfigError('PKCS11_PIN', 'is required when KEY_PROVIDER=pkcs11 (the user PIN of the token)');
  return { kind, module: path.resolve(module), slot, tokenLabel, pin: new SecretValue(pin) };
}

function transparencyLogConfig(env: Env, nodeEnv: NodeEnv, keyProvider: KeyProviderConfig['kind']): TransparencyLogConfig {
  const origin = env.TLOG_ORIGIN?.trim() || 'quanyi.localhost/transparency-log';
  // A note key name may hold no spaces or '+' (C2SP signed-note); the origin is that name.
  if (/[\s+]/.test(origin)) throw new ConfigError('TLOG_ORIGIN', 'must contain no spaces and no "+"');
  const signingKey = env.QUANYI_TLOG_SIGNING_KEY?.trim() || undefined;
  if (signingKey && keyProvider === 'pkcs11') throw new ConfigError('QUANYI_TLOG_SIGNING_KEY', 'must not be set when KEY_PROVIDER=pkcs11: the log signs with its key in the HSM');
  if (!signingKey && nodeEnv === 'production' && keyProvider === 'software') throw new ConfigError('QUANYI_TLOG_SIGNING_KEY', 'is required when NODE_ENV=production');
  if (signingKey && !signingKey.startsWith(`PRIVATE+KEY+${origin}+`)) {
    throw new ConfigError('QUANYI_TLOG_SIGNING_KEY', `must be a signed-note private key named after TLOG_ORIGIN (PRIVATE+KEY+${origin}+…)`);
  }
  return { origin, signingKey };
}

function demoDataOn(env: Env, nodeEnv: NodeEnv, external: boolean): boolean {
  const value = oneOf(env, 'DEMO_DATA', ['on', 'off'] as const, nodeEnv === 'development' && !external ? 'on' : 'off');
  if (value === 'on' && nodeEnv === 'production') throw new ConfigError('DEMO_DATA', 'must not be "on" when NODE_ENV=production');
  return value === 'on';
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number between ${min} and ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${raw}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function optionalUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function identifier(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(name, `must be a lowercase SQL identifier (letters, digits, _), got "${raw}"`);
  }
  return raw;
}

/** Host and port of a connection URL without its credentials, for messages and logs. */
export function describeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

export interface RiskRuleDefault {
  readonly enabled?: boolean;
  readonly params?: Readonly<Record<string, number>>;
}

/** RISK_RULE_DEFAULTS: `{"COUPON_FARMING": {"params": {"max_claims": 20}}, "CASH_OUT": {"enabled": false}}`. */
function riskRuleDefaults(env: Env): Record<string, RiskRuleDefault> {
  const raw = env.RISK_RULE_DEFAULTS?.trim();
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('RISK_RULE_DEFAULTS', 'must be a JSON object of {"RULE_CODE": {"enabled"?: boolean, "params"?: {name: integer}}}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('RISK_RULE_DEFAULTS', 'must be a JSON object keyed by rule code');
  const result: Record<string, RiskRuleDefault> = {};
  for (const [code, value] of Object.entries(parsed as Record<string, unknown>)) {
    const entry = value as { enabled?: unknown; params?: unknown } | null;
    if (!entry || typeof entry !== 'object') throw new ConfigError('RISK_RULE_DEFAULTS', `${code} must be an object`);
    if (entry.enabled !== undefined && typeof entry.enabled !== 'boolean') throw new ConfigError('RISK_RULE_DEFAULTS', `${code}.enabled must be true or false`);
    const params = entry.params ?? {};
    if (typeof params !== 'object' || Array.isArray(params) || Object.values(params as object).some((v) => !Number.isInteger(v))) {
      throw new ConfigError('RISK_RULE_DEFAULTS', `${code}.params must map names to whole numbers`);
    }
    result[code] = { enabled: entry.enabled as boolean | undefined, params: params as Record<string, number> };
  }
  return result;
}

function oidcProviders(env: Env): OidcProviderConfig[] {
  const raw = env.OIDC_PROVIDERS?.trim();
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON array of {name, issuer, client_id, client_secret, redirect_uri}');
  }
  if (!Array.isArray(parsed)) throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON array');
  return parsed.map((entry: Record<string, unknown>, i) => {
    const field = (key: string): string => {
      const value = entry?.[key];
      if (typeof value !== 'string' || value.trim() === '') throw new ConfigError('OIDC_PROVIDERS', `entry ${i} needs a string "${key}"`);
      return value.trim();
    };
    const name = field('name');
    if (!/^[a-z0-9_-]{1,32}$/.test(name)) throw new ConfigError('OIDC_PROVIDERS', `entry ${i}: name must be lowercase letters, digits, _ or -`);
    for (const key of ['issuer', 'redirect_uri']) {
      if (!URL.canParse(field(key))) throw new ConfigError('OIDC_PROVIDERS', `entry ${i}: ${key} is not a URL`);
    }
    return { name, issuer: field('issuer'), clientId: field('client_id'), clientSecret: field('client_secret'), redirectUri: field('redirect_uri') };
  });
}

function taxAuthorityUrl(env: Env, nodeEnv: NodeEnv): string | undefined {
  const url = optionalUrl(env, 'TAX_AUTHORITY_URL', ['http:', 'https:']);
  if (!url && nodeEnv === 'production') {
    throw new ConfigError('TAX_AUTHORITY_URL', 'is required when NODE_ENV=production: the sandbox must not vouch for real invoices');
  }
  return url?.replace(/\/+$/, '');
}

/** Every CERTIFICATE block of the PEM file TAX_BUREAU_CA_CERTS names, as DER (at least one). */
function taxBureauCaCertificates(env: Env): Uint8Array[] | undefined {
  const file = env.TAX_BUREAU_CA_CERTS?.trim();
  if (!file) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('TAX_BUREAU_CA_CERTS', `cannot read ${JSON.stringify(file)}`);
  }
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
  if (blocks.length === 0 || blocks.some((b) => !/^[A-Za-z0-9+/]+={0,2}$/.test(b))) {
    throw new ConfigError('TAX_BUREAU_CA_CERTS', 'must name a PEM file of one or more CERTIFICATE blocks');
  }
  return blocks.map((b) => new Uint8Array(Buffer.from(b, 'base64')));
}

function payoutUrl(env: Env, nodeEnv: NodeEnv): string | undefined {
  const url = optionalUrl(env, 'PAYOUT_URL', ['http:', 'https:']);
  if (!url && nodeEnv === 'production') {
    throw new ConfigError('PAYOUT_URL', 'is required when NODE_ENV=production: the sandbox bank must not stand in for real payouts');
  }
  return url?.replace(/\/+$/, '');
}

function realNameUrl(env: Env, nodeEnv: NodeEnv): string | undefined {
  const url = optionalUrl(env, 'REAL_NAME_URL', ['http:', 'https:']);
  if (!url && nodeEnv === 'production') {
    throw new ConfigError('REAL_NAME_URL', 'is required when NODE_ENV=production: the sandbox must not verify real people');
  }
  return url;
}
