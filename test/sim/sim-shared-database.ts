import { Fifo } from '../../lib/fifo/fifo.js';
import type { SimChecker } from './sim-checker.js';
import type { SimProcessGate } from './sim-process-gate.js';
import type { SharedLogScenario } from './sim-options.js';
import type { SimWorld } from './sim-world.js';

/** A row of the decisions table (postgres-decision-log.ts `twophase_decisions`): the row is the decision, written once. */
export interface DecisionRow {
  readonly decision: 'commit' | 'abort';
  readonly participants: readonly string[];
  readonly decidedAtMs: number;
  readonly decidedBy: string;
  endedAtMs: number | undefined;
}

/** A commit row to insert, as PostgresDecisionLog's batch sends it. */
export interface CommitRow {
  readonly txId: string;
  readonly participants: readonly string[];
  readonly decidedAtMs: number;
}

/**
 * A statement failed as pg reports it: refused before the server saw it, cut off, cancelled
 * by its timeout, or its answer lost after it committed. The client cannot tell which.
 */
export class SimDbError extends Error {
  override readonly name = 'SimDbError';
}

/** The process that sends statements: one coordinator incarnation. */
export interface SimDbClient {
  /** The coordinator id, for the trace and for cuts between it and the database. */
  readonly name: string;
  /** Still this incarnation: a dead process hears no answer. */
  alive(): boolean;
  /** A paused process sends and hears nothing until it is continued. */
  readonly gate: SimProcessGate;
}

/** Statement durations and faults of the database machine: the drawn scenario, and the timeout the client sets. */
export interface SimDatabaseTiming {
  readonly statementTimeoutMs: number;
}

/**
 * The shared decision log's PostgreSQL, on a machine of its own: a table of decisions that
 * never loses a committed row. Each statement is atomic at one instant (its COMMIT, with
 * `synchronous_commit` on): PostgreSQL makes an insert of a key that another insert in
 * flight holds wait for that one, so two inserts of one key are serialized, as the instants
 * here serialize them. Between a client and that instant a statement can be refused (the
 * database is down or cut off from that client: nothing done), slow (past the statement
 * timeout it is cancelled: nothing done), and after it its answer can be lost (done, but
 * the client hears an error or nothing): the ambiguous outcome the log must retry through.
 * The server finishes what it received whatever happens to the client.
 */
export class SimSharedDatabase {
  readonly rows = new Map<string, DecisionRow>();
  /** The database machine is down (a restart, a failover) until then: every statement fails. */
  private downUntilMs = 0;
  /** Per client: cut off from the database until then. */
  private readonly cutUntilMs = new Map<string, number>();
  /** Statements sent and not yet at their instant, with the process that sent them (its backend). */
  private readonly inFlight = new Set<{ readonly client: SimDbClient; terminated: boolean }>();

  constructor(
    private readonly w: SimWorld,
    private readonly checker: SimChecker,
    private readonly faults: SharedLogScenario,
    private readonly timing: SimDatabaseTiming,
  ) {}

  /** The participants of `txId`'s committed commit row, if it holds one: the commit point. */
  commitOf(txId: string): readonly string[] | undefined {
    const row = this.rows.get(txId);
    return row?.decision === 'commit' ? row.participants : undefined;
  }

  /** Commit rows without an end, for the no-orphans check. */
  openCommits(): string[] {
    const out: string[] = [];
    for (const [txId, row] of this.rows) if (row.decision === 'commit' && row.endedAtMs === undefined) out.push(txId);
    return out;
  }

  /** The database machine goes down for `ms` (statements in flight fail, none is half done). */
  outage(ms: number): void {
    this.downUntilMs = Math.max(this.downUntilMs, this.w.nowMs + ms);
    this.w.stats.dbOutages++;
    if (this.w.tracing) this.w.trace(`!! database down until ${this.downUntilMs.toFixed(1)}`);
  }

  /** `client` cannot reach the database for `ms`. */
  cut(client: string, ms: number): void {
    this.cutUntilMs.set(client, Math.max(this.cutUntilMs.get(client) ?? 0, this.w.nowMs + ms));
    if (this.w.tracing) this.w.trace(`!! ${client} cut off from the database until ${(this.w.nowMs + ms).toFixed(1)}`);
  }

  /** The faults heal: the database is up and every client reaches it (statements refused, slow or unanswered stop with `faultsOn`). */
  heal(): void {
    this.downUntilMs = 0;
    this.cutUntilMs.clear();
  }

  /** A connection pool of `connectionsMax` for `client`, as pg.Pool with PostgresDecisionLog's options. */
  pool(client: SimDbClient, connectionsMax: number): SimDbPool {
    return new SimDbPool(this, this.w, client, connectionsMax, this.timing.statementTimeoutMs);
  }

  // --- the statements, each applied at its instant (postgres-decision-log.ts's SQL) ---

