import type { RouteRecordRaw } from 'vue-router';

/** Routes under /admin; each page is its own chunk. */
export const adminRoutes: RouteRecordRaw[] = [{ path: '', component: () => import('./HomePage.vue') }];
