import { computed, ref, watch } from 'vue';
import { ApiError } from '../api/client';
import { sessionOf } from '../api/session';

/** The merchant console's login (its own session, separate from a consumer's in the same browser). */
export const session = sessionOf('merchant');

/** Merchants this staff member may act for (GET /users/me merchant_ids). */
export const merchantIds = computed<string[]>(() => {
  const ids = session.state.me?.merchant_ids;
  return Array.isArray(ids) ? ids.map(String) : [];
});

export const isStaff = computed(() => {
  const roles = session.state.me?.roles ?? [];
  return roles.includes('merchant_staff') || roles.includes('admin');
});

const chosen = ref<string>(sessionStorage.getItem('quanyi.merchant.current') ?? '');

/** The merchant the till works for: the one chosen, else the staff's first. */
export const currentMerchantId = computed<string>({
  get: () => (merchantIds.value.includes(chosen.value) ? chosen.value : (merchantIds.value[0] ?? '')),
  set: (id) => {
    chosen.value = id;
    sessionStorage.setItem('quanyi.merchant.current', id);
  },
});

/** Bumped after each redemption or refund, so today's list reloads when it is next shown. */
export const tillChanges = ref(0);

/**
 * An expired or revoked login answers 401 anywhere: forget it locally so the console shows the login form
 * again instead of a page of refusals. Returns whether that is what happened.
 */
export function endSessionOn401(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  void session.logout().catch(() => undefined);
  return true;
}

watch(
  () => session.state.access,
  (access) => {
    if (!access) chosen.value = '';
  },
);
