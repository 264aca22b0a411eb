import { sessionOf } from '../api/session';

/** The operator console's session (its own login, apart from the consumer's and the cashier's). */
export const adminSession = sessionOf('admin');
export const adminApi = adminSession.api;

/** Roles that may use the console; each page's actions are still checked by the server. */
export const CONSOLE_ROLES = ['operator', 'auditor', 'risk_reviewer'] as const;

export function hasRole(role: string): boolean {
  return adminSession.state.me?.roles.includes(role) ?? false;
}
