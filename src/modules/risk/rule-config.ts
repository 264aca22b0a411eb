import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { ConfigError } from '../../platform/config/config-error.js';
import type { RiskRuleDefault } from '../../platform/config/config.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { checkParams, defaultParams, RULES, type Params, type RiskRule } from './domain/rules.js';
import './schema.js';

export interface RuleSetting {
  readonly rule: RiskRule;
  readonly enabled: boolean;
  readonly params: Params;
  /** 0: the deployment's defaults (the rule's own, or RISK_RULE_DEFAULTS), never changed at runtime. */
  readonly version: number;
}

/** How long a process keeps the rule settings it read: a change reaches every process within this. */
const CACHE_MS = 2_000;

/**
 * Each rule's switch and parameters. Defaults come from the rule's code; an operator's change is a new version
 * (the latest one is in force) with who made it and why, recorded in the audit trail in the same transaction.
 */
export class RuleConfig {
  private cached: { at: number; settings: Map<string, RuleSetting> } | undefined;

  private readonly defaults: ReadonlyMap<string, { enabled: boolean; params: Params }>;

  /**
   * `deployment` overrides the rules' built-in defaults for this deployment (RISK_RULE_DEFAULTS); an operator's
   * change at runtime overrides both. An unknown rule or a bad parameter stops the process at start.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    deployment: Readonly<Record<string, RiskRuleDefault>> = {},
    private readonly now: () => number = Date.now,
  ) {
    for (const code of Object.keys(deployment)) if (!RULES.has(code)) throw new ConfigError('RISK_RULE_DEFAULTS', `has no rule ${code} (rules: ${[...RULES.keys()].join(', ')})`);
    this.defaults = new Map(
      [...RULES.values()].map((rule) => {
        const chosen = deployment[rule.code] ?? {};
        const checked = checkParams(rule, chosen.params ?? {});
        if (!checked.ok) throw new ConfigError('RISK_RULE_DEFAULTS', `${rule.code}.${checked.field} ${checked.message}`);
        return [rule.code, { enabled: chosen.enabled ?? true, params: checked.params }];
      }),
    );
  }

  async current(): Promise<Map<string, RuleSetting>> {
    if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.settings;
    const rows = await sql<{ rule_code: string; version: number; enabled: boolean; params: Record<string, number> }>`
      SELECT DISTINCT ON (rule_code) rule_code, version, enabled, params FROM risk_rule_versions ORDER BY rule_code, version DESC
    `.execute(this.db);
    const latest = new Map(rows.rows.map((r) => [r.rule_code, r]));
    const settings = new Map<string, RuleSetting>();
    for (const rule of RULES.values()) {
      const row = latest.get(rule.code);
      const base = this.defaults.get(rule.code)!;
      settings.set(rule.code, row ? { rule, enabled: row.enabled, params: { ...defaultParams(rule), ...row.params }, version: row.version } : { rule, enabled: base.enabled, params: base.params, version: 0 });
    }
    this.cached = { at: this.now(), settings };
    return settings;
  }

  async change(trx: Transaction<Database>, code: string, change: { enabled?: boolean; params?: Record<string, unknown> }, actor: string, note: string, requestId?: string) {
    const rule = RULES.get(code);
    if (!rule) throw new AppError('RISK_RULE_NOT_FOUND', { rule: code });
    const previous = (
      await sql<{ version: number; enabled: boolean; params: Record<string, number> }>`
        SELECT version, enabled, params FROM risk_rule_versions WHERE rule_code = ${code} ORDER BY version DESC LIMIT 1 FOR UPDATE
      `.execute(trx)
    ).rows[0];
    const base = this.defaults.get(code)!;
    const checked = checkParams(rule, { ...(previous?.params ?? base.params), ...(change.params ?? {}) });
    if (!checked.ok) throw new AppError('RISK_RULE_INVALID', { rule: code, field: checked.field, reason: checked.message });
    const version = (previous?.version ?? 0) + 1;
    const enabled = change.enabled ?? previous?.enabled ?? base.enabled;
    // Two operators changing one rule at once: the second insert hits the primary key and gets a conflict.
    await trx
      .insertInto('risk_rule_versions')
      .values({ rule_code: code, version, enabled, params: JSON.stringify(checked.params), changed_by: actor, note })
      .execute();
    await this.audit.record(trx, {
      actor,
      action: 'risk.rule_changed',
      subjectKind: 'risk_rule',
      subjectId: code,
      details: { version, enabled, params: checked.params, previous: previous ? { version: previous.version, enabled: previous.enabled, params: previous.params } : null, note },
      requestId,
    });
    this.cached = undefined;
    return present({ rule, enabled, params: checked.params, version });
  }

  async list() {
    return [...(await this.current()).values()].map(present);
  }

  async history(code: string) {
    if (!RULES.has(code)) throw new AppError('RISK_RULE_NOT_FOUND', { rule: code });
    const rows = await this.db.selectFrom('risk_rule_versions').selectAll().where('rule_code', '=', code).orderBy('version', 'desc').limit(100).execute();
    return rows.map((r) => ({ version: r.version, enabled: r.enabled, params: r.params, changed_by: r.changed_by, note: r.note, changed_at: r.changed_at.toISOString() }));
  }
}

export function present(s: RuleSetting) {
  return {
    code: s.rule.code,
    name: s.rule.name,
    hooks: s.rule.hooks,
    enabled: s.enabled,
    version: s.version,
    params: s.params,
    param_specs: s.rule.params,
  };
}
