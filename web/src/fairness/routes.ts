import type { RouteRecordRaw } from 'vue-router';

/** Routes under /fairness; each page is its own chunk. */
export const fairnessRoutes: RouteRecordRaw[] = [{ path: '', component: () => import('./HomePage.vue') }];
