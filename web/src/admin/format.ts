/** Display helpers of the operator console (display only: money stays a decimal string from the server). */

export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

export function hhmm(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
