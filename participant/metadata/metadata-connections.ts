import pg from 'pg';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '../../lib/metrics/metrics.js';
import { errorText } from '../../lib/error-text/error-text.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import type { MetadataStoreSettings } from './metadata-store-settings.js';
import { MetadataUnavailableError } from './metadata-unavailable-error.js';
import { sqlState } from './sql-state.js';

/**
 * The metadata participant's connections to PostgreSQL, all with the same limits: the
 * server's `statement_timeout`, the client's `query_timeout`, a bounded wait for a
 * connection, and TCP keepalive at both ends. Two pools: one whose connections open
 * branches hold until they prepare (at most branchesMax), and a small shared one for
 * everything else; plus fresh connections of their own for asking what a statement
 * whose answer was lost did. Every failure of a connection, a lost answer or a statement
 * timeout leaves here as MetadataUnavailableError (retryable); anything else unchanged.
 */
/** Every open MetadataConnections of the process, for the pool gauge. */
const poolsOfProcess = new Set<MetadataConnections>();

new Gauge({
  name: 'twophase_postgres_pool_connections',
  help: 'connections of the metadata participant to PostgreSQL, by pool (branch: one per open branch; shared: reads and phase 2) and state (busy, idle), and calls waiting for one (state waiting)',
  labelNames: ['pool', 'state'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const connections of poolsOfProcess) {
      for (const [name, pool] of Object.entries(connections.poolCounts())) {
        this.labels(name, 'busy').inc(pool.total - pool.idle);
        this.labels(name, 'idle').inc(pool.idle);
        this.labels(name, 'waiting').inc(pool.waiting);
      }
    }
  },
});

export class MetadataConnections {
  /** Names our sessions in pg_stat_activity, so that only ours are ever terminated. */
  private readonly applicationName: string;
  /** Settings of every connection, the pools' and the fresh ones that settle what a lost answer did. */
  private readonly connectionOptions: pg.ClientConfig;
  /** Connections held by open branches: at most branchesMax, so the store's count of them is the only queue. */
  private readonly branchPool: pg.Pool;
  /** Connections for reads, commitPrepared, rollbackPrepared and housekeeping; public for applyMigrations, which takes a pool. */
  readonly sharedPool: pg.Pool;

