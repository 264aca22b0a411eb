import type { FastifyInstance } from 'fastify';
import { ok } from '../../../platform/http/envelope.js';
import type { BrowserBinding } from './browser-binding.js';
import type { OidcLogin } from './oidc-login.js';

/**
 * Third-party login. `start` answers the provider's authorization URL (the app sends the browser there); the
 * provider sends the browser back to the app's redirect URI, and the app posts `code` and `state` to `callback`
 * from the same browser (the flow cookie set by `start` must come with it). Started with a bearer token, the flow
 * links the external account to the signed-in user instead of logging in; the callback must then carry that
 * user's bearer token too.
 */
export async function oidcRoutes(app: FastifyInstance, login: OidcLogin, binding: BrowserBinding): Promise<void> {
  const provider = { type: 'object', required: ['provider'], properties: { provider: { type: 'string', enum: login.providerNames } } } as const;

  app.post<{ Params: { provider: string } }>(
    '/api/v1/auth/oidc/:provider/start',
    {
      // Each start is a new flow with its own cookie: a replayed answer would come without the cookie.
      config: { access: 'public', idempotency: 'off' },
      schema: { tags: ['auth'], summary: 'Start a third-party (OpenID Connect) login, or a link when signed in; sets the flow cookie', params: provider },
    },
    async (request, reply) => {
      const { cookie, ...started } = await login.start(request.params.provider, request.actor?.kind === 'user' ? request.actor.id : null);
      reply.header('set-cookie', cookie);
      return ok(started);
    },
  );

  app.post<{ Params: { provider: string }; Body: { code: string; state: string; iss?: string } }>(
    '/api/v1/auth/oidc/:provider/callback',
    {
      // The answer is tokens: the key is recorded, the answer is not, and a repeat is refused.
      config: { access: 'public', idempotency: 'no-store' },
      schema: {
        tags: ['auth'],
        summary: 'Finish a third-party login: answers tokens, or {linked} for a link flow',
        params: provider,
        body: {
          type: 'object',
          required: ['code', 'state'],
          additionalProperties: false,
          properties: { code: { type: 'string', maxLength: 2048 }, state: { type: 'string', maxLength: 200 }, iss: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (request, reply) => {
      reply.header('set-cookie', binding.clearingCookie());
      const signedIn = request.actor?.kind === 'user' ? request.actor.id : null;
      return ok(await login.callback(request.params.provider, request.body, binding.flowOf(request.headers.cookie), signedIn));
    },
  );
}
