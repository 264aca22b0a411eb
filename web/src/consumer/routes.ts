import type { RouteRecordRaw } from 'vue-router';
import { consumer } from './session';

/**
 * Routes under /app, each page its own chunk. Everything but the login page needs a consumer session; without one
 * the user is sent to log in and brought back afterwards.
 */
export const consumerRoutes: RouteRecordRaw[] = [
  { path: 'login', component: () => import('./LoginPage.vue'), beforeEnter: () => (consumer.loggedIn ? '/app' : true) },
  {
    path: '',
    component: () => import('./ConsumerLayout.vue'),
    beforeEnter: (to) => (consumer.loggedIn ? true : { path: '/app/login', query: { redirect: to.fullPath } }),
    children: [
      { path: '', component: () => import('./HomePage.vue') },
      { path: 'real-name', component: () => import('./RealNamePage.vue') },
      { path: 'invoices', component: () => import('./InvoicesPage.vue') },
      { path: 'invoices/new', component: () => import('./InvoiceNewPage.vue') },
      { path: 'draw', component: () => import('./DrawPage.vue') },
      { path: 'prizes', component: () => import('./PrizesPage.vue') },
      { path: 'coupons', component: () => import('./CouponsPage.vue') },
      { path: 'weekly', component: () => import('./WeeklyPage.vue') },
      { path: 'me', component: () => import('./MePage.vue') },
    ],
  },
];
