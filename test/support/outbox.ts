import { randomUUID } from 'node:crypto';
import type { Platform } from '../../src/platform/module/platform.js';
import { createLogger } from '../../src/platform/log/logger.js';
import { OutboxRelay } from '../../src/platform/outbox/relay.js';

/**
 * Delivers every outbox event due, as a worker would, until none is left; deliveries that cause further events
 * (a refund's split, a review's release) are delivered too. Retries are due almost at once.
 */
export async function drainOutbox(platform: Platform): Promise<void> {
  const relay = new OutboxRelay(platform.database.db, platform.outbox, createLogger('silent'), `test-${randomUUID()}`, { baseBackoffMs: 1 });
  for (let pass = 0; pass < 50; pass++) {
    if ((await relay.deliverDue()) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a retry scheduled 1 ms out
      if ((await relay.deliverDue()) === 0) return;
    }
  }
  throw new Error('the outbox did not drain');
}
