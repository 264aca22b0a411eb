import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Where Debian/Ubuntu put the PostgreSQL 15 binaries (PG15_BIN overrides). */
export const PG15_BIN = process.env.PG15_BIN ?? '/usr/lib/postgresql/15/bin';

/** True when initdb, pg_ctl and postgres of PostgreSQL 15 are installed where OwnPostgres looks for them. */
export function postgres15Available(): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((name) => fs.existsSync(path.join(PG15_BIN, name)));
}

/** Every cluster started by this process and not yet destroyed, so an exit handler can stop them all. */
const running = new Set<OwnPostgres>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGQUIT is PostgreSQL's immediate shutdown, sent without waiting.
  process.on('exit', () => {
    for (const cluster of running) cluster.killNow();
  });
}

/**
 * A PostgreSQL 15 cluster of the caller's own: initdb into a temporary directory, trust authentication, listening
 * on 127.0.0.1 at a free port (no Unix socket outside its directory). The machine's shared PostgreSQL (port 5432)
 * serves everything else and is never touched. The caller may restart, stop for a while, or kill it.
 *
 * initdb and postgres refuse to run as root, so when this process is root they run as the `postgres` OS user
 * (`runuser -u postgres --`) on a directory owned by that user. fsync is off: a drill or a test cluster does not
 * need its data to survive a machine crash, only a server restart (which fsync does not affect).
 */
export class OwnPostgres {
  private pid: number | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** initdb and start. */
  static async start(options: { maxConnections?: number } = {}): Promise<OwnPostgres> {
    if (!postgres15Available()) throw new Error(`PostgreSQL 15 binaries not found in ${PG15_BIN}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-own-pg-'));
    const cluster = new OwnPostgres(dir, await freePort());
    running.add(cluster);
    installExitHook();
    try {
      if (isRoot()) {
        const { stdout } = await run('id', ['-u', 'postgres']);
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        fs.chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
      }
      await cluster.asOwner('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '-N', '--no-instructions']);
      fs.appendFileSync(
        path.join(cluster.dataDir, 'postgresql.conf'),
        [
          `port = ${cluster.port}`,
          "listen_addresses = '127.0.0.1'",
          `unix_socket_directories = '${dir}'`,
          `max_connections = ${options.maxConnections ?? 100}`,
          'fsync = off',
          'full_page_writes = off',
          'shared_buffers = 32MB',
          '',
        ].join('\n'),
      );
      await cluster.startServer();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** The `postgres` database as the `postgres` superuser (trust). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The URL of another database of this cluster. */
  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Whether the server is running (as far as this object knows). */
  get up(): boolean {
    return this.pid !== undefined;
  }

  /** Creates a database (and answers its URL). */
  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.urlOf(name);
  }

  /** Starts the server (it must be stopped) and waits until it accepts connections. */
  async startServer(): Promise<void> {
    // After a kill -9, orphaned backends may hold the shared memory for a moment: pg_ctl start fails until they go.
    let lastError: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await this.asOwner('pg_ctl', ['-D', this.dataDir, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '30', 'start']);
        this.pid = Number(fs.readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        return;
      } catch (error) {
        lastError = error;
        await sleep(250);
      }
    }
    throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${this.log().slice(-2000)}`);
  }

  /** Fast shutdown (clients are disconnected, open transactions roll back), waiting until it is down. */
  async stopServer(): Promise<void> {
    if (this.pid === undefined) return;
    await this.asOwner('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    this.pid = undefined;
  }

  /** A restart as an operator would do it: fast shutdown, then start. */
  async restart(): Promise<void> {
    await this.stopServer();
    await this.startServer();
  }

  /** Fast shutdown, `ms` of nothing listening, then start again. */
  async stopFor(ms: number): Promise<void> {
    await this.stopServer();
    await sleep(ms);
    await this.startServer();
  }

  /** SIGKILL of the postmaster, as a crash; `startServer` then recovers from the WAL. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.pid = undefined;
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  }

  /** Stops the server (immediately) and deletes its directory. */
  async destroy(): Promise<void> {
    if (this.pid !== undefined) {
      await this.asOwner('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => this.killNow());
      this.pid = undefined;
    }
    running.delete(this);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort (process exit): immediate shutdown by signal. */
  killNow(): void {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, 'SIGQUIT');
    } catch {
      // already gone
    }
    this.pid = undefined;
  }

  /** The server's log so far. */
  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private async asOwner(binary: string, args: readonly string[]): Promise<void> {
    const command = path.join(PG15_BIN, binary);
    // pg_ctl start leaves postgres running with our stdio unless it is redirected (-l): never wait on its pipes.
    if (isRoot()) await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: this.dir, timeout: 60_000 });
    else await run(command, [...args], { cwd: this.dir, timeout: 60_000 });
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
