import { describe, expect, it } from 'vitest';
import { isConnectionLoss } from './connection-loss.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isConnectionLoss', () => {
  it('recognises a connection that ended: server shutdowns, class 08, cut sockets, the driver wording', () => {
    expect(isConnectionLoss(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isConnectionLoss(withCode('connection failure', '08006'))).toBe(true);
    expect(isConnectionLoss(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it('leaves the server refusals, which mean nothing committed, and everything else to their own handling', () => {
    expect(isConnectionLoss(withCode('could not serialize access', '40001'))).toBe(false);
    expect(isConnectionLoss(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isConnectionLoss(withCode('canceling statement due to statement timeout', '57014'))).toBe(false);
    expect(isConnectionLoss(new TypeError('x is undefined'))).toBe(false);
    expect(isConnectionLoss('ECONNRESET')).toBe(false);
  });
});
