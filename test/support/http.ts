import type { FastifyInstance } from 'fastify';

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown> & { data?: Record<string, unknown>; error?: string };
}

/** Listens on an ephemeral port so tests race real HTTP requests, not in-process injections. */
export async function listenForTest(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

export async function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.body);
  }
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let json: HttpResult['json'] = {};
  try {
    json = JSON.parse(text) as HttpResult['json'];
  } catch {
    // not JSON (metrics, docs)
  }
  return { status: response.status, headers: response.headers, text, json };
}
