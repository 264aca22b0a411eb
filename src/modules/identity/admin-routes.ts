import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import { ROLES } from '../../platform/http/access.js';
import { ok } from '../../platform/http/envelope.js';
import type { IdentityService } from './service.js';

const bearer = [{ bearer: [] }];

/** Staff views of accounts: operators, reviewers and auditors read (masked); only admins grant roles. */
export async function identityAdminRoutes(app: FastifyInstance, service: IdentityService): Promise<void> {
  app.get<{ Params: { user_id: string } }>(
    '/api/v1/admin/users/:user_id',
    {
      config: { access: { roles: ['operator', 'risk_reviewer', 'auditor'] } },
      schema: {
        tags: ['admin'],
        summary: 'An account as staff see it (personal data masked)',
        security: bearer,
        params: { type: 'object', required: ['user_id'], properties: { user_id: { type: 'string', pattern: '^\\d{1,20}$' } } },
      },
    },
    async (request) => ok(await service.profile(request.params.user_id).catch(notFound)),
  );

  app.post<{ Body: { phone: string; role: string; merchant_id?: string } }>(
    '/api/v1/admin/roles',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['admin'],
        summary: 'Grant a role to the account with this phone (created if new)',
        security: bearer,
        body: {
          type: 'object',
          required: ['phone', 'role'],
          additionalProperties: false,
          properties: {
            phone: { type: 'string', maxLength: 20 },
            role: { type: 'string', enum: ROLES.filter((r) => r !== 'consumer') },
            merchant_id: { type: 'string', minLength: 1, maxLength: 40 },
          },
        },
      },
    },
    async (request) => {
      const { phone, role, merchant_id } = request.body;
      if ((role === 'merchant_staff') !== Boolean(merchant_id)) {
        throw new AppError('VALIDATION_FAILED', { details: [{ field: 'body.merchant_id', rule: 'merchant_staff', message: 'merchant_staff needs merchant_id, other roles take none' }] });
      }
      const result = await service.grantRole(phone, role, merchant_id, `user:${request.actor!.id}`);
      return ok({ user_id: result.userId, phone: result.phone, role: result.role, added: result.added });
    },
  );
}

function notFound(error: unknown): never {
  if (error instanceof AppError && error.code === 'UNAUTHORIZED') throw new AppError('NOT_FOUND');
  throw error;
}
