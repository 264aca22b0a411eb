import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pickLanguage } from '../../platform/errors/language.js';
import { ok } from '../../platform/http/envelope.js';
import type { Inbox } from './inbox.js';

const bearer = [{ bearer: [] }];
const tags = ['notifications'];

export async function notificationRoutes(app: FastifyInstance, inbox: Inbox): Promise<void> {
  app.get(
    '/api/v1/users/me/messages',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'My messages (站内信), newest first (at most 100), in the language of Accept-Language (zh-CN by default), with the unread count',
        security: bearer,
      },
    },
    async (request, reply) => {
      reply.header('vary', 'Accept-Language');
      return ok(await inbox.of(request.actor!.id, language(request)));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/users/me/messages/:id/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Mark one of my messages read (again is harmless: the first read time stays)',
        security: bearer,
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,20}$' } } },
      },
    },
    async (request, reply) => {
      reply.header('vary', 'Accept-Language');
      return ok(await inbox.markRead(request.actor!.id, request.params.id, language(request)));
    },
  );
}

function language(request: FastifyRequest) {
  return pickLanguage(request.headers['accept-language']);
}
