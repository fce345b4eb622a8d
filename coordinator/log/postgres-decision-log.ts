import pg from 'pg';
import { assert } from '../../lib/assert/assert.js';
import { systemClock, type Clock } from '../../lib/clock/clock.js';
import { errorText } from '../../lib/error-text/error-text.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import type { CommitRecord, LogRecord } from '../protocol/log-record.js';
import type { AppendOptions, DecisionLogStats, ReplayResult, SharedDecisionLog } from './decision-log.js';
import { DecisionTakenError, LogClosedError, LogQueueFullError } from './log-errors.js';
import { ConfigError } from '../../lib/config/config-error.js';
import { decisionLogFsyncDuration, decisionLogRecordsPerFsync } from './log-metrics.js';
import { inLockedTransaction } from '../../lib/postgres/locked-transaction.js';

export interface PostgresDecisionLogOptions {
  /** postgres://… of the database that holds the decisions (`synchronous_commit` must not be off). */
  readonly databaseUrl: string;
  /** This coordinator's id: the owner of the commits it writes, which it re-drives after a restart. */
  readonly coordinatorId: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Batches written at once, each on a connection of its own (default limits.sharedLogConnectionsMax). */
  readonly connectionsMax?: number;
  /** Ended commit rows are deleted this long after their end (default limits.sharedLogEndedRetentionMs). */
  readonly endedRetentionMs?: number;
  /**
   * Create the table if it is missing (default true: a coordinator). `false` (`twophase
   * admin resolve`): a database without it is refused, so that a mistyped URL does not get
   * a decision no coordinator reads.
   */
  readonly createSchema?: boolean;
  /** Give up (throw) after this many failed attempts of a statement instead of retrying for ever (an operator's tool). */
  readonly giveUpAfterAttempts?: number;
}

/** The table of decisions, one row per tx that has one (DESIGN.md, *Shared decision log*). */
export const sharedLogTable = 'twophase_decisions';

const table = sharedLogTable;

/** What this coordinator's connections are named in pg_stat_activity: how a later process of the same id finds them. */
function applicationNameOf(coordinatorId: string): string {
  return `twophase-coordinator-${coordinatorId}`;
}

const schema = [
  `CREATE TABLE IF NOT EXISTS ${table} (
    tx_id text PRIMARY KEY,
    decision text NOT NULL CHECK (decision IN ('commit', 'abort')),
    participants jsonb NOT NULL,
    decided_at_ms bigint NOT NULL,
    decided_by text NOT NULL,
    heuristic_reason text,
    ended_at_ms bigint
  )`,
  // the replay of one coordinator: its commits without an end
  `CREATE INDEX IF NOT EXISTS ${table}_open_commits ON ${table} (decided_by) WHERE decision = 'commit' AND ended_at_ms IS NULL`,
  // the retention sweep of ended commits
  `CREATE INDEX IF NOT EXISTS ${table}_ended ON ${table} (ended_at_ms) WHERE ended_at_ms IS NOT NULL`,
];

/**
 * Key of the advisory lock under which a coordinator makes the table: coordinators started
 * at once on a new database would otherwise race in CREATE TABLE IF NOT EXISTS, which
 * PostgreSQL does not make safe (one fails on pg_type's unique index). An arbitrary
 * constant ('2PCd'), fixed forever: every version must take the same lock.
 */
const schemaLockKey = 0x3250_4364;

/** One multi-row insert of commit decisions: the rows whose key was free are returned. */
const insertCommits = `INSERT INTO ${table} (tx_id, decision, participants, decided_at_ms, decided_by, heuristic_reason)
  SELECT r.tx_id, 'commit', r.participants, r.decided_at_ms, $2, r.heuristic_reason
  FROM jsonb_to_recordset($1::jsonb) AS r(tx_id text, participants jsonb, decided_at_ms bigint, heuristic_reason text)
  ON CONFLICT (tx_id) DO NOTHING
  RETURNING tx_id`;

