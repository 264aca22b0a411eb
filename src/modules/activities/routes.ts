import type { FastifyInstance } from 'fastify';
import { ok } from '../../platform/http/envelope.js';
import type { ActivityService } from './service.js';

const bearer = [{ bearer: [] }];
const idPattern = '^\\d{1,20}$';

export async function activityRoutes(app: FastifyInstance, activities: ActivityService): Promise<void> {
  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/activities',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['activities'],
        summary:
          'Create an activity from a template as the specification writes it ({"activity_type", "reward": [...], "rules": [{"condition": ...}]}); conditions in the SQL-like syntax or CEL are checked on save (422 ACTIVITY_RULE_INVALID with the rule index and column)',
        security: bearer,
        body: { type: 'object', required: ['activity_type'], maxProperties: 20 },
      },
    },
    async (request, reply) => {
      const prepared = await activities.prepare(request.body);
      return reply.transact(async (trx) => ok(await activities.create(trx, prepared, `user:${request.actor!.id}`)));
    },
  );

  app.get('/api/v1/activities', { config: { access: { roles: ['operator', 'auditor', 'risk_reviewer'] } }, schema: { tags: ['activities'], summary: 'Activities with their grant counts', security: bearer } }, async () =>
    ok({ activities: await activities.list() }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/activities/:id',
    { config: { access: { roles: ['operator', 'auditor', 'risk_reviewer'] } }, schema: { tags: ['activities'], summary: 'One activity', security: bearer } },
    async (request) => ok(await activities.get(request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: { status: 'active' | 'paused' | 'ended' } }>(
    '/api/v1/activities/:id/status',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['activities'],
        summary: 'Pause, resume or end an activity',
        security: bearer,
        params: { type: 'object', properties: { id: { type: 'string', pattern: idPattern } } },
        body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['active', 'paused', 'ended'] } } },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await activities.setStatus(trx, request.params.id, request.body.status))),
  );

  app.get('/api/v1/users/me/points', { config: { access: 'authenticated' }, schema: { tags: ['activities'], summary: 'My points balance and latest movements', security: bearer } }, async (request) => {
    const userId = request.actor!.id;
    return ok({ balance: await activities.points.balanceOf(userId), entries: await activities.points.entriesOf(userId) });
  });

  app.get('/api/v1/users/me/rewards', { config: { access: 'authenticated' }, schema: { tags: ['activities'], summary: 'Rewards activities gave me', security: bearer } }, async (request) =>
    ok({ rewards: await activities.myRewards(request.actor!.id) }),
  );

  app.post(
    '/api/v1/users/me/invite-code',
    { config: { access: 'authenticated' }, schema: { tags: ['activities'], summary: 'My invite code (made on first ask); invitees sign up with it as invite_code', security: bearer } },
    async (request, reply) => reply.transact(async (trx) => ok(await activities.inviteCode(trx, request.actor!.id))),
  );
}
