/**
 * Whether an error means the connection to the database went away, so that what was sent may or may not have
 * been applied: the server may have committed and the answer been lost on the way back.
 *
 * The server's own refusals carry a SQLSTATE and mean the statement (and its transaction) did not commit; only
 * class 08 (connection exception) and the 57P0x shutdowns say the connection itself ended. The driver reports a
 * cut socket without a SQLSTATE, as a Node socket error or with one of node-postgres's messages.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || /^57P0\d$/.test(code)) return true;
    if (SOCKET_ERRORS.has(code)) return true;
  }
  return LOST_CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message));
}

const SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EHOSTUNREACH']);

/** node-postgres's wording for a connection that ended under a query, or was already broken when one was sent. */
const LOST_CONNECTION_MESSAGES = [/connection terminated/i, /connection error/i, /not queryable/i, /terminating connection/i];