interface PendingCommit {
  readonly record: CommitRecord;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * The decision log as rows of a PostgreSQL table that many coordinators share. A tx's
 * decision is its row, written once: a commit is a multi-row `INSERT … ON CONFLICT DO
 * NOTHING` of every commit record waiting (group commit: one round trip and one WAL flush
 * for the batch), committed with `synchronous_commit` on, and a commit whose key already
 * holds an abort was not written and is refused (`DecisionTakenError`). `settle` inserts an
 * abort unless a decision exists: PostgreSQL makes a concurrent insert of the same key wait
 * for the one in flight, so a late commit and an abort can never both hold. An unanswered
 * statement is sent again (the insert is idempotent by its key, and a commit already there
 * by us reads as written); nothing here gives up while the log is open.
 */
export class PostgresDecisionLog implements SharedDecisionLog {
  readonly shared = true;
  /** The commit batches' connections, one batch each: nothing else waits for them. */
  private readonly pool: pg.Pool;
  /** Settles, ends, the sweep and reads: a flood of settles cannot hold up a commit. */
  private readonly sidePool: pg.Pool;
  private readonly clock: Clock;
  private readonly connectionsMax: number;
  private readonly endedRetentionMs: number;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private commits: PendingCommit[] = [];
  private ends: string[] = [];
  private batchesInFlight = 0;
  private endsInFlight = false;
  private readonly idle: (() => void)[] = [];
  private sweepTimer: ReturnType<Clock['after']> | undefined;
  private counters = { appends: 0, syncedCommits: 0, syncs: 0, writes: 0 };

  constructor(private readonly options: PostgresDecisionLogOptions) {
    this.clock = options.clock ?? systemClock;
    this.connectionsMax = options.connectionsMax ?? limits.sharedLogConnectionsMax;
    this.endedRetentionMs = options.endedRetentionMs ?? limits.sharedLogEndedRetentionMs;
    assert(Number.isSafeInteger(this.connectionsMax) && this.connectionsMax > 0, 'connectionsMax is a positive integer');
    const connection = {
      connectionString: options.databaseUrl,
      application_name: applicationNameOf(options.coordinatorId),
      connectionTimeoutMillis: limits.sharedLogStatementTimeoutMs,
      // the client gives up on an answer, and the server on a statement, after as long: an
      // abandoned insert does not keep its key locked
      query_timeout: limits.sharedLogStatementTimeoutMs,
      statement_timeout: limits.sharedLogStatementTimeoutMs,
      keepAlive: true,
    };
    this.pool = new pg.Pool({ ...connection, max: this.connectionsMax });
    this.sidePool = new pg.Pool({ ...connection, max: limits.sharedLogSideConnectionsMax });
    // an idle pooled connection that fails is dropped by the pool; without a listener the error would end the process
    for (const pool of [this.pool, this.sidePool]) {
      pool.on('error', (err) => options.logger.warn({ err: errorText(err) }, 'an idle connection to the shared decision log failed; the pool replaces it'));
    }
  }

  /**
   * Ends the connections an earlier process of this coordinator id left (see
   * endEarlierConnections), creates the table if needed and returns this coordinator's
   * commits without an end.
   */
  async open(): Promise<ReplayResult> {
    assert(this.state === 'new', 'open() is called once, first');
    const url = new URL(this.options.databaseUrl);
    const where = `${url.host}${url.pathname}`;
    let settings: { synchronous_commit: string; standbys: string; present: boolean };
    try {
      const { rows } = await this.sidePool.query<{ synchronous_commit: string; standbys: string; present: boolean }>(
        `SELECT current_setting('synchronous_commit') AS synchronous_commit, current_setting('synchronous_standby_names') AS standbys, to_regclass($1) IS NOT NULL AS present`,
        [table],
      );
      settings = rows[0] ?? { synchronous_commit: 'unknown', standbys: '', present: false };
    } catch (err) {
      throw new ConfigError(`could not reach the shared decision log at ${where} (--decision-log): ${errorText(err)}`, 'decisionLog');
    }
    if (settings.synchronous_commit === 'off') {
      throw new ConfigError(
        `the shared decision log database ${where} runs with synchronous_commit = off: a commit decision it acknowledged could be lost in a crash; set it to on (ALTER DATABASE … SET synchronous_commit = on)`,
        'decisionLog',
      );
    }
    if (settings.standbys !== '' && (settings.synchronous_commit === 'local' || settings.synchronous_commit === 'remote_write')) {
      this.options.logger.warn(
        { synchronousCommit: settings.synchronous_commit },
        'the shared decision log database has synchronous standbys but synchronous_commit does not wait for them to flush: after a failover a commit decision it acknowledged may be missing, and a tx told to commit could then be settled as aborted; use on or remote_apply',
      );
    }
    if (this.options.createSchema === false) {
      if (!settings.present) throw new ConfigError(`${where} has no table ${table}: is it the coordinator's --decision-log? (a coordinator makes it when it first starts)`, 'decisionLog');
    } else {
      // first: an insert an earlier process left running would also hold up the schema's statements
      await this.endEarlierConnections();
      await this.createSchema();
    }
    if (this.state !== 'new') throw new LogClosedError(table, 'closed');
    const { rows } = await this.sidePool.query<{ tx_id: string; participants: string[]; decided_at_ms: string; heuristic_reason: string | null }>(
      `SELECT tx_id, participants, decided_at_ms, heuristic_reason FROM ${table}
       WHERE decided_by = $1 AND decision = 'commit' AND ended_at_ms IS NULL ORDER BY decided_at_ms, tx_id`,
      [this.options.coordinatorId],
    );
    if (this.state !== 'new') throw this.closedError();
    this.state = 'open';
    this.scheduleSweep();
    const records: LogRecord[] = rows.map((row) => ({
      kind: 'commit',
      txId: row.tx_id,
      participants: row.participants,
      decidedAtMs: Number(row.decided_at_ms),
      ...(row.heuristic_reason === null ? {} : { heuristic: { reason: row.heuristic_reason } }),
    }));
    this.options.logger.info({ coordinatorId: this.options.coordinatorId, openCommits: records.length }, 'shared decision log opened');
    return { records, truncatedBytes: 0 };
  }

