/** The business runs on Asia/Shanghai days, whatever the till's own clock zone (as the server's clock.ts). */
const dayFormatter = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFormatter = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** Today's business date, YYYY-MM-DD. */
export function businessToday(): string {
  return dayFormatter.format(new Date());
}

/** An instant's wall-clock time in Beijing, HH:mm:ss. */
export function beijingTime(iso: string): string {
  return timeFormatter.format(new Date(iso));
}
