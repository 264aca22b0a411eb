import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { Actor } from './actor.js';

/** The six roles of the platform (docs/security.md). `admin` passes every role check; `consumer` is every signed-in user's base role. */
export const ROLES = ['consumer', 'merchant_staff', 'operator', 'risk_reviewer', 'auditor', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

/**
 * What a route needs: `public` (anyone), `authenticated` (any signed-in person), or a signed-in person with one
 * of some roles. A merchant's signed cashier call (an actor of kind `merchant`) is no person: it passes only
 * where the route also says `cashier: true`, so a till's key can never claim, activate or read as a consumer.
 * Every route under /api/ must declare it; the server refuses to start otherwise, so no route is open by mistake.
 */
export type Access = 'public' | 'authenticated' | { readonly roles: readonly RoleName[]; readonly cashier?: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every /api route with the access it declared: the table the role-matrix test walks. */
    readonly accessRules: AccessRule[];
  }
}

export interface AccessRule {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

/**
 * Turns a request's credentials into an actor: null when it carries none this authenticator understands.
 * Credentials that cover the body (signed cashier calls) return the actor together with a check that runs once
 * the body has been read; until it passes, the handler does not run.
 */
export type Authenticator = (request: FastifyRequest) => Promise<Actor | BodyBoundAuthentication | null>;

export interface BodyBoundAuthentication {
  readonly actor: Actor;
  verifyBody(request: FastifyRequest): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    pendingBodyCheck: ((request: FastifyRequest) => Promise<void>) | null;
  }
}

export function registerAccessControl(app: FastifyInstance, authenticators: readonly Authenticator[]): void {
  const rules: AccessRule[] = [];
  app.decorate('accessRules', rules);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') rules.push({ method, url: route.url, access });
  });

  app.decorateRequest('pendingBodyCheck', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) return; // ops routes and 404s
    let actor: Actor | null = null;
    for (const authenticate of authenticators) {
      let result: Actor | BodyBoundAuthentication | null;
      try {
        result = await authenticate(request);
      } catch (error) {
        // Bad credentials on a public route are ignored; anywhere else they are the answer.
        if (access === 'public') continue;
        throw error;
      }
      if (result && 'verifyBody' in result) {
        actor = result.actor;
        request.pendingBodyCheck = (r) => result.verifyBody(r);
      } else {
        actor = result;
      }
      if (actor) break;
    }
    request.actor = actor;
    if (access === 'public') return;
    if (!actor) throw new AppError('UNAUTHORIZED');
    if (!admits(access, actor)) throw new AppError('FORBIDDEN');
  });
}

/** Whether a signed-in `actor` may call a route declaring `access` (anything but `public`). */
export function admits(access: Exclude<Access, 'public'>, actor: Actor): boolean {
  if (actor.kind === 'merchant') return access !== 'authenticated' && access.cashier === true;
  if (access === 'authenticated') return true;
  return access.roles.some((role) => hasRole(actor, role));
}

export function hasRole(actor: Actor, role: RoleName): boolean {
  return actor.roles.includes(role) || actor.roles.includes('admin');
}

/** Runs the body-bound half of authentication after parsing, before validation and the handler. */
export function registerBodyBoundChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const check = request.pendingBodyCheck;
    if (!check) return;
    request.pendingBodyCheck = null;
    await check(request);
  });
}
