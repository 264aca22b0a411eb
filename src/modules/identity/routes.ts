import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import { envelopeSchema, ok } from '../../platform/http/envelope.js';
import type { IdentityService } from './service.js';
import { CODE_PURPOSES, type CodePurpose } from './sms/one-time-codes.js';
import type { TokenSigner } from './tokens/token-signer.js';
import { deviceIdOf } from '../../platform/http/device-id.js';
import type { RiskGate } from '../../platform/risk/risk-gate.js';

const phoneField = { type: 'string', minLength: 11, maxLength: 20, examples: ['13800001234'] } as const;

const tokenResponse = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', const: 'Bearer' },
    expires_in: { type: 'integer' },
    refresh_token: { type: 'string' },
    user_id: { type: 'string' },
  },
} as const;

export interface IdentityRouteDeps {
  readonly service: IdentityService;
  readonly signer: TokenSigner;
  readonly devSms: boolean;
  /** Risk control's gate (blacklists) before a code is sent and before a login. */
  readonly riskGate: () => RiskGate;
}

export async function identityRoutes(app: FastifyInstance, { service, signer, devSms, riskGate }: IdentityRouteDeps): Promise<void> {
  app.post<{ Body: { phone: string; purpose?: CodePurpose } }>(
    '/api/v1/auth/sms/send',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Send a 6-digit one-time code by SMS (same answer whether or not the phone has an account)',
        body: {
          type: 'object',
          required: ['phone'],
          additionalProperties: false,
          properties: { phone: phoneField, purpose: { type: 'string', enum: [...CODE_PURPOSES], default: 'login' } },
        },
        response: {
          200: envelopeSchema({ type: 'object', properties: { expires_in: { type: 'integer' }, resend_after: { type: 'integer' } } }),
        },
      },
    },
    async (request) => {
      await riskGate().check('sms.send', { phoneHash: service.phoneHash(request.body.phone), ip: request.ip, deviceId: deviceIdOf(request), requestId: request.id });
      return ok(await service.sendCode(request.body.phone, request.body.purpose ?? 'login', request.ip));
    },
  );

  app.post<{ Body: { phone: string; code: string; invite_code?: string } }>(
    '/api/v1/auth/sms/login',
    {
      // The answer is tokens: the key is recorded, the answer is not, and a repeat is refused.
      config: { access: 'public', idempotency: 'no-store' },
      schema: {
        tags: ['auth'],
        summary: 'Log in (or sign up) with the SMS code; answers an OAuth 2.0 token response',
        body: {
          type: 'object',
          required: ['phone', 'code'],
          additionalProperties: false,
          properties: { phone: phoneField, code: { type: 'string', pattern: '^\\d{6}$' }, invite_code: { type: 'string', pattern: '^[A-Za-z0-9]{4,32}$' } },
        },
        response: { 200: envelopeSchema(tokenResponse) },
      },
    },
    async (request) => {
      await riskGate().check('auth.login', { phoneHash: service.phoneHash(request.body.phone), ip: request.ip, deviceId: deviceIdOf(request), requestId: request.id });
      return ok(await service.loginWithSms(request.body.phone, request.body.code, { ip: request.ip, deviceId: deviceIdOf(request), inviteCode: request.body.invite_code, requestId: request.id }));
    },
  );

  app.post<{ Body: { grant_type: 'refresh_token'; refresh_token: string } }>(
    '/api/v1/auth/token',
    {
      // The refresh token is its own guard against repeats: every presentation runs, so presenting a
      // rotated-out token again trips reuse detection whatever Idempotency-Key comes with it.
      config: { access: 'public', idempotency: 'off' },
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token (rotates it; a reused token revokes the session)',
        body: {
          type: 'object',
          required: ['grant_type', 'refresh_token'],
          additionalProperties: false,
          properties: { grant_type: { type: 'string', const: 'refresh_token' }, refresh_token: { type: 'string', minLength: 20, maxLength: 200 } },
        },
        response: { 200: envelopeSchema(tokenResponse) },
      },
    },
    async (request) => ok(await service.sessions.refresh(request.body.refresh_token)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'End this login session: its access and refresh tokens stop working',
        security: [{ bearer: [] }],
        response: { 200: envelopeSchema({ type: 'object', properties: { logged_out: { type: 'boolean' } } }) },
      },
    },
    async (request) => {
      if (!request.actor?.sessionId) throw new AppError('UNAUTHORIZED');
      await service.sessions.close(request.actor.sessionId, 'logout');
      return ok({ logged_out: true });
    },
  );

  app.get(
    '/.well-known/jwks.json',
    { config: { rateLimitExempt: true }, schema: { tags: ['auth'], summary: 'Public keys that verify access tokens (JWKS)' } },
    async () => signer.jwks(),
  );

  app.get(
    '/api/v1/users/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['users'],
        summary: 'My account, with personal data masked',
        security: [{ bearer: [] }],
        response: {
          200: envelopeSchema({
            type: 'object',
            required: ['user_id', 'phone', 'real_name_status', 'roles', 'merchant_ids', 'created_at'],
            properties: {
              user_id: { type: 'string' },
              phone: { type: ['string', 'null'], description: 'Masked (138****1234)' },
              real_name_status: { type: 'string', enum: ['NONE', 'VERIFIED'] },
              roles: { type: 'array', items: { type: 'string' } },
              merchant_ids: { type: 'array', items: { type: 'string' } },
              created_at: { type: 'string', format: 'date-time' },
            },
          }),
        },
      },
    },
    async (request) => ok(await service.profile(request.actor!.id)),
  );

  if (devSms) {
    app.get<{ Querystring: { phone: string } }>(
      '/api/v1/dev/sms',
      {
        config: { access: 'public' },
        schema: {
          tags: ['dev'],
          summary: 'Development SMS outbox (only while SMS_PROVIDER=dev): messages sent to a phone, newest first',
          querystring: { type: 'object', required: ['phone'], properties: { phone: phoneField } },
        },
      },
      async (request) => ok({ messages: await service.devMessages(request.query.phone) }),
    );
  }
}