  /** `INSERT … SELECT … ON CONFLICT (tx_id) DO NOTHING RETURNING tx_id`: the rows whose key was free. */
  insertCommits(rows: readonly CommitRow[], by: string): string[] {
    const inserted: string[] = [];
    for (const r of rows) {
      if (this.rows.has(r.txId)) continue;
      this.rows.set(r.txId, { decision: 'commit', participants: r.participants, decidedAtMs: r.decidedAtMs, decidedBy: by, endedAtMs: undefined });
      inserted.push(r.txId);
      this.checker.decisionDurable(r.txId, r.participants);
    }
    return inserted;
  }

  /** settle's `INSERT … VALUES ($1, 'abort', …) ON CONFLICT (tx_id) DO NOTHING RETURNING decision`: whether it was inserted. */
  insertAbort(txId: string, nowMs: number, by: string): boolean {
    if (this.rows.has(txId)) return false;
    this.rows.set(txId, { decision: 'abort', participants: [], decidedAtMs: nowMs, decidedBy: by, endedAtMs: undefined });
    return true;
  }

  /** `SELECT tx_id, decision … WHERE tx_id = ANY($1)`. */
  decisionsOf(txIds: readonly string[]): Map<string, 'commit' | 'abort'> {
    const out = new Map<string, 'commit' | 'abort'>();
    for (const txId of txIds) {
      const row = this.rows.get(txId);
      if (row !== undefined) out.set(txId, row.decision);
    }
    return out;
  }

  /** The replay: `decided_by = $1 AND decision = 'commit' AND ended_at_ms IS NULL ORDER BY decided_at_ms, tx_id`. */
  openCommitsOf(by: string): { txId: string; participants: readonly string[]; decidedAtMs: number }[] {
    const out: { txId: string; participants: readonly string[]; decidedAtMs: number }[] = [];
    for (const [txId, row] of this.rows) {
      if (row.decidedBy === by && row.decision === 'commit' && row.endedAtMs === undefined) out.push({ txId, participants: row.participants, decidedAtMs: row.decidedAtMs });
    }
    return out.sort((a, b) => a.decidedAtMs - b.decidedAtMs || (a.txId < b.txId ? -1 : a.txId > b.txId ? 1 : 0));
  }

  /** `UPDATE … SET ended_at_ms = $2 WHERE tx_id = ANY($1) AND ended_at_ms IS NULL`. */
  markEnded(txIds: readonly string[], nowMs: number): void {
    for (const txId of txIds) {
      const row = this.rows.get(txId);
      if (row !== undefined && row.endedAtMs === undefined) row.endedAtMs = nowMs;
    }
  }

  /**
   * `pg_terminate_backend` of every connection with `client`'s application name but its
   * own (an earlier process of the same coordinator id), waiting until each is gone: a
   * statement of theirs not yet committed is rolled back, and can no longer land.
   */
  terminateEarlierConnections(client: SimDbClient): number {
    let ended = 0;
    for (const statement of this.inFlight) {
      if (statement.client.name !== client.name || statement.client === client || statement.terminated) continue;
      statement.terminated = true;
      ended++;
    }
    return ended;
  }

