import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The boundary rule (eslint.config.js, eslint-rules/module-boundaries.js) as `npm run lint` runs it: the repository's
 * own ESLint configuration lints a file that is not in the tree, placed where the import would be written. Removing
 * the rule from the configuration fails these tests.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const RULE = 'quanyi/module-boundaries';
const eslint = new ESLint({ cwd: ROOT });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const messages = result!.messages;
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('the boundary rule', () => {
  it("refuses a module importing another module's internals", async () => {
    const errors = await boundaryErrors('src/modules/coupons/boundary-probe.ts', "import { TransparencyLog } from '../audit/transparency-log.js';\nexport type T = TransparencyLog;\n");
    expect(errors).toEqual([
      "Module coupons may use module audit only through src/modules/audit/index.ts or events.ts, not '../audit/transparency-log.js' (src/modules/audit/transparency-log.ts). Export what it needs from audit's face.",
    ]);
    // Deeper files, re-exports, type-only and dynamic imports alike.
    const deeper = await boundaryErrors(
      'src/modules/lottery/domain/random/boundary-probe.ts',
      [
        "import type { PayoutPort } from '../../../payouts/port.js';",
        "export { Notifier } from '../../../notifications/notifier.js';",
        "export type Q = import('../../../risk/rules.js').Rule;",
        "export const load = () => import('../../../settlement/ledger.js');",
        'export type P = PayoutPort;',
      ].join('\n'),
    );
    expect(deeper).toHaveLength(4);
  });

  it("lets a module use another's index.ts and events.ts, and its own files at any depth", async () => {
    const code = [
      "import { auditOf } from '../../audit/index.js';",
      "export type { CouponConsumed } from '../../coupons/events.js';",
      "import { claim } from '../claims.js';",
      "import { plan } from '../../coupons/domain/plan.js';", // its own module, reached the long way round
      "import { Platform } from '../../../platform/module/platform.js';",
      'export { auditOf, claim, plan, type Platform };',
    ].join('\n');
    expect(await boundaryErrors('src/modules/coupons/domain/boundary-probe.ts', code)).toEqual([]);
  });

  it('refuses the kernel importing a module or the composition root, even its face', async () => {
    const errors = await boundaryErrors('src/platform/db/boundary-probe.ts', "import { couponsOf } from '../../modules/coupons/index.js';\nimport { MODULES } from '../../app/modules.js';\nexport { couponsOf, MODULES };\n");
    expect(errors).toEqual([
      "The kernel (src/platform/) must not import a module: '../../modules/coupons/index.js' is src/modules/coupons/index.ts. Pass what it needs in, or move the type into the kernel.",
      "The kernel (src/platform/) must not import the composition root: '../../app/modules.js' is src/app/modules.ts. Pass what it needs in, or move the type into the kernel.",
    ]);
  });

  it('refuses a module importing the composition root', async () => {
    const errors = await boundaryErrors('src/modules/risk/boundary-probe.ts', "import { MODULES } from '../../app/modules.js';\nimport { run } from '../../cli.js';\nexport { MODULES, run };\n");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^A module must not import the composition root: '\.\.\/\.\.\/app\/modules\.js'/);
  });

  it('allows only the listed imports that predate it, each still needed', async () => {
    // An allowed import passes in its own file only; the same import anywhere else is refused.
    const allowed = "import { AuditTrail } from '../audit/audit-trail.js';\nexport type A = AuditTrail;\n";
    expect(await boundaryErrors('src/modules/risk/boundary-probe.ts', allowed)).toHaveLength(1);
    // Each listed file still has its import: a listed file without it is reported, so the list only shrinks.
    const stale = await boundaryErrors('src/modules/risk/cases.ts', 'export const nothing = 1;\n');
    expect(stale).toEqual([
      "'src/modules/risk/cases.ts -> src/modules/audit/audit-trail.ts' is in the boundary rule's list of allowed imports (eslint.config.js) but no longer needed: remove it.",
    ]);
    const config = fs.readFileSync(path.join(ROOT, 'eslint.config.js'), 'utf8');
    const listed = [...config.matchAll(/^ {2}'(src\/\S+) -> (src\/\S+)',$/gm)];
    expect(listed.length).toBeLessThanOrEqual(37); // 37 when the rule came in; never more
    for (const [, from, to] of listed) {
      expect(fs.existsSync(path.join(ROOT, from!)), from).toBe(true);
      expect(fs.existsSync(path.join(ROOT, to!)), to).toBe(true);
    }
    const results = await eslint.lintFiles([...new Set(listed.map(([, from]) => from!))]);
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === RULE).map((m) => `${path.relative(ROOT, r.filePath)}: ${m.message}`))).toEqual([]);
  });
});
