import type { FastifyInstance } from 'fastify';
import type { RoleName } from '../../platform/http/access.js';
import { ok } from '../../platform/http/envelope.js';
import type { Risk } from './index.js';

const bearer = [{ bearer: [] }];
const idPattern = '^\\d{1,20}$';
const READERS: RoleName[] = ['operator', 'risk_reviewer', 'auditor'];

export async function riskRoutes(app: FastifyInstance, risk: Risk): Promise<void> {
  const { config, blacklists, cases } = risk;

  app.get('/api/v1/risk/rules', { config: { access: { roles: READERS } }, schema: { tags: ['risk'], summary: 'Risk rules with their switch, parameters and version', security: bearer } }, async () =>
    ok({ rules: await config.list() }),
  );

  app.put<{ Params: { code: string }; Body: { enabled?: boolean; params?: Record<string, number>; note: string } }>(
    '/api/v1/risk/rules/:code',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['risk'],
        summary: "Change a rule's switch or parameters at runtime (a new version, audited; in force everywhere within seconds)",
        security: bearer,
        params: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z_]{1,60}$' } } },
        body: {
          type: 'object',
          required: ['note'],
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, params: { type: 'object', additionalProperties: { type: 'integer' } }, note: { type: 'string', minLength: 1, maxLength: 500 } },
        },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await config.change(trx, request.params.code, request.body, `user:${request.actor!.id}`, request.body.note, request.id))),
  );

  app.get<{ Params: { code: string } }>(
    '/api/v1/risk/rules/:code/history',
    { config: { access: { roles: READERS } }, schema: { tags: ['risk'], summary: "A rule's versions, newest first", security: bearer } },
    async (request) => ok({ versions: await config.history(request.params.code) }),
  );

  app.get<{ Querystring: { kind?: string; cursor?: string; limit?: number } }>(
    '/api/v1/risk/blacklist',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['risk'],
        summary: 'Blacklist entries, newest first',
        security: bearer,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['PHONE_HASH', 'DEVICE', 'IP', 'CIDR'] }, cursor: { type: 'string', pattern: idPattern }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
        },
      },
    },
    async (request) => ok(await blacklists.list(request.query.kind, request.query.cursor, request.query.limit ?? 100)),
  );

  app.post<{ Body: { kind: string; value: string; reason?: string } }>(
    '/api/v1/risk/blacklist',
    {
      config: { access: { roles: ['operator', 'risk_reviewer'] } },
      schema: {
        tags: ['risk'],
        summary: 'Add a phone blind index, device id, IP or CIDR to the blacklist',
        security: bearer,
        body: {
          type: 'object',
          required: ['kind', 'value'],
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['PHONE_HASH', 'DEVICE', 'IP', 'CIDR'] }, value: { type: 'string', minLength: 1, maxLength: 200 }, reason: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (request, reply) =>
      reply.transact(async (trx) => ok(await blacklists.add(trx, request.body.kind, request.body.value, request.body.reason ?? '', `user:${request.actor!.id}`, request.id))),
  );

  app.post<{ Body: { csv: string } }>(
    '/api/v1/risk/blacklist/import',
    {
      config: { access: { roles: ['operator', 'risk_reviewer'] } },
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        tags: ['risk'],
        summary: 'Import blacklist entries from CSV (header kind,value,reason); bad rows are reported by line, the rest added',
        security: bearer,
        body: { type: 'object', required: ['csv'], additionalProperties: false, properties: { csv: { type: 'string', maxLength: 10_000_000 } } },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await blacklists.importCsv(trx, request.body.csv, `user:${request.actor!.id}`, request.id))),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/risk/blacklist/:id',
    { config: { access: { roles: ['operator', 'risk_reviewer'] } }, schema: { tags: ['risk'], summary: 'Remove a blacklist entry', security: bearer } },
    async (request, reply) => reply.transact(async (trx) => ok(await blacklists.remove(trx, request.params.id, `user:${request.actor!.id}`, request.id))),
  );

  app.get<{ Querystring: { status?: 'OPEN' | 'APPROVED' | 'REJECTED'; cursor?: string; limit?: number } }>(
    '/api/v1/risk/cases',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['risk'],
        summary: 'The review queue: cases with their evidence, newest first',
        security: bearer,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: ['OPEN', 'APPROVED', 'REJECTED'] }, cursor: { type: 'string', pattern: idPattern }, limit: { type: 'integer', minimum: 1, maximum: 200 } },
        },
      },
    },
    async (request) => ok(await cases.list(request.query.status, request.query.cursor, request.query.limit ?? 50)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/risk/cases/:id',
    { config: { access: { roles: READERS } }, schema: { tags: ['risk'], summary: 'A case with its evidence and the decisions behind it', security: bearer } },
    async (request) => ok(await cases.get(request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: { decision: 'approve' | 'reject'; note: string; claw_back?: boolean } }>(
    '/api/v1/risk/cases/:id/decide',
    {
      config: { access: { roles: ['risk_reviewer'] } },
      schema: {
        tags: ['risk'],
        summary: 'Decide a case: approve lifts the freeze or the settlement hold; reject keeps it, or with claw_back revokes the free coupons it froze',
        security: bearer,
        body: {
          type: 'object',
          required: ['decision', 'note'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', enum: ['approve', 'reject'] },
            note: { type: 'string', minLength: 1, maxLength: 1000 },
            claw_back: { type: 'boolean', description: 'With reject: take back (REVOKED) the single-use coupons the case froze; gift cards stay frozen' },
          },
        },
      },
    },
    async (request) => ok(await cases.decide(request.params.id, request.body.decision, request.body.note, `user:${request.actor!.id}`, request.id, request.body.claw_back === true)),
  );
}
