import { assert } from '../../lib/assert/assert.js';
import type { Clock, Timer } from '../../lib/clock/clock.js';
import type { CommitRecord, LogRecord } from '../../coordinator/protocol/log-record.js';
import type { AppendOptions, DecisionLogStats, ReplayResult, SharedDecisionLog } from '../../coordinator/log/decision-log.js';
import { DecisionTakenError, LogClosedError, LogQueueFullError } from '../../coordinator/log/log-errors.js';
import type { SimDbClient, SimDbPool, SimSharedDatabase } from './sim-shared-database.js';

/** PostgresDecisionLog's limits, as the simulator scales them (sim-options.ts `sharedLogSim`). */
export interface SimSharedLogLimits {
  readonly connectionsMax: number;
  readonly sideConnectionsMax: number;
  readonly batchRowsMax: number;
  readonly pendingRecordsMax: number;
  readonly retryMsBase: number;
  readonly retryMsMax: number;
  readonly endedRetentionMs: number;
  readonly sweepIntervalMs: number;
  /**
   * Before its replay, open ends the connections an earlier process of this coordinator id
   * still holds (the fix of a bug the simulator found); `false` is the open before it.
   */
  readonly fencesEarlierProcesses: boolean;
}

export interface SimSharedDecisionLogOptions {
  readonly coordinatorId: string;
  readonly db: SimSharedDatabase;
  /** The coordinator incarnation that sends the statements. */
  readonly client: SimDbClient;
  readonly clock: Clock;
  readonly limits: SimSharedLogLimits;
}

const table = 'twophase_decisions';

interface PendingCommit {
  readonly record: CommitRecord;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * `PostgresDecisionLog` (coordinator/log/postgres-decision-log.ts) over the simulated
 * database, statement for statement: the production class builds its pg pools itself and
 * waits between attempts on Node's own timers, neither of which the simulator can hand it,
 * so this is its logic again on the simulator's pools and clock. What it keeps of it: commit
 * records batched (at most `batchRowsMax` rows a statement, at most `connectionsMax` batches
 * in flight, each on its pool connection; the next batch takes every record that waited), a
 * taken key read back on the side pool (our own earlier, unanswered insert reads as
 * written, an abort is DecisionTakenError), every failed statement sent again after a
 * doubling backoff while the log is open, ends marked in the background one statement at a
 * time, settle as an insert of the abort then a read in a second statement (again if the
 * row was swept between), the sweep of ended commits, a replay of the open commits this
 * coordinator owns, and close waiting for what is queued or in flight. Left out: the
 * operator's `giveUpAfterAttempts` and `decisionOf`, and metrics.
 */
export class SimSharedDecisionLog implements SharedDecisionLog {
  readonly shared = true;
  private readonly pool: SimDbPool;
  private readonly sidePool: SimDbPool;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private commits: PendingCommit[] = [];
  private ends: string[] = [];
  private batchesInFlight = 0;
  private endsInFlight = false;
  private readonly idle: (() => void)[] = [];
  private sweepTimer: Timer | undefined;
  private readonly counters = { appends: 0, syncedCommits: 0, syncs: 0, writes: 0 };
  /** The simulator's own: ends refused as over the queue's limit and not appended since (the runtime appends them again later). */
  private readonly refusedEnds = new Set<string>();

  constructor(private readonly o: SimSharedDecisionLogOptions) {
    this.pool = o.db.pool(o.client, o.limits.connectionsMax);
    this.sidePool = o.db.pool(o.client, o.limits.sideConnectionsMax);
  }

  /**
   * The settings check, the end of the connections an earlier process of this id left, the
   * schema, then this coordinator's commits without an end; a failure but the first's fails
   * the start.
   */
  async open(): Promise<ReplayResult> {
    assert(this.state === 'new', 'open() is called once, first');
    await this.sidePool.ping('select settings');
    if (this.o.limits.fencesEarlierProcesses) {
      try {
        await this.sidePool.terminateEarlierConnections();
      } catch {
        // as production: a warning, and the start goes on
      }
    }
    // the schema in one transaction under an advisory lock: three statements, one round trip each
    for (const statement of ['begin; lock', 'create table and indexes', 'commit']) await this.sidePool.ping(statement);
    if (this.state !== 'new') throw new LogClosedError(table, 'closed');
    const rows = await this.sidePool.openCommitsOf(this.o.coordinatorId);
    if (this.state !== 'new') throw this.closedError();
    this.state = 'open';
    this.scheduleSweep();
    const records: LogRecord[] = rows.map((row) => ({ kind: 'commit', txId: row.txId, participants: row.participants, decidedAtMs: row.decidedAtMs }));
    return { records, truncatedBytes: 0 };
  }

