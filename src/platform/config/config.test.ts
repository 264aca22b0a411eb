import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { ConfigError } from './config-error.js';
import { describeUrl, loadConfig } from './config.js';

type Env = Record<string, string | undefined>;

/** Runs loadConfig and returns the ConfigError it throws (failing the test if it throws anything else or nothing). */
function configError(env: Env, overrides: Parameters<typeof loadConfig>[1] = {}): ConfigError {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  return expect.fail(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

const PG = 'postgres://quanyi:pw@127.0.0.1:5432/quanyi';

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.role).toBe('all');
    expect(config.nodeEnv).toBe('development');
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe(path.join(process.cwd(), '.quanyi'));
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.databaseSchema).toBe('public');
    expect(config.logLevel).toBe('info');
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ PORT: '  ', QUANYI_ROLE: '', DATABASE_URL: ' ', LOG_LEVEL: '' });
    expect(config.port).toBe(3000);
    expect(config.role).toBe('all');
    expect(config.databaseUrl).toBeUndefined();
  });

  it('is silent by default under NODE_ENV=test', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('reads explicit values', () => {
    const config = loadConfig({
      PORT: '8080',
      QUANYI_ROLE: 'worker',
      DATABASE_URL: PG,
      DATABASE_SCHEMA: 'tenant_a1',
      REDIS_URL: 'rediss://cache:6380/0',
      DATA_DIR: '/var/lib/quanyi',
      LOG_LEVEL: 'warn',
    });
    expect(config.port).toBe(8080);
    expect(config.role).toBe('worker');
    expect(config.databaseUrl).toBe(PG);
    expect(config.databaseSchema).toBe('tenant_a1');
    expect(config.redisUrl).toBe('rediss://cache:6380/0');
    expect(config.dataDir).toBe(path.resolve('/var/lib/quanyi'));
    expect(config.logLevel).toBe('warn');
  });

  it('loads demo data by default only in embedded development; never in production', () => {
    expect(loadConfig({}).demoData).toBe(true);
    expect(loadConfig({ DATABASE_URL: PG }).demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).demoData).toBe(false);
    expect(loadConfig({ DATABASE_URL: PG, DEMO_DATA: 'on' }).demoData).toBe(true);
    expect(loadConfig({ DEMO_DATA: 'off' }).demoData).toBe(false);
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, DEMO_DATA: 'on' }).variable).toBe('DEMO_DATA');
  });

  it('accepts the PORT bounds 0 and 65535', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('rejects a non-numeric PORT with an error naming PORT', () => {
    const error = configError({ PORT: 'abc' });
    expect(error.variable).toBe('PORT');
    expect(error.message.startsWith('PORT ')).toBe(true);
    expect(error.message).toContain('"abc"');
    expect(error.name).toBe('ConfigError');
  });

  it.each(['70000', '65536', '-1', '3000.5', '1e3'])('rejects PORT=%s', (port) => {
    expect(configError({ PORT: port }).variable).toBe('PORT');
  });

  it('rejects a DATABASE_URL that is not PostgreSQL', () => {
    const error = configError({ DATABASE_URL: 'mysql://x' });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message.startsWith('DATABASE_URL ')).toBe(true);
  });

  it('rejects a DATABASE_URL that is not a URL', () => {
    const error = configError({ DATABASE_URL: 'not a url' });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message.startsWith('DATABASE_URL ')).toBe(true);
  });

  it('accepts both postgres: and postgresql: URLs', () => {
    expect(loadConfig({ DATABASE_URL: PG }).databaseUrl).toBe(PG);
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/db' }).databaseUrl).toBe('postgresql://h/db');
  });

  it('rejects a REDIS_URL that is not Redis', () => {
    expect(configError({ REDIS_URL: 'http://cache:6379' }).variable).toBe('REDIS_URL');
  });

  it.each(['api', 'worker', 'scheduler'] as const)('requires DATABASE_URL for role %s', (role) => {
    expect(configError({ QUANYI_ROLE: role }).variable).toBe('DATABASE_URL');
    expect(configError({}, { role }).variable).toBe('DATABASE_URL');
    expect(loadConfig({ QUANYI_ROLE: role, DATABASE_URL: PG }).role).toBe(role);
  });

  it.each(['api', 'worker', 'scheduler'] as const)('requires REDIS_URL for role %s in production, not for role all', (role) => {
    const production = { NODE_ENV: 'production', DATABASE_URL: PG, QUANYI_ROLE: role };
    expect(configError(production).variable).toBe('REDIS_URL');
    // Production asks for more (an SMS gateway, keys …): only the REDIS_URL refusal is under test here.
    expect(configError({ ...production, REDIS_URL: 'redis://cache:6379' }).variable).not.toBe('REDIS_URL');
    expect(configError({ ...production, QUANYI_ROLE: 'all' }).variable).not.toBe('REDIS_URL');
  });

  it('lets the role override win over QUANYI_ROLE', () => {
    expect(loadConfig({ QUANYI_ROLE: 'worker' }, { role: 'all' }).role).toBe('all');
  });

  it('reads RISK_RULE_DEFAULTS as per-rule switches and whole-number parameters, naming the variable when malformed', () => {
    expect(loadConfig({ RISK_RULE_DEFAULTS: '{"COUPON_FARMING": {"params": {"max_claims": 20}}, "CASH_OUT": {"enabled": false}}' }).riskRuleDefaults).toEqual({
      COUPON_FARMING: { enabled: undefined, params: { max_claims: 20 } },
      CASH_OUT: { enabled: false, params: {} },
    });
    expect(loadConfig({}).riskRuleDefaults).toEqual({});
    for (const bad of ['not json', '[1]', '{"X": 1}', '{"X": {"enabled": "yes"}}', '{"X": {"params": {"a": 1.5}}}']) {
      expect(() => loadConfig({ RISK_RULE_DEFAULTS: bad }), bad).toThrow(/RISK_RULE_DEFAULTS/);
    }
  });

  it('trusts no proxy by default, in every environment: TRUST_PROXY unset, blank or "none"', () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({ TRUST_PROXY: '  ' }).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({ TRUST_PROXY: 'none' }).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxy).toEqual({ kind: 'none' });
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses and CIDRs (IPv4 and IPv6)', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ kind: 'hops', hops: 1 });
    expect(loadConfig({ TRUST_PROXY: ' 2 ' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '100.64.0.0/10, 10.1.2.3 ,fd00::/8,::1,2001:db8::1/128,loopback' }).trustProxy).toEqual({
      kind: 'addresses',
      addresses: ['100.64.0.0/10', '10.1.2.3', 'fd00::/8', '::1', '2001:db8::1/128', 'loopback'],
    });
  });

  it.each([
    '0',
    '33',
    'true',
    'all',
    '10.0.0.0/8,,10.1.0.0/16',
    '10.0.0.0/8,',
    '10.0.0.256',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/08',
    '10.0.0.0/255.0.0.0',
    '0.0.0.0/0',
    '::/0',
    'fd00::/129',
    'fe80::1%eth0',
    '[::1]',
    'proxy.internal',
    '1e1',
  ])('stops the start on TRUST_PROXY=%s, naming the variable', (value) => {
    const error = configError({ TRUST_PROXY: value });
    expect(error.variable).toBe('TRUST_PROXY');
    expect(error.message).toMatch(/^TRUST_PROXY must be "none", a hop count/);
  });

  it('caps failed coupon activations per user and device (10), per IP (30) per hour by default, and reads overrides', () => {
    expect(loadConfig({}).couponActivationFailures).toEqual({ perUser: 10, perDevice: 10, perIp: 30, windowSeconds: 3600 });
    const set = loadConfig({ COUPON_ACTIVATION_FAILURES_PER_HOUR: '5', COUPON_ACTIVATION_FAILURES_PER_HOUR_PER_IP: '50', COUPON_ACTIVATION_FAILURE_WINDOW_SECONDS: '60' });
    expect(set.couponActivationFailures).toEqual({ perUser: 5, perDevice: 5, perIp: 50, windowSeconds: 60 });
    expect(configError({ COUPON_ACTIVATION_FAILURES_PER_HOUR: '0' }).variable).toBe('COUPON_ACTIVATION_FAILURES_PER_HOUR');
  });

  it('rejects an unknown role', () => {
    expect(configError({ QUANYI_ROLE: 'cron' }).variable).toBe('QUANYI_ROLE');
  });

  it('reads the tax bureau CA certificates from the PEM file TAX_BUREAU_CA_CERTS', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quanyi-ca-'));
    const pem = path.join(dir, 'ca.pem');
    writeFileSync(pem, `-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBAUG\n-----END CERTIFICATE-----\n`);
    expect(loadConfig({ TAX_BUREAU_CA_CERTS: pem }).taxBureauCaCertificates?.map((der) => Buffer.from(der).toString('hex'))).toEqual(['010203', '040506']);
    expect(loadConfig({}).taxBureauCaCertificates).toBeUndefined();
    expect(configError({ TAX_BUREAU_CA_CERTS: path.join(dir, 'missing.pem') }).variable).toBe('TAX_BUREAU_CA_CERTS');
    writeFileSync(pem, 'no certificate here');
    expect(configError({ TAX_BUREAU_CA_CERTS: pem }).variable).toBe('TAX_BUREAU_CA_CERTS');
  });

  it('requires DATABASE_URL in production', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).toContain('production');
    const sms = {
      SMS_HTTP_URL: 'https://sms.example.cn/send',
      SMS_HTTP_API_KEY: 'k',
      SMS_SIGN_NAME: '权益',
      SMS_TEMPLATE_ID: 'SMS_1',
      REAL_NAME_URL: 'https://verify.example.cn/four-factor',
      TAX_AUTHORITY_URL: 'https://tax.example.cn/verify/',
      PAYOUT_URL: 'https://bank.example.cn/payout-api/',
      // Config checks only that the key is named after the origin; the audit module parses the key itself.
      QUANYI_TLOG_SIGNING_KEY: 'PRIVATE+KEY+quanyi.localhost/transparency-log+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms, REAL_NAME_URL: '' }).variable).toBe('REAL_NAME_URL');
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms, TAX_AUTHORITY_URL: '' }).variable).toBe('TAX_AUTHORITY_URL');
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms }).taxAuthorityUrl).toBe('https://tax.example.cn/verify');
    // Cash prizes go to a real bank in production: the sandbox bank never stands in for it.
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms, PAYOUT_URL: '' }).variable).toBe('PAYOUT_URL');
    expect(configError({ PAYOUT_URL: 'ftp://bank.example.cn' }).variable).toBe('PAYOUT_URL');
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms }).payoutUrl).toBe('https://bank.example.cn/payout-api');
    expect(loadConfig({}).payoutUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms }).nodeEnv).toBe('production');
    // The transparency log's key comes from the environment in production, and must be named after the origin.
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms, QUANYI_TLOG_SIGNING_KEY: '' }).variable).toBe('QUANYI_TLOG_SIGNING_KEY');
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, ...sms, TLOG_ORIGIN: 'lottery.example.gov.cn/log' }).variable).toBe('QUANYI_TLOG_SIGNING_KEY');
    expect(configError({ TLOG_ORIGIN: 'has space' }).variable).toBe('TLOG_ORIGIN');
  });

  it('uses the dev SMS outbox by default outside production and refuses it in production', () => {
    expect(loadConfig({}).sms).toEqual({ provider: 'dev' });
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG, SMS_PROVIDER: 'dev' }).variable).toBe('SMS_PROVIDER');
    expect(configError({ NODE_ENV: 'production', DATABASE_URL: PG }).variable).toBe('SMS_HTTP_URL');
    expect(configError({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.example.cn' }).variable).toBe('SMS_HTTP_API_KEY');
    expect(
      loadConfig({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.example.cn', SMS_HTTP_API_KEY: 'k', SMS_SIGN_NAME: '权益', SMS_TEMPLATE_ID: 'T1' }).sms,
    ).toEqual({ provider: 'http', url: 'https://sms.example.cn', apiKey: 'k', signName: '权益', templateId: 'T1' });
  });

  it('rejects an unknown NODE_ENV', () => {
    expect(configError({ NODE_ENV: 'staging' }).variable).toBe('NODE_ENV');
  });

  it('rejects an unknown LOG_LEVEL', () => {
    const error = configError({ LOG_LEVEL: 'loud' });
    expect(error.variable).toBe('LOG_LEVEL');
    expect(error.message.startsWith('LOG_LEVEL ')).toBe(true);
  });

  it.each(['Bad-Name', 'Public', '1schema', 'a b', 'x;drop', 'a'.repeat(64)])('rejects DATABASE_SCHEMA=%s', (schema) => {
    expect(configError({ DATABASE_SCHEMA: schema }).variable).toBe('DATABASE_SCHEMA');
  });

  it('accepts a 63-character lowercase schema name', () => {
    const schema = `_${'a'.repeat(62)}`;
    expect(loadConfig({ DATABASE_SCHEMA: schema }).databaseSchema).toBe(schema);
  });
});

describe('describeUrl', () => {
  it('strips the user name and password', () => {
    const described = describeUrl('postgres://u:secret@127.0.0.1:5432/test');
    expect(described).toBe('postgres://127.0.0.1:5432/test');
    expect(described).not.toContain('secret');
  });

  it('drops the query string, which may also carry credentials', () => {
    const described = describeUrl('postgres://db.internal/quanyi?password=secret');
    expect(described).toBe('postgres://db.internal/quanyi');
  });

  it('omits a bare root path', () => {
    expect(describeUrl('redis://:secret@cache:6379/')).toBe('redis://cache:6379');
  });

  it('does not echo an unparseable value', () => {
    expect(describeUrl('not a url with secret')).toBe('(unparseable URL)');
  });
});