  /**
   * Ends every connection to this database that an earlier process of this coordinator id
   * still holds, waiting (as long as a statement may take) until each is gone. A process
   * that was killed may have left a commit insert running on the server (behind a lock, a
   * slow flush): landing after the replay, it would be a commit no coordinator re-drives or
   * marks ended until the next start. Once its backend is gone, such an insert either
   * committed, and the replay reads it, or rolled back, and can no longer land. Not for an
   * operator's tool (`createSchema: false`), which must not cut a running coordinator off;
   * a failure (no right to signal those backends) is a warning, and the replay goes on.
   */
  private async endEarlierConnections(): Promise<void> {
    try {
      const { rows } = await this.sidePool.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid, $2) AS ended FROM pg_stat_activity
         WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()`,
        [applicationNameOf(this.options.coordinatorId), limits.sharedLogStatementTimeoutMs],
      );
      if (rows.length === 0) return;
      const notEnded = rows.filter((row) => !row.ended).length;
      if (notEnded === 0) this.options.logger.info({ connections: rows.length }, 'ended the connections an earlier process of this coordinator id still held to the shared decision log');
      else this.options.logger.warn({ connections: rows.length, notEnded }, 'connections of an earlier process of this coordinator id to the shared decision log did not end in time: a commit it had in flight may land after the replay (it is then re-driven at the next start)');
    } catch (err) {
      this.options.logger.warn({ err: errorText(err) }, 'could not end the connections an earlier process of this coordinator id holds to the shared decision log: a commit it had in flight may land after the replay (it is then re-driven at the next start)');
    }
  }

  /** The table and its indexes, if missing, in one transaction under the schema lock. */
  private async createSchema(): Promise<void> {
    const onSessionError = (err: Error): void => this.options.logger.warn({ err: err.message }, 'the session making the shared decision log table failed');
    await inLockedTransaction(this.sidePool, schemaLockKey, onSessionError, async (client) => {
      for (const statement of schema) await client.query(statement);
    });
  }

  /**
   * A commit record: resolves once its row is committed in PostgreSQL (whatever `sync`
   * says: the commit point is durable or it is not a commit point); rejects with
   * DecisionTakenError when an abort holds its key. An end: resolves at once; the row is
   * marked ended in the background (a crash may lose it, which costs a re-drive).
   */
  append(record: LogRecord, _options: AppendOptions): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.closedError());
    if (this.commits.length + this.ends.length >= limits.sharedLogPendingRecordsMax) {
      // nothing written: the caller may act as if it never asked (the tx aborts, the client retries)
      return Promise.reject(new LogQueueFullError(table, this.commits.length + this.ends.length, limits.sharedLogPendingRecordsMax));
    }
    this.counters.appends++;
    if (record.kind === 'end') {
      this.ends.push(record.txId);
      this.flushEnds();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.commits.push({ record, resolve, reject });
      this.flushCommits();
    });
  }

  /**
   * The decision that holds `txId`'s key now, if any (for `twophase admin resolve`); a
   * failure is thrown as it came.
   */
  async decisionOf(txId: string): Promise<{ decision: 'commit' | 'abort'; decidedBy: string; decidedAtMs: number; participants: string[]; heuristicReason: string | undefined; ended: boolean } | undefined> {
    const { rows } = await this.sidePool.query<{ decision: 'commit' | 'abort'; decided_by: string; decided_at_ms: string; participants: string[]; heuristic_reason: string | null; ended: boolean }>(
      `SELECT decision, decided_by, decided_at_ms, participants, heuristic_reason, ended_at_ms IS NOT NULL AS ended FROM ${table} WHERE tx_id = $1`,
      [txId],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { decision: row.decision, decidedBy: row.decided_by, decidedAtMs: Number(row.decided_at_ms), participants: row.participants, heuristicReason: row.heuristic_reason ?? undefined, ended: row.ended };
  }

  /** See SharedDecisionLog.settle. `heuristicReason`: an operator's abort (`twophase admin resolve --abort`), kept in the row. */
  async settle(txId: string, heuristicReason?: string): Promise<'committed' | 'aborted'> {
    for (let attempt = 1; ; attempt++) {
      if (this.state !== 'open') throw this.closedError();
      if (this.options.giveUpAfterAttempts !== undefined && attempt > this.options.giveUpAfterAttempts) {
        throw new Error(`could not settle ${txId} in the shared decision log after ${attempt - 1} attempts`);
      }
      try {
        // an insert of the same key in flight makes this one wait for it, and then see it
        const inserted = await this.sidePool.query<{ decision: string }>(
          `INSERT INTO ${table} (tx_id, decision, participants, decided_at_ms, decided_by, heuristic_reason) VALUES ($1, 'abort', '[]', $2, $3, $4)
           ON CONFLICT (tx_id) DO NOTHING RETURNING decision`,
          [txId, this.clock.now(), this.options.coordinatorId, heuristicReason ?? null],
        );
        if (inserted.rows.length === 1) return 'aborted';
        // a second statement, a new snapshot: the row that was in the way, committed
        const decision = (await this.decisionsOf([txId])).get(txId);
        if (decision === 'commit') return 'committed';
        if (decision === 'abort') return 'aborted';
        // swept between the two statements: ask again
      } catch (err) {
        this.options.logger.warn({ txId, attempt, err: errorText(err) }, 'could not settle a transaction in the shared decision log; will retry');
        await this.pause(attempt);
      }
    }
  }

  stats(): DecisionLogStats {
    return { ...this.counters, segments: 0, segmentsDeleted: 0 };
  }

  /** Waits for the commits and ends queued or in flight, then closes the connections. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') {
      while (this.state !== 'closed') await new Promise<void>((resolve) => this.idle.push(resolve));
      return;
    }
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.sweepTimer?.cancel();
    if (wasOpen) {
      this.flushCommits();
      this.flushEnds();
      while (this.batchesInFlight > 0 || this.endsInFlight || this.commits.length > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    }
    await Promise.all([this.pool.end(), this.sidePool.end()]);
    this.state = 'closed';
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Starts a batch of every waiting commit, unless every connection already carries one (the next batch then takes all that waited). */
  private flushCommits(): void {
    if (this.commits.length === 0 || this.batchesInFlight >= this.connectionsMax) return;
    const batch = this.commits.splice(0, limits.sharedLogBatchRowsMax);
    this.batchesInFlight++;
    void this.writeCommits(batch).finally(() => {
      this.batchesInFlight--;
      this.flushCommits();
      this.wakeIdle();
    });
  }

  private async writeCommits(batch: readonly PendingCommit[]): Promise<void> {
    const rows = batch.map(({ record }) => ({
      tx_id: record.txId,
      participants: record.participants,
      decided_at_ms: record.decidedAtMs,
      heuristic_reason: record.heuristic?.reason ?? null,
    }));
    for (let attempt = 1; ; attempt++) {
      const startedMs = this.clock.now();
      try {
        const inserted = await this.pool.query<{ tx_id: string }>(insertCommits, [JSON.stringify(rows), this.options.coordinatorId]);
        this.counters.syncs++;
        this.counters.writes++;
        decisionLogFsyncDuration.observe((this.clock.now() - startedMs) / 1000);
        decisionLogRecordsPerFsync.observe(batch.length);
        const written = new Set(inserted.rows.map((row) => row.tx_id));
        const taken = batch.filter(({ record }) => !written.has(record.txId));
        // a key in the way: an abort another coordinator settled, or our own commit, written
        // by an earlier attempt whose answer was lost
        const held = taken.length === 0 ? new Map<string, string>() : await this.decisionsOf(taken.map(({ record }) => record.txId));
        for (const pending of batch) {
          if (written.has(pending.record.txId) || held.get(pending.record.txId) === 'commit') {
            this.counters.syncedCommits++;
            pending.resolve();
          } else {
            pending.reject(new DecisionTakenError(pending.record.txId));
          }
        }
        return;
      } catch (err) {
        if (this.state !== 'open' || (this.options.giveUpAfterAttempts !== undefined && attempt >= this.options.giveUpAfterAttempts)) {
          // stopping (or an operator's tool giving up): whether they landed, the replay after a restart (or the next look) says
          this.options.logger.warn({ txs: batch.length, err: errorText(err) }, 'closing: commit decisions not confirmed by the shared decision log (a restart replays those that landed)');
          for (const pending of batch) pending.reject(this.state === 'open' ? new Error(`could not write to the shared decision log: ${errorText(err)}`, { cause: err }) : new LogClosedError(table, 'closing'));
          return;
        }
        this.options.logger.warn({ txs: batch.length, attempt, err: errorText(err) }, 'could not write commit decisions to the shared decision log; will retry');
        await this.pause(attempt);
      }
    }
  }

  private async decisionsOf(txIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.sidePool.query<{ tx_id: string; decision: string }>(`SELECT tx_id, decision FROM ${table} WHERE tx_id = ANY($1::text[])`, [txIds]);
    return new Map(rows.map((row) => [row.tx_id, row.decision]));
  }

  /** Marks the waiting ends, one statement at a time, until none wait (retried while the database is down, unless closing). */
  private flushEnds(): void {
    if (this.endsInFlight || this.ends.length === 0) return;
    this.endsInFlight = true;
    void (async () => {
      for (let attempt = 1; this.ends.length > 0; ) {
        const txIds = this.ends.slice(0, limits.sharedLogBatchRowsMax);
        try {
          await this.sidePool.query(`UPDATE ${table} SET ended_at_ms = $2 WHERE tx_id = ANY($1::text[]) AND ended_at_ms IS NULL`, [txIds, this.clock.now()]);
          this.ends.splice(0, txIds.length);
          this.counters.writes++;
          attempt = 1;
        } catch (err) {
          // an end lost costs a re-drive after a restart, never a decision
          if (this.state !== 'open') {
            this.options.logger.warn({ txs: this.ends.length, err: errorText(err) }, 'closing: ends not written to the shared decision log (their commits are re-driven after a restart)');
            this.ends = [];
            break;
          }
          this.options.logger.warn({ txs: txIds.length, attempt, err: errorText(err) }, 'could not mark ends in the shared decision log; will retry');
          await this.pause(attempt++);
        }
      }
      this.endsInFlight = false;
      this.wakeIdle();
    })();
  }

  /** Deletes commit rows ended longer ago than the retention, every sweep interval. Aborts stay: see README, *Shared decision log*. */
  private scheduleSweep(): void {
    this.sweepTimer = this.clock.after(limits.sharedLogSweepIntervalMs, () => {
      if (this.state !== 'open') return;
      void this.sidePool
        .query(`DELETE FROM ${table} WHERE ended_at_ms IS NOT NULL AND ended_at_ms < $1`, [this.clock.now() - this.endedRetentionMs])
        .then(
          (res) => {
            if ((res.rowCount ?? 0) > 0) this.options.logger.debug({ deleted: res.rowCount }, 'swept ended commits from the shared decision log');
          },
          (err: unknown) => this.options.logger.warn({ err: errorText(err) }, 'could not sweep ended commits from the shared decision log; will try at the next sweep'),
        )
        .finally(() => {
          if (this.state === 'open') this.scheduleSweep();
        });
    });
  }

  /**
   * The wait before attempt `attempt + 1`. A timer that keeps the process alive (unlike the
   * clock's): a short-lived command (`twophase admin resolve`) waiting to retry must not
   * end as if it had finished.
   */
  private pause(attempt: number): Promise<void> {
    const delayMs = Math.min(limits.sharedLogRetryMsMax, limits.sharedLogRetryMsBase * 2 ** Math.min(attempt - 1, 10));
    return new Promise((resolve) => setTimeout(resolve, delayMs));
  }

  private closedError(): LogClosedError {
    return new LogClosedError(table, this.state === 'closing' ? 'closing' : 'closed');
  }

  private wakeIdle(): void {
    if (this.batchesInFlight === 0 && !this.endsInFlight && this.commits.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