  constructor(
    private readonly settings: Pick<
      MetadataStoreSettings,
      'databaseUrl' | 'participantId' | 'branchesMax' | 'statementTimeoutMs' | 'queryTimeoutMs' | 'connectionWaitMs'
    >,
    private readonly logger: Logger,
  ) {
    this.applicationName = `twophase-${settings.participantId}`;
    const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));
    const poolOptions: pg.PoolConfig = {
      connectionString: settings.databaseUrl,
      application_name: this.applicationName,
      connectionTimeoutMillis: settings.connectionWaitMs,
      // a statement the server cannot finish ends there (the lock timeout, set per branch, is shorter)
      statement_timeout: settings.statementTimeoutMs,
      // an answer that never comes (a link that drops packets, a frozen server) ends here:
      // without it a COMMIT PREPARED or a read waited for ever, holding row locks
      query_timeout: settings.queryTimeoutMs,
      // finds a dead peer of an idle connection (a branch waiting for its next write) in
      // seconds, not after the OS default of two hours; the server probes its end the same
      // way (a connection string's own `options` wins over these)
      keepAlive: true,
      keepAliveInitialDelayMillis: limits.metadataKeepAliveIdleMs,
      options: [
        `-c tcp_keepalives_idle=${seconds(limits.metadataKeepAliveIdleMs)}`,
        `-c tcp_keepalives_interval=${seconds(limits.metadataKeepAliveIntervalMs)}`,
        `-c tcp_keepalives_count=${limits.metadataKeepAliveProbesMax}`,
      ].join(' '),
    };
    this.connectionOptions = poolOptions;
    this.branchPool = new pg.Pool({ ...poolOptions, max: settings.branchesMax });
    this.sharedPool = new pg.Pool({ ...poolOptions, max: limits.metadataSharedConnectionsMax });
    poolsOfProcess.add(this);
    // an idle pooled connection that fails is dropped by the pool; without a listener the error would end the process
    for (const pool of [this.branchPool, this.sharedPool]) {
      pool.on('error', (err) => this.logger.warn({ err }, 'an idle PostgreSQL connection failed; the pool replaces it'));
    }
  }

  /**
   * A statement on the shared pool; an unreachable server, a lost answer or the statement
   * timeout becomes MetadataUnavailableError (retryable). The pool closes a session whose
   * statement failed so, rather than reuse it.
   */
  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.sharedPool.query<R>(text, values);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  /** A connection of the branch pool, for one branch until it prepares or rolls back; its failure is thrown as it came. */
  branchClient(): Promise<pg.PoolClient> {
    return this.branchPool.connect();
  }

  /** A connection of the shared pool, with a listener for the 'error' a checked-out client emits when its session fails. */
  async sharedClient(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.sharedPool.connect();
    } catch (err) {
      throw this.unavailable(err);
    }
    const onError = (err: Error): void => this.logger.debug({ err }, 'a PostgreSQL session in use failed');
    client.on('error', onError);
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) => {
      client.removeListener('error', onError);
      release(err);
    };
    return client;
  }

  /**
   * Runs `use` on a new connection of its own, closed afterwards. The pools' idle
   * connections may share the path that just lost an answer, so what that answer would
   * have said is asked on a fresh one. Failures are MetadataUnavailableError.
   */
  async onFreshConnection<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client(this.connectionOptions);
    client.on('error', (err) => this.logger.debug({ err }, 'a fresh PostgreSQL session failed'));
    try {
      await client.connect();
      return await use(client);
    } catch (err) {
      throw this.unavailable(err);
    } finally {
      await closeWithin(client, this.settings.queryTimeoutMs);
    }
  }

  /**
   * Ends the server session `pid` of this participant, if it is still there, and waits
   * until it is gone: whatever it was doing (a PREPARE, a COMMIT PREPARED) is then done or
   * undone for good. An unknown pid (the session never finished its startup) ran nothing.
   * Runs on `connection`, or on a fresh one when none is given. MetadataUnavailableError
   * when that cannot be done now.
   */
  async endSession(pid: number | undefined, cause?: unknown, connection?: pg.Client): Promise<void> {
    if (pid === undefined) return;
    if (connection === undefined) {
      await this.onFreshConnection((fresh) => this.endSession(pid, cause, fresh));
      return;
    }
    const waitMs = Math.max(1, Math.floor(this.settings.statementTimeoutMs / 2));
    const { rows } = await connection.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid, $3) AS ended FROM pg_stat_activity
       WHERE pid = $1 AND application_name = $2 AND datname = current_database()`,
      [pid, this.applicationName, waitMs],
    );
    if (rows[0]?.ended === false) {
      throw new MetadataUnavailableError(`PostgreSQL session ${pid}, whose answer was lost, did not end within ${waitMs} ms`, { cause });
    }
  }

  /** `endSession` without waiting for it: a failure is only logged, the server ends the session after its idle limit anyway. */
  endSessionInBackground(pid: number | undefined, logger: Logger): void {
    this.endSession(pid).catch((err: unknown) =>
      logger.warn({ err, pid }, 'could not end the PostgreSQL session of a failed branch; the server ends it after idle_in_transaction_session_timeout'),
    );
  }

  /** A connection-level failure as MetadataUnavailableError, saying what a query timeout means; anything else unchanged. */
  unavailable(err: unknown): unknown {
    if (err instanceof MetadataUnavailableError) return err;
    if (sqlState.isQueryTimeout(err)) {
      return new MetadataUnavailableError(
        `no answer from PostgreSQL within the query timeout of ${this.settings.queryTimeoutMs} ms (the link or the server is down or stalled); the session was closed`,
        { cause: err },
      );
    }
    if (err instanceof Error && /^timeout expired$|timeout exceeded when trying to connect/.test(err.message)) {
      return new MetadataUnavailableError(
        `no connection to PostgreSQL within ${this.settings.connectionWaitMs} ms (the link or the server is down, stalled or busy)`,
        { cause: err },
      );
    }
    if (sqlState.of(err) === sqlState.queryCanceled) {
      return new MetadataUnavailableError(
        `PostgreSQL ended the statement at the statement timeout of ${this.settings.statementTimeoutMs} ms: ${errorText(err)}`,
        { cause: err },
      );
    }
    if (sqlState.isConnectionFailure(err)) return new MetadataUnavailableError(errorText(err), { cause: err });
    return err;
  }

  /** Closes both pools: resolves once every connection of theirs is closed, one still checked out once it is released. */
  /** Connections of each pool now: all, idle, and calls waiting for one. */
  poolCounts(): Record<'branch' | 'shared', { total: number; idle: number; waiting: number }> {
    const counts = (pool: pg.Pool) => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    return { branch: counts(this.branchPool), shared: counts(this.sharedPool) };
  }

  async end(): Promise<void> {
    poolsOfProcess.delete(this);
    await Promise.all([this.branchPool.end(), this.sharedPool.end()]);
  }
}

/** Ends `client` politely, or drops its socket when the server does not answer within `waitMs` (a link that lost answers). */
async function closeWithin(client: pg.Client, waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([client.end().catch(() => undefined), late]);
  clearTimeout(timer);
  client.connection.stream.destroy();
}
