import type { FastifyInstance } from 'fastify';

/** Who is calling, once authentication (identity module) has run. Null for anonymous calls. */
export interface Actor {
  readonly kind: 'user' | 'merchant' | 'system';
  readonly id: string;
  readonly roles: readonly string[];
  /** Merchants a merchant_staff user may act for, or the merchant itself for signed cashier calls. */
  readonly merchantIds?: readonly string[];
  /** The login session (refresh-token family) an access token belongs to. */
  readonly sessionId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function registerActor(app: FastifyInstance): void {
  app.decorateRequest('actor', null);
}
