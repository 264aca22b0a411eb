import { currentLocale } from '../i18n';

/** A timestamp in China time, in the UI's language (the draws' schedules are Asia/Shanghai). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(currentLocale(), { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
}