  append(record: LogRecord, _options: AppendOptions): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.closedError());
    if (this.commits.length + this.ends.length >= this.o.limits.pendingRecordsMax) {
      if (record.kind === 'end') this.refusedEnds.add(record.txId);
      return Promise.reject(new LogQueueFullError(table, this.commits.length + this.ends.length, this.o.limits.pendingRecordsMax));
    }
    this.counters.appends++;
    if (record.kind === 'end') {
      this.refusedEnds.delete(record.txId);
      this.ends.push(record.txId);
      this.flushEnds();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.commits.push({ record, resolve, reject });
      this.flushCommits();
    });
  }

  async settle(txId: string): Promise<'committed' | 'aborted'> {
    for (let attempt = 1; ; attempt++) {
      if (this.state !== 'open') throw this.closedError();
      try {
        const inserted = await this.sidePool.insertAbort(txId, this.o.clock.now(), this.o.coordinatorId);
        if (inserted) return 'aborted';
        const decision = (await this.sidePool.decisionsOf([txId])).get(txId);
        if (decision === 'commit') return 'committed';
        if (decision === 'abort') return 'aborted';
        // swept between the two statements: ask again
      } catch {
        await this.pause(attempt);
      }
    }
  }

  /**
   * Only for mutant (l), `resolveByRead` (sim-options.ts): the decision that holds `txId`'s
   * key, or undefined, read with settle's retries and without writing anything.
   */
  async readDecision(txId: string): Promise<'commit' | 'abort' | undefined> {
    for (let attempt = 1; ; attempt++) {
      if (this.state !== 'open') throw this.closedError();
      try {
        return (await this.sidePool.decisionsOf([txId])).get(txId);
      } catch {
        await this.pause(attempt);
      }
    }
  }

  /** Nothing queued, in flight or refused for now (for the simulator's quiescence: every end marked that will be). */
  drained(): boolean {
    return this.batchesInFlight === 0 && !this.endsInFlight && this.commits.length === 0 && this.ends.length === 0 && this.refusedEnds.size === 0;
  }

  stats(): DecisionLogStats {
    return { ...this.counters, segments: 0, segmentsDeleted: 0 };
  }

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
    this.state = 'closed';
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private flushCommits(): void {
    if (this.commits.length === 0 || this.batchesInFlight >= this.o.limits.connectionsMax) return;
    const batch = this.commits.splice(0, this.o.limits.batchRowsMax);
    this.batchesInFlight++;
    void this.writeCommits(batch).finally(() => {
      this.batchesInFlight--;
      this.flushCommits();
      this.wakeIdle();
    });
  }

  private async writeCommits(batch: readonly PendingCommit[]): Promise<void> {
    const rows = batch.map(({ record }) => ({ txId: record.txId, participants: record.participants, decidedAtMs: record.decidedAtMs }));
    for (let attempt = 1; ; attempt++) {
      try {
        const written = new Set(await this.pool.insertCommits(rows, this.o.coordinatorId));
        this.counters.syncs++;
        this.counters.writes++;
        const taken = batch.filter(({ record }) => !written.has(record.txId));
        // a key in the way: an abort another coordinator settled, or our own commit, written
        // by an earlier attempt whose answer was lost
        const held = taken.length === 0 ? new Map<string, string>() : await this.sidePool.decisionsOf(taken.map(({ record }) => record.txId));
        for (const pending of batch) {
          if (written.has(pending.record.txId) || held.get(pending.record.txId) === 'commit') {
            this.counters.syncedCommits++;
            pending.resolve();
          } else {
            pending.reject(new DecisionTakenError(pending.record.txId));
          }
        }
        return;
      } catch {
        if (this.state !== 'open') {
          // stopping: whether they landed, the replay after a restart says
          for (const pending of batch) pending.reject(new LogClosedError(table, 'closing'));
          return;
        }
        await this.pause(attempt);
      }
    }
  }

  private flushEnds(): void {
    if (this.endsInFlight || this.ends.length === 0) return;
    this.endsInFlight = true;
    void (async () => {
      for (let attempt = 1; this.ends.length > 0; ) {
        const txIds = this.ends.slice(0, this.o.limits.batchRowsMax);
        try {
          await this.sidePool.markEnded(txIds, this.o.clock.now());
          this.ends.splice(0, txIds.length);
          this.counters.writes++;
          attempt = 1;
        } catch {
          // an end lost costs a re-drive after a restart, never a decision
          if (this.state !== 'open') {
            this.ends = [];
            break;
          }
          await this.pause(attempt++);
        }
      }
      this.endsInFlight = false;
      this.wakeIdle();
    })();
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.o.clock.after(this.o.limits.sweepIntervalMs, () => {
      if (this.state !== 'open') return;
      void this.sidePool
        .sweep(this.o.clock.now() - this.o.limits.endedRetentionMs)
        .catch(() => undefined)
        .finally(() => {
          if (this.state === 'open') this.scheduleSweep();
        });
    });
  }

  /** The wait before attempt `attempt + 1`, on the process's clock (a paused or dead process does not retry). */
  private pause(attempt: number): Promise<void> {
    const delayMs = Math.min(this.o.limits.retryMsMax, this.o.limits.retryMsBase * 2 ** Math.min(attempt - 1, 10));
    return new Promise((resolve) => this.o.clock.after(delayMs, resolve));
  }

  private closedError(): LogClosedError {
    return new LogClosedError(table, this.state === 'closing' ? 'closing' : 'closed');
  }

  private wakeIdle(): void {
    if (this.batchesInFlight === 0 && !this.endsInFlight && this.commits.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
