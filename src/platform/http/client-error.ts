import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL over the limit, a malformed request
 * line) still get the error envelope with a stable code, not Fastify's own JSON. There is no request yet, so the
 * id is minted here and the message is the default language's.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'REQUEST_HEADERS_TOO_LARGE' : 'BAD_REQUEST';
  const { status, zh } = ERROR_CODES[code];
  const body = JSON.stringify({ code: status, error: code, message: zh, request_id: randomUUID() });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
