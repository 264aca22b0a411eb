import type { RouteRecordRaw } from 'vue-router';

/**
 * Routes under /admin: the shell (login, left nav) with one lazily loaded page per section. ECharts is imported
 * only by the dashboard page's chunk, so no other area downloads it.
 */
export const adminRoutes: RouteRecordRaw[] = [
  {
    path: '',
    component: () => import('./AdminShell.vue'),
    children: [
      { path: '', name: 'admin-dashboard', component: () => import('./DashboardPage.vue') },
      { path: 'coupons', name: 'admin-coupons', component: () => import('./CouponsPage.vue') },
      { path: 'campaigns', name: 'admin-campaigns', component: () => import('./CampaignsPage.vue') },
      { path: 'activities', name: 'admin-activities', component: () => import('./ActivitiesPage.vue') },
      { path: 'risk', name: 'admin-risk', component: () => import('./RiskPage.vue') },
      { path: 'draws', name: 'admin-draws', component: () => import('./DrawsPage.vue') },
      { path: 'audit', name: 'admin-audit', component: () => import('./AuditPage.vue') },
    ],
  },
];
