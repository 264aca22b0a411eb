import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The web app's areas: any path under them is the single-page app (its router picks the page). */
export const WEB_AREAS = ['app', 'merchant', 'admin', 'fairness'] as const;

/**
 * Serves the built web app (web/dist): hashed assets under /assets for a year, and index.html (never cached, so a
 * new build is picked up) for every page path of the four areas. Without a build the areas answer a short page
 * saying how to build it, rather than a 404 that looks like a broken server.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  const index = path.join(webDir, 'index.html');
  const built = fs.existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(webDir, 'assets'),
      prefix: '/assets/',
      // Vite also writes .gz/.br next to each asset when asked; serve those when the client accepts them.
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      wildcard: true,
    });
  }
  const page = (): { body: string | Buffer; status: number } =>
    built
      ? { body: fs.readFileSync(index), status: 200 }
      : { body: '<!doctype html><meta charset="utf-8"><title>Quanyi</title><p>网页应用尚未构建 / The web app is not built: run <code>npm run build:web</code>.</p>', status: 503 };
  for (const area of WEB_AREAS) {
    for (const url of [`/${area}`, `/${area}/*`]) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) => {
        const { body, status } = page();
        return reply.code(status).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(body);
      });
    }
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app'));
}
