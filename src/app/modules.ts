import { auditModule } from '../modules/audit/index.js';
import { lotteryModule } from '../modules/lottery/index.js';
import { couponsModule } from '../modules/coupons/index.js';
import { invoicesModule } from '../modules/invoices/index.js';
import { identityModule } from '../modules/identity/index.js';
import { merchantsModule } from '../modules/merchants/index.js';
import { notificationsModule } from '../modules/notifications/index.js';
import { payoutsModule } from '../modules/payouts/index.js';
import { settlementModule } from '../modules/settlement/index.js';
import { riskModule } from '../modules/risk/index.js';
import { activitiesModule } from '../modules/activities/index.js';
import { dashboardModule } from '../modules/dashboard/index.js';
import { platformMaintenance } from './platform-maintenance.js';
import { assembleMigrations, type Migrations } from '../platform/db/migrate.js';
import type { QuanyiModule } from '../platform/module/module.js';

/** Every module in the deployable, in start order. */
export const MODULES: readonly QuanyiModule[] = [platformMaintenance, identityModule, merchantsModule, couponsModule, invoicesModule, auditModule, lotteryModule, payoutsModule, settlementModule, riskModule, activitiesModule, notificationsModule, dashboardModule];

/**
 * The deployable's schema: the migrations every module in MODULES declares (the kernel's through
 * platformMaintenance), in the order they apply. Every process applies all of them, whichever modules it serves.
 */
export const MIGRATIONS: Migrations = assembleMigrations(MODULES);
