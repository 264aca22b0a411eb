import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlatform } from './app/build-platform.js';
import { MIGRATIONS } from './app/modules.js';
import { identityOf } from './modules/identity/index.js';
import { importSandboxInvoices, parseSandboxImport, readImportRows, SandboxImportError, taxSandboxModule } from './modules/invoices/index.js';
import fs from 'node:fs';
import { startProcess } from './app/process.js';
import { ensureWebApp } from './app/web-build.js';
import { loadConfig, ROLES, type Role } from './platform/config/config.js';
import { ConfigError } from './platform/config/config-error.js';
import { loadSecrets } from './platform/config/secrets.js';
import { EnvKeyProvider, LocalFileKeyProvider, type KeyProvider } from './platform/privacy/key-provider.js';
import { Pkcs11KeyProvider } from './platform/privacy/pkcs11-key-provider.js';
import { openToken } from './platform/hsm/hsm-keys.js';
import { keysHsmCommand } from './app/hsm-command.js';
import { connectDatabase, connectOptionsFrom } from './platform/db/connect.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { generateEd25519NoteKey } from './modules/audit/domain/signed-note.js';
import { verifyBeaconCommand } from './modules/lottery/beacon/drand-verify.js';
import { verifyDrawCommand } from './modules/lottery/verify/verify-draw-command.js';
import { settlementOf } from './modules/settlement/index.js';
import { runAlertRelay } from './ops/alert-relay.js';

const USAGE = `Usage: quanyi <command> [options]

Commands:
  start [--role api|worker|scheduler|all]   run the platform (default role: all)
  tax-sandbox                               run only the tax-authority sandbox (its API under /sandbox/tax); give
                                            it its own DATA_DIR or DATABASE_SCHEMA, and point the platform's
                                            TAX_AUTHORITY_URL at http://host:port/sandbox/tax
  tax-sandbox import FILE [--url BASE]      add known invoices (JSON array or CSV: kind, invoice_number,
                                            invoice_code, issue_date, total_amount, amount_with_tax, check_code,
                                            seller_tax_id, seller_name, buyer_name, buyer_tax_id) to the sandbox
                                            register: in the configured database, or through a running sandbox
                                            at BASE (e.g. http://127.0.0.1:3000/sandbox/tax)
  migrate                                   apply database migrations and exit
  users grant-role --phone P --role R [--merchant-id M]
                                            give a role to the user with phone P (created if new); works
                                            on the configured database with no server running
  keys rotate                               add a new personal-data key and make it active; after a restart,
                                            data is re-encrypted under it in the background
  keys tlog                                 print a new transparency-log signing key for TLOG_ORIGIN (production
                                            sets it as QUANYI_TLOG_SIGNING_KEY) and its verifier key
  keys hsm init [--fresh]                   KEY_PROVIDER=pkcs11: generate the missing keys in the token and wrap
                                            the personal-data keys (imported from the software keys unless --fresh)
  keys hsm rotate --key pii-kek|token-signing|tlog-signing
                                            a new key in the token becomes active; old ones are kept
  keys hsm list                             the token's keys, key ids and verifier keys (docs/hsm.md)
  verify-draw --bundle FILE [--key VKEY]    re-run a draw offline from its bundle; exit 0 only if every result
  verify-draw --url BASE --draw ID [--key VKEY]
                                            matches (ID: instant-<campaign id>); --key pins the log's key
  beacon verify --chain quicknet|mainnet --round N --signature HEX [--previous-signature HEX]
                                            check one drand beacon offline against the pinned chain key
  settle --date YYYY-MM-DD                   run settlement for a date (what the daily job does): statements for
                                            every party with lines due, payouts reserved; running a date again
                                            changes nothing. Payouts are sent by a running worker, or here when
                                            PAYOUT_URL is set
  alert-relay                               run the alert relay Alertmanager's webhooks post to: DingTalk robot
                                            messages (signed), SMS to the on-call phones through the SMS port, and
                                            the alarm screen at /alarm (docs/operations.md)
  help                                      show this text

Configuration comes from the environment; see README.md.`;

