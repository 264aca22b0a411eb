import type { RouteRecordRaw } from 'vue-router';

/** Routes under /merchant: the console's frame (login, store, sections) around each section, each its own chunk. */
export const merchantRoutes: RouteRecordRaw[] = [
  {
    path: '',
    component: () => import('./MerchantShell.vue'),
    children: [
      { path: '', component: () => import('./RedeemPage.vue') },
      { path: 'today', component: () => import('./TodayPage.vue') },
      { path: 'refund', component: () => import('./RefundPage.vue') },
      { path: 'settlements', component: () => import('./SettlementsPage.vue') },
      { path: 'settlements/:id(\\d+)', component: () => import('./StatementPage.vue'), props: true },
    ],
  },
];
