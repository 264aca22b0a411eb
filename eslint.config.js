import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import quanyi from './eslint-rules/module-boundaries.js';

/**
 * Imports of another module's internals that were there before the boundary rule (issue #19, item 3). This list
 * must only shrink: never add to it. Narrowing a module's face (its index.ts or events.ts) removes entries, and the
 * rule reports an entry that is no longer needed. Each entry is `importing file -> imported file`.
 */
const CROSS_MODULE_IMPORTS_BEFORE_THE_RULE = [
  // dashboard: the dashboard reads each module's stats.ts
  'src/modules/dashboard/index.ts -> src/modules/coupons/stats.ts',
  'src/modules/dashboard/index.ts -> src/modules/lottery/stats.ts',
  'src/modules/dashboard/index.ts -> src/modules/risk/stats.ts',
  'src/modules/dashboard/index.ts -> src/modules/settlement/stats.ts',
  'src/modules/dashboard/service.ts -> src/modules/coupons/stats.ts',
  'src/modules/dashboard/service.ts -> src/modules/lottery/stats.ts',
  'src/modules/dashboard/service.ts -> src/modules/risk/stats.ts',
  'src/modules/dashboard/service.ts -> src/modules/settlement/stats.ts',
  // identity: the PIPL rights write audit records
  'src/modules/identity/privacy-service.ts -> src/modules/audit/audit-trail.ts',
  // lottery: draws log to the transparency log and check its proofs; prizes notify and pay out
  'src/modules/lottery/beacons.ts -> src/modules/audit/transparency-log.ts',
  'src/modules/lottery/bundle.ts -> src/modules/audit/transparency-log.ts',
  'src/modules/lottery/domain/weekly-draw.test.ts -> src/modules/audit/domain/merkle.ts',
  'src/modules/lottery/index.ts -> src/modules/audit/transparency-log.ts',
  'src/modules/lottery/instant-draws.ts -> src/modules/audit/transparency-log.ts',
  'src/modules/lottery/log-entries.ts -> src/modules/audit/domain/log-entry.ts',
  'src/modules/lottery/prize-notices.ts -> src/modules/notifications/notifier.ts',
  'src/modules/lottery/prizes.ts -> src/modules/payouts/port.ts',
  'src/modules/lottery/service.ts -> src/modules/audit/transparency-log.ts',
  'src/modules/lottery/verify/verify-bundle.ts -> src/modules/audit/domain/base64.ts',
  'src/modules/lottery/verify/verify-bundle.ts -> src/modules/audit/domain/canonical-json.ts',
  'src/modules/lottery/verify/verify-bundle.ts -> src/modules/audit/domain/checkpoint.ts',
  'src/modules/lottery/verify/verify-bundle.ts -> src/modules/audit/domain/merkle.ts',
  'src/modules/lottery/verify/verify-bundle.ts -> src/modules/audit/domain/merkle-proofs.ts',
  'src/modules/lottery/verify/verify-bundle.ts -> src/modules/audit/domain/signed-note.ts',
  'src/modules/lottery/verify/verify-weekly.test.ts -> src/modules/audit/domain/canonical-json.ts',
  'src/modules/lottery/verify/verify-weekly.test.ts -> src/modules/audit/domain/checkpoint.ts',
  'src/modules/lottery/verify/verify-weekly.test.ts -> src/modules/audit/domain/merkle.ts',
  'src/modules/lottery/verify/verify-weekly.test.ts -> src/modules/audit/domain/signed-note.ts',
  'src/modules/lottery/verify/verify-weekly.ts -> src/modules/audit/domain/merkle.ts',
  'src/modules/lottery/weekly.ts -> src/modules/audit/domain/merkle.ts',
  'src/modules/lottery/weekly.ts -> src/modules/audit/transparency-log.ts',
  // notifications: the Notifier sends SMS through identity's provider
  'src/modules/notifications/notifier.ts -> src/modules/identity/sms/sms-provider.ts',
  // risk: risk decisions write audit records
  'src/modules/risk/blacklists.ts -> src/modules/audit/audit-trail.ts',
  'src/modules/risk/cases.ts -> src/modules/audit/audit-trail.ts',
  'src/modules/risk/rule-config.ts -> src/modules/audit/audit-trail.ts',
  'src/modules/risk/screen.ts -> src/modules/audit/audit-trail.ts',
  // settlement: the settlement run pays out
  'src/modules/settlement/run.ts -> src/modules/payouts/port.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.quanyi/**', 'test-results/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Draws, codes and keys must be unpredictable: randomness comes from node:crypto only.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use node:crypto (randomInt, randomBytes) instead of Math.random.' },
      ],
    },
  },
  {
    // The layers (ARCHITECTURE.md): the kernel imports no module and not the composition root, modules never import
    // the composition root, and a module uses another only through its index.ts or events.ts.
    files: ['src/**/*.ts'],
    plugins: { quanyi },
    rules: { 'quanyi/module-boundaries': ['error', { root: import.meta.dirname, allowed: CROSS_MODULE_IMPORTS_BEFORE_THE_RULE }] },
  },
  {
    // The web app runs in browsers.
    files: ['web/src/**/*.ts'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', crypto: 'readonly', fetch: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
);