type Command = (args: readonly string[]) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  async 'alert-relay'(args) {
    if (args.length > 0) throw new ConfigError('alert-relay', `takes no arguments, got "${args[0]}"`);
    const relay = await runAlertRelay(process.env);
    process.stdout.write(`quanyi alert-relay listening on ${relay.url}\n`);
    const stop = () => void relay.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },

  async start(args) {
    const { values } = parseArgs({ args: [...args], options: { role: { type: 'string', default: 'all' } } });
    const role = values.role as Role;
    if (!ROLES.includes(role)) throw new ConfigError('--role', `must be one of ${ROLES.join(', ')}, got "${values.role}"`);
    if (role === 'all' || role === 'api') await ensureWebApp(loadConfig(process.env, { role }).webDir, (line) => process.stdout.write(`${line}\n`));
    const running = await startProcess({ role, handleSignals: true });
    process.stdout.write(`quanyi ${role} listening on ${running.url} (db: ${running.platform.database.kind}, cache: ${running.platform.cache.kind})\n`);
  },

  async 'tax-sandbox'(args) {
    if (process.env.NODE_ENV === 'production') throw new ConfigError('NODE_ENV', 'the tax sandbox does not run in production');
    if (args[0] === 'import') {
      await importCommand(args.slice(1));
      return;
    }
    if (args.length > 0) throw new ConfigError('tax-sandbox', `has no command "${args[0]}"; try: tax-sandbox, tax-sandbox import FILE`);
    const running = await startProcess({ role: 'all', modules: [taxSandboxModule], handleSignals: true });
    process.stdout.write(`quanyi tax sandbox listening on ${running.url} (API at ${running.url}/sandbox/tax)\n`);
  },

  async migrate() {
    const config = loadConfig(process.env);
    const database = await connectDatabase(connectOptionsFrom(config));
    try {
      const applied = await migrateToLatest(database.db, config.databaseSchema, MIGRATIONS);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await database.close();
    }
  },

  async users(args) {
    const [sub, ...rest] = args;
    if (sub !== 'grant-role') throw new ConfigError('users', `has no command "${sub ?? ''}"; try: users grant-role`);
    const { values } = parseArgs({
      args: rest,
      options: { phone: { type: 'string' }, role: { type: 'string' }, 'merchant-id': { type: 'string' } },
    });
    if (!values.phone || !values.role) throw new ConfigError('users grant-role', 'needs --phone and --role');
    const built = await buildPlatform(loadConfig(process.env), process.env);
    try {
      const result = await identityOf(built.platform).service.grantRole(values.phone, values.role, values['merchant-id'], 'cli');
      process.stdout.write(`${result.added ? 'granted' : 'already had'} ${result.role} to ${result.phone} (user ${result.userId})\n`);
    } finally {
      await built.close();
    }
  },

  async keys(args) {
    const config = loadConfig(process.env);
    if (args[0] === 'hsm') {
      await keysHsmCommand(args.slice(1), config, process.env, (line) => process.stdout.write(`${line}\n`));
      return;
    }
    if (args[0] === 'tlog') {
      if (config.keyProvider.kind === 'pkcs11') throw new ConfigError('keys tlog', 'does not apply with KEY_PROVIDER=pkcs11; use: keys hsm rotate --key tlog-signing');
      // Production brings the log's key from the environment; this makes one to put there.
      const origin = config.transparencyLog.origin;
      const key = generateEd25519NoteKey(origin);
      process.stdout.write(`QUANYI_TLOG_SIGNING_KEY=${key.signerKey}\n# publish this verifier key for auditors to pin:\n${key.verifierKey}\n`);
      return;
    }
    if (args[0] !== 'rotate') throw new ConfigError('keys', `has no command "${args[0] ?? ''}"; try: keys rotate, keys tlog, keys hsm`);
    const token = config.keyProvider.kind === 'pkcs11' ? openToken(config.keyProvider) : undefined;
    const provider: KeyProvider = token
      ? new Pkcs11KeyProvider(token, config.dataDir)
      : config.nodeEnv === 'production'
        ? new EnvKeyProvider(loadSecrets(config, process.env))
        : new LocalFileKeyProvider(path.join(config.dataDir, 'secrets.json'));
    const key = await provider.addKey().finally(() => token?.close());
    process.stdout.write(`new active personal-data key ${key.id}; restart to use it (old keys keep decrypting; data is re-encrypted in the background)\n`);
  },

  async 'verify-draw'(args) {
    const code = await verifyDrawCommand(args, (line) => process.stdout.write(`${line}\n`));
    process.exitCode = code;
  },

  async beacon(args) {
    const [sub, ...rest] = args;
    if (sub !== 'verify') throw new ConfigError('beacon', `has no command "${sub ?? ''}"; try: beacon verify`);
    const { values } = parseArgs({
      args: rest,
      options: { chain: { type: 'string', default: 'quicknet' }, round: { type: 'string' }, signature: { type: 'string' }, 'previous-signature': { type: 'string' } },
    });
    if (!values.round || !values.signature) throw new ConfigError('beacon verify', 'needs --round and --signature');
    const result = verifyBeaconCommand({ chain: values.chain, round: values.round, signatureHex: values.signature, previousSignatureHex: values['previous-signature'] });
    if (result.ok) {
      process.stdout.write(`PASS drand ${result.chain} round ${result.round}: randomness ${result.randomness}\n`);
    } else {
      process.stdout.write(`FAIL ${result.reason}: ${result.message}\n`);
      process.exitCode = 1;
    }
  },

  async settle(args) {
    const { values } = parseArgs({ args: [...args], options: { date: { type: 'string' } } });
    if (!values.date) throw new ConfigError('settle', 'needs --date YYYY-MM-DD');
    const built = await buildPlatform(loadConfig(process.env), process.env);
    try {
      const summary = await settlementOf(built.platform).run.settle(values.date);
      process.stdout.write(
        `settlement ${summary.date}: ${summary.statements} statement(s), ${summary.held} party(ies) held, ` +
          `${summary.paid} paid, ${summary.payoutsPending} payout(s) pending, ${summary.payoutsFailed} failed\n`,
      );
    } finally {
      await built.close();
    }
  },

  async help() {
    process.stdout.write(`${USAGE}\n`);
  },
};