  /** `DELETE … WHERE ended_at_ms IS NOT NULL AND ended_at_ms < $1`: how many. */
  sweep(beforeMs: number): number {
    let deleted = 0;
    for (const [txId, row] of this.rows) {
      if (row.endedAtMs !== undefined && row.endedAtMs < beforeMs) {
        this.rows.delete(txId);
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * One statement from `client`, sent on a connection it holds: resolves with what `apply`
   * returned at the statement's instant, or rejects with SimDbError. A client that died
   * hears nothing; a paused one hears once it is continued.
   */
  execute<T>(client: SimDbClient, what: string, write: boolean, apply: () => T): Promise<T> {
    const w = this.w;
    const timeoutMs = this.timing.statementTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      let answered = false;
      const answer = (settle: () => void): void =>
        client.gate.whenRunning(() => {
          if (answered || !client.alive()) return;
          answered = true;
          settle();
        });
      const fail = (why: string): void => {
        w.stats.dbFailures++;
        answer(() => reject(new SimDbError(`${what}: ${why}`)));
      };
      // a paused client (the rest of the event it was paused in) sends once it is continued
      client.gate.whenRunning(() => {
        if (!client.alive()) return;
        w.stats.dbStatements++;
        // the client's query_timeout, from the moment it sends
        w.after(timeoutMs, () => !answered && fail('query read timeout'));
        const rng = w.rng;
        const faults = w.faultsOn;
        if (this.unreachable(client.name) || (faults && rng.chance(this.faults.dbFailRate))) {
          w.after(rng.range(0.1, 2), () => fail('connection refused'));
          return;
        }
        const toServerMs = rng.range(0.1, 1.5);
        // a write waits for its WAL flush; now and then any statement waits behind a lock or a checkpoint
        const slow = faults && rng.chance(this.faults.dbSlowRate);
        const serviceMs = slow ? rng.range(20, 2 * timeoutMs) : write ? rng.range(0.3, 2.5) : rng.range(0.1, 0.8);
        if (serviceMs >= timeoutMs) {
          // statement_timeout cancels it on the server: nothing done; the client times out on its own
          if (w.tracing) w.trace(`db ${client.name} ${what}: cancelled by the statement timeout`);
          return;
        }
        // the server finishes what it received, whatever happens to the client, unless its backend is terminated first
        const statement = { client, terminated: false };
        this.inFlight.add(statement);
        w.after(toServerMs + serviceMs, () => {
          this.inFlight.delete(statement);
          if (statement.terminated) {
            if (w.tracing) w.trace(`db ${client.name} ${what}: its connection was terminated before COMMIT`);
            fail('terminating connection due to administrator command');
            return;
          }
          if (this.unreachable(client.name)) {
            // the server went down, or the connection broke, before the COMMIT: rolled back
            if (w.tracing) w.trace(`db ${client.name} ${what}: connection lost before COMMIT`);
            w.after(rng.range(0.1, 2), () => fail('connection terminated unexpectedly'));
            return;
          }
          const result = apply();
          if (w.tracing) w.trace(`db ${client.name} ${what}: done`);
          if (w.faultsOn && rng.chance(this.faults.dbAmbiguousRate)) {
            // committed, and the answer lost on the way back: an error at once, or only the timeout
            w.stats.dbAmbiguous++;
            if (w.tracing) w.trace(`db ${client.name} ${what}: answer lost after COMMIT`);
            if (rng.chance(0.5)) w.after(rng.range(0.1, 2), () => fail('connection terminated unexpectedly'));
            return;
          }
          w.after(rng.range(0.1, 1.5), () => answer(() => resolve(result)));
        });
      });
    });
  }

  private unreachable(client: string): boolean {
    const now = this.w.nowMs;
    return now < this.downUntilMs || now < (this.cutUntilMs.get(client) ?? 0);
  }
}

/**
 * A client's pool of connections to the database (pg.Pool): a statement takes a connection
 * or waits for one, in order, for at most the statement timeout (pg's
 * connectionTimeoutMillis), and gives it back when it is answered or failed.
 */
export class SimDbPool {
  private busy = 0;
  private readonly waiting = new Fifo<{ readonly go: () => void; gaveUp: boolean }>();

  constructor(
    private readonly db: SimSharedDatabase,
    private readonly w: SimWorld,
    private readonly client: SimDbClient,
    private readonly connectionsMax: number,
    private readonly timeoutMs: number,
  ) {}

  insertCommits(rows: readonly CommitRow[], by: string): Promise<string[]> {
    return this.query(`insert ${rows.length} commit(s) ${rows.map((r) => r.txId).join(',')}`, true, () => this.db.insertCommits(rows, by));
  }

  insertAbort(txId: string, nowMs: number, by: string): Promise<boolean> {
    return this.query(`insert abort ${txId}`, true, () => this.db.insertAbort(txId, nowMs, by));
  }

  decisionsOf(txIds: readonly string[]): Promise<Map<string, 'commit' | 'abort'>> {
    return this.query(`select decisions ${txIds.join(',')}`, false, () => this.db.decisionsOf(txIds));
  }

  openCommitsOf(by: string): Promise<{ txId: string; participants: readonly string[]; decidedAtMs: number }[]> {
    return this.query(`select open commits of ${by}`, false, () => this.db.openCommitsOf(by));
  }

  markEnded(txIds: readonly string[], nowMs: number): Promise<void> {
    return this.query(`mark ended ${txIds.join(',')}`, true, () => this.db.markEnded(txIds, nowMs));
  }

  sweep(beforeMs: number): Promise<number> {
    return this.query('sweep ended commits', true, () => this.db.sweep(beforeMs));
  }

  terminateEarlierConnections(): Promise<number> {
    return this.query('terminate earlier connections', false, () => this.db.terminateEarlierConnections(this.client));
  }

  /** A statement that changes nothing here (the settings check, CREATE … IF NOT EXISTS): it can still fail. */
  ping(what: string): Promise<void> {
    return this.query(what, false, () => undefined);
  }

  private async query<T>(what: string, write: boolean, apply: () => T): Promise<T> {
    await this.acquire(what);
    try {
      return await this.db.execute(this.client, what, write, apply);
    } finally {
      this.release();
    }
  }

  private acquire(what: string): Promise<void> {
    if (this.busy < this.connectionsMax) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { go: resolve, gaveUp: false };
      this.waiting.push(waiter);
      this.w.after(this.timeoutMs, () =>
        this.client.gate.whenRunning(() => {
          if (waiter.gaveUp || !this.client.alive()) return;
          waiter.gaveUp = true;
          reject(new SimDbError(`${what}: timeout exceeded when trying to connect`));
        }),
      );
    });
  }

  private release(): void {
    for (;;) {
      const next = this.waiting.shift();
      if (next === undefined) break;
      if (next.gaveUp) continue;
      next.gaveUp = true;
      // the connection passes to the next statement waiting for one
      next.go();
      return;
    }
    this.busy--;
  }
}
