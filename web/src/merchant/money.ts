/**
 * Amounts as the API takes them: decimal strings with at most two decimals ("12.50"). The console never does
 * arithmetic on money (the server prices everything); it only checks and tidies what the cashier typed.
 */
const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "12.5" → "12.50", "0012" → "12.00"; undefined when it is not a positive amount with at most two decimals. */
export function normalizeAmount(input: string): string | undefined {
  const match = AMOUNT.exec(input.trim());
  if (!match) return undefined;
  const yuan = match[1]!.replace(/^0+(?=\d)/, '');
  const fen = (match[2] ?? '').padEnd(2, '0');
  if (/^0+$/.test(yuan) && fen === '00') return undefined;
  return `${yuan}.${fen}`;
}

/** "¥12.50" (or "-¥4.25", a refund taken back) for display. */
export function yuan(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  return amount.startsWith('-') ? `-¥${amount.slice(1)}` : `¥${amount}`;
}