/** `quanyi tax-sandbox import FILE [--url BASE]`: every row checked before any is added. */
async function importCommand(args: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: [...args], options: { url: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new ConfigError('tax-sandbox import', 'needs exactly one FILE (.json or .csv)');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('tax-sandbox import', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    if (values.url) {
      const rows = parseSandboxImport(text, file).length; // checked here first, so an error names the file's row
      const response = await fetch(`${values.url.replace(/\/+$/, '')}/invoices/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ invoices: readImportRows(text, file) }),
      });
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      if (!response.ok) throw new Error(`the sandbox refused the import: HTTP ${response.status} ${body.message ?? ''}`);
      process.stdout.write(`imported ${rows} invoice(s) into the sandbox at ${values.url}\n`);
      return;
    }
    parseSandboxImport(text, file); // every row checked before the database is opened
    const built = await buildPlatform(loadConfig(process.env), process.env);
    try {
      const { imported } = await importSandboxInvoices(built.platform, text, file);
      process.stdout.write(`imported ${imported} invoice(s) into the sandbox register\n`);
    } finally {
      await built.close();
    }
  } catch (error) {
    if (error instanceof SandboxImportError) throw new ConfigError('tax-sandbox import', `${file}: ${error.message}`);
    throw error;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [name = 'help', ...rest] = argv;
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`quanyi: unknown command "${name}"\n${USAGE}\n`);
    process.exit(2);
  }
  await command(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Operators get one line naming what to fix; a stack trace only for real bugs, and only with DEBUG.
  if (error instanceof ConfigError) {
    process.stderr.write(`quanyi: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`quanyi: ${message.split('\n')[0]}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  }
  process.exit(1);
});
