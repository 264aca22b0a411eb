import type { RouteRecordRaw } from 'vue-router';

/** Routes under /app; each page is its own chunk. */
export const consumerRoutes: RouteRecordRaw[] = [{ path: '', component: () => import('./HomePage.vue') }];
