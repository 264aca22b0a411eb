import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { notificationsMigrations } from './migrations/index.js';
import type { OutboxEvent } from '../../platform/outbox/outbox.js';
import { identityOf } from '../identity/index.js';
import { Inbox } from './inbox.js';
import { Notifier } from './notifier.js';
import { NotificationRepo } from './repo.js';
import { notificationRoutes } from './routes.js';

export interface Notifications {
  /** Other modules write messages through it (in their transaction, with an optional SMS copy). */
  readonly notifier: Notifier;
  readonly inbox: Inbox;
}

export const notificationsOf = perPlatform((platform): Notifications => {
  const { database, ids, clock } = platform;
  const repo = new NotificationRepo();
  const identity = identityOf(platform);
  const recipients = { contactOf: (userId: string, db: typeof database.db) => identity.service.contactOf(userId, db) };
  return {
    notifier: new Notifier(database.db, repo, identity.sms, recipients, ids, clock),
    inbox: new Inbox(database.db, repo, clock),
  };
});

export const notificationsModule: QuanyiModule = {
  name: 'notifications',
  migrations: notificationsMigrations,
  routes: (app, platform) => notificationRoutes(app, notificationsOf(platform).inbox),
  subscribers: (platform) => [
    {
      // Erasure (PIPL Art. 47): the inbox goes with the account. Idempotent: a second delete finds nothing.
      name: 'notifications.erase-user',
      topics: ['user.erased'],
      handle: async (event: OutboxEvent<{ user_id: string }>) => {
        await notificationsOf(platform).inbox.erase(event.payload.user_id);
      },
    },
  ],
};
