import { createRouter, createWebHistory } from 'vue-router';
import { adminRoutes } from './admin/routes';
import { consumerRoutes } from './consumer/routes';
import { fairnessRoutes } from './fairness/routes';
import { merchantRoutes } from './merchant/routes';

/**
 * Four areas, each owning its routes under its prefix, each page a lazily loaded chunk: /app (consumer H5),
 * /merchant (merchant console), /admin (operator console), /fairness (public). The server sends index.html for
 * any of these paths (src/app/web-static.ts).
 */
export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/', redirect: '/app' },
    { path: '/app', children: consumerRoutes },
    { path: '/merchant', children: merchantRoutes },
    { path: '/admin', children: adminRoutes },
    { path: '/fairness', children: fairnessRoutes },
    { path: '/:pathMatch(.*)*', component: () => import('./components/NotFound.vue') },
  ],
  // A link to a part of a page (a draw on /fairness) lands on it; any other navigation starts at the top.
  scrollBehavior: (to) => (to.hash ? { el: to.hash } : { top: 0 }),
});
