import type { RouteRecordRaw } from 'vue-router';

/** Routes under /merchant; each page is its own chunk. */
export const merchantRoutes: RouteRecordRaw[] = [{ path: '', component: () => import('./HomePage.vue') }];
