import type { Migrations } from '../../../platform/db/migrate.js';
import * as taxSandbox0009 from './2026_11_29_0009_tax_sandbox.js';
import * as invoices0010 from './2026_11_29_0010_invoices.js';
import * as invoiceFraudSignals0011 from './2026_11_29_0011_invoice_fraud_signals.js';
import * as taxSandboxLegacy0061 from './2026_12_03_0061_tax_sandbox_legacy.js';

/** The invoices module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const invoicesMigrations: Migrations = {
  '2026_11_29_0009_tax_sandbox': taxSandbox0009,
  '2026_11_29_0010_invoices': invoices0010,
  '2026_11_29_0011_invoice_fraud_signals': invoiceFraudSignals0011,
  '2026_12_03_0061_tax_sandbox_legacy': taxSandboxLegacy0061,
};
