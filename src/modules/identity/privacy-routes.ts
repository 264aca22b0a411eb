import type { FastifyInstance } from 'fastify';
import { envelopeSchema, ok } from '../../platform/http/envelope.js';
import { PRIVACY_NOTICE } from './privacy-notice.js';
import { CONSENT_PURPOSES, REAL_NAME_CONSENT, type PrivacyService, type RealNameInput } from './privacy-service.js';

const bearer = [{ bearer: [] }];
const me = { access: 'authenticated' } as const;

export async function privacyRoutes(app: FastifyInstance, privacy: PrivacyService): Promise<void> {
  app.get(
    '/api/v1/privacy/notice',
    { config: { access: 'public' }, schema: { tags: ['users'], summary: 'The privacy notice: what is kept about users, why, and what erasure leaves' } },
    async () => ok(PRIVACY_NOTICE),
  );

  app.post<{ Body: { purpose: string; version?: string } }>(
    '/api/v1/users/me/consents',
    {
      config: me,
      schema: {
        tags: ['users'],
        summary: 'Give separate consent (PIPL Art. 29), e.g. before real-name verification takes sensitive data',
        security: bearer,
        body: {
          type: 'object',
          required: ['purpose'],
          additionalProperties: false,
          properties: { purpose: { type: 'string', enum: [...CONSENT_PURPOSES] }, version: { type: 'string', maxLength: 20 } },
        },
      },
    },
    async (request) =>
      ok(await privacy.grantConsent(request.actor!.id, request.body.purpose, request.body.version ?? REAL_NAME_CONSENT.version, request.id)),
  );

  app.delete<{ Params: { purpose: string } }>(
    '/api/v1/users/me/consents/:purpose',
    {
      config: me,
      schema: {
        tags: ['users'],
        summary: 'Withdraw a consent',
        security: bearer,
        params: { type: 'object', properties: { purpose: { type: 'string', enum: [...CONSENT_PURPOSES] } }, required: ['purpose'] },
      },
    },
    async (request) => ok(await privacy.withdrawConsent(request.actor!.id, request.params.purpose)),
  );

  app.post<{ Body: RealNameInput }>(
    '/api/v1/users/me/real-name',
    {
      config: me,
      schema: {
        tags: ['users'],
        summary: 'Real-name verification: ID number checked locally, then bank card 4-factor verification (attempts capped per day)',
        security: bearer,
        body: {
          type: 'object',
          required: ['name', 'id_number', 'bank_card', 'bank_phone'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 60 },
            id_number: { type: 'string', minLength: 1, maxLength: 30 },
            bank_card: { type: 'string', minLength: 1, maxLength: 30 },
            bank_phone: { type: 'string', minLength: 1, maxLength: 20 },
          },
        },
        response: {
          200: envelopeSchema({
            type: 'object',
            properties: {
              real_name_status: { type: 'string' },
              name: { type: 'string' },
              id_number: { type: 'string' },
              bank_card: { type: 'string' },
              warnings: { type: 'array', items: { type: 'string' } },
            },
          }),
        },
      },
    },
    async (request) => ok(await privacy.verifyRealName(request.actor!.id, request.body, request.id)),
  );

  app.get(
    '/api/v1/users/me/export',
    {
      config: me,
      schema: { tags: ['users'], summary: 'Everything held about me, machine-readable (PIPL Art. 45)', security: bearer },
    },
    async (request) => ok(await privacy.export(request.actor!.id)),
  );

  app.delete(
    '/api/v1/users/me',
    {
      config: me,
      schema: {
        tags: ['users'],
        summary: 'Erase my personal data and end all my sessions (PIPL Art. 47); required records stay pseudonymous',
        security: bearer,
      },
    },
    async (request) => ok(await privacy.erase(request.actor!.id)),
  );
}
