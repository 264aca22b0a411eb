import type { FastifyInstance } from 'fastify';
import { ok } from '../../platform/http/envelope.js';
import type { AuditTrail } from './audit-trail.js';

/** Audit search for staff: by subject, by action, newest first. */
export async function auditTrailRoutes(app: FastifyInstance, trail: AuditTrail): Promise<void> {
  app.get<{ Querystring: { subject_kind?: string; subject_id?: string; action?: string; cursor?: string; limit?: number } }>(
    '/api/v1/audit/records',
    {
      config: { access: { roles: ['auditor', 'operator', 'risk_reviewer'] } },
      schema: {
        tags: ['audit'],
        summary: 'Audit records by subject and action, newest first (cursor pagination)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            subject_kind: { type: 'string', maxLength: 40 },
            subject_id: { type: 'string', maxLength: 100 },
            action: { type: 'string', maxLength: 100 },
            cursor: { type: 'string', pattern: '^\\d{1,20}$' },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      return ok(await trail.search({ subjectKind: q.subject_kind, subjectId: q.subject_id, action: q.action, before: q.cursor, limit: q.limit ?? 50 }));
    },
  );
}
