import pg from 'pg';
import { AssertionError, assert, assertNever } from '../../lib/assert/assert.js';
import { errorText } from '../../lib/error-text/error-text.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import {
  BranchNotCommittedError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  TxNotActiveError,
  WriteConflictError,
} from '../participant-errors.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../resource-manager.js';
import { applyMigrations } from './apply-migrations.js';
import { backendPidOf } from './backend-pid-of.js';
import { FileRevisionReads } from './file-revision-reads.js';
import { globalTransactionId } from './global-transaction-id.js';
import { LostAnswerSettlement } from './lost-answer-settlement.js';
import type { MetadataBranch } from './metadata-branch.js';
import { MetadataConnections } from './metadata-connections.js';
import { metadataFailpoints } from './metadata-failpoints.js';
import { metadataInput } from './metadata-input.js';
import { metadataMigrations } from './metadata-migrations.js';
import { MetadataStoreSettings } from './metadata-store-settings.js';
import type { DeleteFileInput, FileRevisionRecord, MetadataStore, Page, StageRevisionInput } from './metadata-store.js';
import { MetadataUnavailableError } from './metadata-unavailable-error.js';
import type { PostgresMetadataStoreOptions } from './postgres-metadata-store-options.js';
import { PreparedBranches } from './prepared-branches.js';
import { PreparedTransactionsDisabledError } from './prepared-transactions-disabled-error.js';
import { sqlState } from './sql-state.js';
import { TxMarkerSweep } from './tx-marker-sweep.js';

type StoreState = { readonly kind: 'new' } | { readonly kind: 'started' } | { readonly kind: 'closed' };

interface FileKey {
  readonly namespace: string;
  readonly path: string;
}

/**
 * The metadata participant's resource manager on PostgreSQL. Each branch is one
 * PostgreSQL transaction on a connection of its own, from its first write until
 * `PREPARE TRANSACTION` makes it durable (the yes vote); `COMMIT PREPARED` and
 * `ROLLBACK PREPARED` end it. A marker row written inside the prepared transaction is
 * the proof, once PostgreSQL has forgotten the gid, that the branch committed.
 *
 * Calls for one tx must not overlap (the participant runtime serializes them); calls for
 * different txs may.
 */
export class PostgresMetadataStore implements ResourceManager, MetadataStore {
  readonly participantId: string;
  private readonly settings: MetadataStoreSettings;
  private readonly logger: Logger;
  private readonly connections: MetadataConnections;
  private readonly reads: FileRevisionReads;
  private readonly sweep: TxMarkerSweep;
  private readonly settlement: LostAnswerSettlement;
  private readonly preparedBranches: PreparedBranches;
  private readonly branches = new Map<string, MetadataBranch>();
  /** Branches whose connection is being set up: they count against branchesMax already. */
  private branchesOpening = 0;
  private state: StoreState = { kind: 'new' };

  constructor(options: PostgresMetadataStoreOptions) {
    this.settings = new MetadataStoreSettings(options);
    this.participantId = this.settings.participantId;
    this.logger = options.logger.child({ participantId: this.participantId });
    this.connections = new MetadataConnections(this.settings, this.logger);
    this.settlement = new LostAnswerSettlement(this.settings, this.connections);
    this.preparedBranches = new PreparedBranches(this.settings, this.connections, this.settlement, this.logger);
    this.reads = new FileRevisionReads(this.connections);
    this.sweep = new TxMarkerSweep(this.settings, this.connections, this.logger);
  }

  /**
   * Connects, refuses to run where PREPARE TRANSACTION is disabled (throws
   * PreparedTransactionsDisabledError, saying how to enable it), brings the schema up to
   * date, and starts the marker sweep. Call once, before `recover`.
   */
  async start(): Promise<void> {
    assert(this.state.kind === 'new', 'the metadata store is started once');
    try {
      const { rows } = await this.connections.query<{ max_prepared_transactions: string }>('SHOW max_prepared_transactions');
      const preparedMax = Number(rows[0]?.max_prepared_transactions);
      if (preparedMax === 0) throw new PreparedTransactionsDisabledError(redactedUrl(this.settings.databaseUrl));
      if (preparedMax < this.settings.branchesMax) {
        this.logger.warn(
          { maxPreparedTransactions: preparedMax, branchesMax: this.settings.branchesMax },
          'max_prepared_transactions is below branchesMax: prepares past it will fail and vote no',
        );
      }
      await applyMigrations(this.connections.sharedPool, metadataMigrations, this.logger);
    } catch (err) {
      await this.connections.end();
      this.state = { kind: 'closed' };
      throw sqlState.isConnectionFailure(err) ? new MetadataUnavailableError(`cannot start: ${errorText(err)}`, { cause: err }) : err;
    }
    this.state = { kind: 'started' };
    this.sweep.start();
    this.logger.info(
      {
        lockTimeoutMs: this.settings.lockTimeoutMs,
        statementTimeoutMs: this.settings.statementTimeoutMs,
        queryTimeoutMs: this.settings.queryTimeoutMs,
        idleInTransactionMs: this.settings.idleInTransactionMs,
        branchesMax: this.settings.branchesMax,
      },
      'metadata store started',
    );
  }

  // ── ResourceManager ────────────────────────────────────────────────────────────────

  /**
   * Branches of this participant that PostgreSQL holds prepared in this database. Open
   * branches of an earlier process need no abort here: an unprepared transaction dies
   * with its connection, so PostgreSQL rolled them back when that process went away.
   */
  async recover(): Promise<RecoveryResult> {
    this.assertStarted();
    let abortedLeftovers = 0;
    for (const txId of [...this.branches.keys()]) {
      await this.abort(txId);
      abortedLeftovers += 1;
    }
    const prepared = await this.preparedBranches.recover();
    this.logger.info({ prepared: prepared.length, abortedLeftovers }, 'metadata branches recovered');
    return { prepared, abortedLeftovers };
  }

  /**
   * Writes the marker row into the branch's transaction, then PREPARE TRANSACTION; the
   * yes vote follows only once PostgreSQL has made it durable. Whatever fails before
   * that votes no and leaves nothing behind. A branch that is already prepared votes yes
   * again; an unknown one votes no.
   */
  async prepare(txId: string): Promise<PrepareVote> {
    this.assertStarted();
    const problem = txIdProblem(txId);
    if (problem !== undefined) return { vote: 'no', reason: `unknown branch: ${problem}` };
    const branch = this.branches.get(txId);
    if (branch === undefined) return this.preparedBranches.vote(txId);
    switch (branch.kind) {
      case 'broken':
        this.branches.delete(txId);
        branch.logger.info({ reason: branch.reason }, 'voting no: the branch lost its work');
        return { vote: 'no', reason: `the branch lost its work: ${branch.reason}` };
      case 'open':
        return this.prepareOpenBranch(txId, branch);
      default:
        return assertNever(branch);
    }
  }

  /**
   * COMMIT PREPARED. When PostgreSQL no longer has the prepared transaction, the commit
   * is verified through the marker row, which exists only if that transaction committed
   * (an earlier ack that was lost, or this call's own COMMIT PREPARED whose answer was
   * lost); without it BranchNotCommittedError, never a success.
   */
  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    this.assertStarted();
    metadataInput.txId(txId);
    const branch = this.branches.get(txId);
    if (branch !== undefined) {
      const detail = branch.kind === 'open' ? 'the branch never prepared (its transaction is still open)' : `the branch never prepared: ${branch.reason}`;
      throw new BranchNotCommittedError(txId, this.participantId, detail);
    }
    return this.preparedBranches.commit(txId);
  }

  /** ROLLBACK of an open branch, ROLLBACK PREPARED of a prepared one; nothing to do for an unknown one. */
  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    this.assertStarted();
    metadataInput.txId(txId);
    const branch = this.branches.get(txId);
    if (branch !== undefined) {
      await this.rollbackBranch(txId, branch);
      return { alreadyAborted: false };
    }
    return this.preparedBranches.abort(txId);
  }

  /** Rolls back open branches and closes every connection; prepared branches stay in PostgreSQL. */
  async close(): Promise<void> {
    if (this.state.kind === 'closed') return;
    this.sweep.stop();
    this.state = { kind: 'closed' };
    for (const [txId, branch] of [...this.branches]) await this.rollbackBranch(txId, branch);
    await this.connections.end();
  }

  // ── MetadataStore: writes ──────────────────────────────────────────────────────────

  async stageRevision(txId: string, input: StageRevisionInput): Promise<{ readonly revision: number; readonly created: boolean }> {
    metadataInput.txId(txId);
    const file = { namespace: metadataInput.namespace(input.namespace), path: metadataInput.path(input.path) };
    const sha256 = metadataInput.sha256(input.sha256);
    const size = metadataInput.count('size', input.size);
    const contentType = metadataInput.contentType(input.contentType);
    const ifMatchRevision = metadataInput.ifMatchRevision(input.ifMatchRevision);
    const ifNoneMatch = input.ifNoneMatch === true;
    metadataInput.conditions(ifMatchRevision, ifNoneMatch);
    return this.inBranch(txId, file, writeCall(txId, file, { sha256, size, contentType }, ifMatchRevision, ifNoneMatch));
  }

  async deleteFile(txId: string, input: DeleteFileInput): Promise<{ readonly revision: number }> {
    metadataInput.txId(txId);
    const file = { namespace: metadataInput.namespace(input.namespace), path: metadataInput.path(input.path) };
    const ifMatchRevision = metadataInput.ifMatchRevision(input.ifMatchRevision);
    const { revision } = await this.inBranch(txId, file, writeCall(txId, file, undefined, ifMatchRevision, false));
    return { revision };
  }

  // ── MetadataStore: committed reads ─────────────────────────────────────────────────

  getFile(namespace: string, path: string, revision?: number): Promise<FileRevisionRecord> {
    return this.reads.getFile(namespace, path, revision);
  }

  listRevisions(namespace: string, path: string, pageSize: number, token: string): Promise<Page<FileRevisionRecord>> {
    return this.reads.listRevisions(namespace, path, pageSize, token);
  }

  listFiles(namespace: string, prefix: string, pageSize: number, token: string): Promise<Page<FileRevisionRecord>> {
    return this.reads.listFiles(namespace, prefix, pageSize, token);
  }

  // ── housekeeping ───────────────────────────────────────────────────────────────────

  /** One marker-retention sweep now; returns how many markers it deleted. See TxMarkerSweep.sweepExpiredMarkers. */
  sweepExpiredMarkers(): Promise<number> {
    return this.sweep.sweepExpiredMarkers();
  }

  // ── internals ──────────────────────────────────────────────────────────────────────

  /**
   * Runs one write of the tx in its branch, inside a savepoint, so that a failed write
   * undoes itself alone. The first write of a tx also opens the branch: connection, BEGIN,
   * session limits and the marker row, sent with the write as one simple-query string
   * (one round trip; every value in it is a validated id or an escaped literal).
   */
  private async inBranch(txId: string, file: FileKey, call: string): Promise<{ readonly revision: number; readonly created: boolean }> {
    this.assertStarted();
    const existing = this.branches.get(txId);
    if (existing?.kind === 'broken') throw new TxNotActiveError(txId, `its metadata branch lost its work: ${existing.reason}`);
    if (existing !== undefined && existing.writes >= limits.metadataWritesPerBranchMax) {
      throw new LimitExceededError(`transaction ${txId} already staged ${existing.writes} metadata writes, the limit`);
    }
    const write = `SAVEPOINT write; ${call}; RELEASE SAVEPOINT write`;
    if (existing !== undefined) {
      let results: pg.QueryResult[];
      try {
        results = asResults(await existing.client.query(write));
      } catch (err) {
        throw await this.undoWrite(txId, existing, err, file);
      }
      this.countWrite(txId, existing);
      return writeResultOf(results, 1);
    }
    return this.openBranchWith(txId, file, write);
  }

  /** Opens the branch of `txId` (connection, BEGIN, session limits, marker row) together with its first write. */
  private async openBranchWith(txId: string, file: FileKey, write: string): Promise<{ readonly revision: number; readonly created: boolean }> {
    if (this.branches.size + this.branchesOpening >= this.settings.branchesMax) {
      throw new LimitExceededError(`${this.settings.branchesMax} metadata branches are open, the limit (each holds a PostgreSQL connection until it prepares); retry later`);
    }
    this.branchesOpening += 1;
    let client: pg.PoolClient;
    try {
      client = await this.connections.branchClient();
    } catch (err) {
      this.branchesOpening -= 1;
      throw new MetadataUnavailableError(`cannot open a connection for transaction ${txId}: ${errorText(err)}`, { cause: err });
    }
    const gid = globalTransactionId.of(this.participantId, txId);
    // lock_timeout: a writer waits this long for a file's row, then gets a retryable conflict.
    // idle_in_transaction_session_timeout: a backstop, if this process stops driving the
    // branch (or cannot reach the server to end it), releasing the row locks a little
    // after the participant's own idle abort should have.
    // twophase_open_branch inserts the marker row (the proof of commit once PostgreSQL
    // forgets the gid) and refuses a tx that already prepared or committed here; the
    // participant runtime refuses such work first, this keeps the store safe on its own.
    const open = `BEGIN;
      SET LOCAL lock_timeout = '${this.settings.lockTimeoutMs}ms';
      SET LOCAL idle_in_transaction_session_timeout = '${this.settings.idleInTransactionMs}ms';
      SELECT twophase_open_branch(${pg.escapeLiteral(txId)}, ${pg.escapeLiteral(this.participantId)}, ${globalTransactionId.literal(gid)})`;
    const opened = this.registerBranch(txId, client);
    let results: pg.QueryResult[] | undefined;
    let failure: unknown;
    try {
      results = asResults(await client.query(`${open}; ${write}`));
    } catch (err) {
      failure = err;
    }
    if (results !== undefined) {
      this.countWrite(txId, opened);
      opened.logger.debug('metadata branch opened');
      return writeResultOf(results, 5);
    }
    if (isWriteFailure(failure)) throw await this.undoWrite(txId, opened, failure, file);
    // the branch could not be opened: nothing of it stays
    this.branches.delete(txId);
    if (isBranchEnded(failure)) {
      await client.query('ROLLBACK').catch(() => undefined);
      opened.release();
      throw new TxNotActiveError(txId, 'its metadata branch is already prepared or committed');
    }
    if (failure instanceof pg.DatabaseError && !sqlState.isConnectionFailure(failure)) {
      // refused by the server, the session is fine: a statement of ours failed, a bug to see
      await client.query('ROLLBACK').catch(() => undefined);
      opened.release();
      throw failure;
    }
    const pid = backendPidOf(client);
    opened.release(failure instanceof Error ? failure : new Error(String(failure)));
    if (sqlState.isConnectionFailure(failure)) this.connections.endSessionInBackground(pid, opened.logger);
    throw new MetadataUnavailableError(`cannot begin transaction ${txId}: ${errorText(this.connections.unavailable(failure))}`, { cause: failure });
  }

  /** Enters an open branch on `client` (counted against branchesMax from here on). */
  private registerBranch(txId: string, client: pg.PoolClient): Extract<MetadataBranch, { kind: 'open' }> {
    let released = false;
    const onConnectionError = (err: Error): void => {
      const current = this.branches.get(txId);
      if (current?.kind === 'open' && current.client === client) this.breakBranch(txId, current, err);
    };
    client.on('error', onConnectionError);
    const branch = {
      kind: 'open',
      client,
      logger: this.logger.child({ txId }),
      writes: 0,
      release: (err?: Error) => {
        if (released) return;
        released = true;
        client.removeListener('error', onConnectionError);
        client.release(err);
      },
    } as const;
    this.branchesOpening -= 1;
    this.branches.set(txId, branch);
    return branch;
  }

  private countWrite(txId: string, branch: Extract<MetadataBranch, { kind: 'open' }>): void {
    const current = this.branches.get(txId);
    if (current?.kind === 'open' && current.client === branch.client) this.branches.set(txId, { ...current, writes: current.writes + 1 });
  }

  /** After a failed write: back to the savepoint (the branch's earlier writes stay); returns the typed error to throw. */
  private async undoWrite(txId: string, branch: Extract<MetadataBranch, { kind: 'open' }>, err: unknown, file: FileKey): Promise<unknown> {
    if (!isWriteFailure(err)) return this.breakBranch(txId, branch, err);
    try {
      // undoes this write's rows and the row locks it took
      await branch.client.query('ROLLBACK TO SAVEPOINT write; RELEASE SAVEPOINT write');
    } catch (undoErr) {
      return this.breakBranch(txId, branch, undoErr);
    }
    return this.writeFailure(err, file);
  }

  private async prepareOpenBranch(txId: string, branch: Extract<MetadataBranch, { kind: 'open' }>): Promise<PrepareVote> {
    const gid = globalTransactionId.of(this.participantId, txId);
    const { client, logger } = branch;
    try {
      // the marker row went in with the branch's first write
      await metadataFailpoints.beforePrepareTransaction.hit();
      const result = await client.query(`PREPARE TRANSACTION ${globalTransactionId.literal(gid)}`);
      // PostgreSQL answers PREPARE of an already failed transaction with ROLLBACK, not with an error
      if (result.command !== 'PREPARE') throw new Error(`PREPARE TRANSACTION answered ${result.command}: the transaction was rolled back`);
    } catch (err) {
      this.branches.delete(txId);
      const pid = backendPidOf(client);
      const answerLost = sqlState.isConnectionFailure(err);
      // a session whose answer was lost takes no more statements: a ROLLBACK would only wait out another timeout
      if (!answerLost) await client.query('ROLLBACK').catch(() => undefined);
      branch.release(err instanceof Error ? err : new Error(String(err)));
      if (err instanceof AssertionError) throw err;
      if (answerLost) {
        // the PREPARE may have been carried out, or may still be: a no vote must leave nothing behind
        await this.settlement.settlePrepare(txId, gid, pid, logger);
      } else {
        // a refused PREPARE leaves no prepared transaction; this only makes sure of it
        await this.rollbackPreparedIfPresent(gid).catch((cleanupErr: unknown) =>
          logger.warn({ err: cleanupErr, gid }, 'could not check for a prepared transaction after a failed prepare; the abort will'),
        );
      }
      logger.warn({ err }, 'prepare failed: voting no');
      return { vote: 'no', reason: `PREPARE TRANSACTION failed: ${errorText(answerLost ? this.connections.unavailable(err) : err)}` };
    }
    this.branches.delete(txId);
    branch.release();
    await metadataFailpoints.afterPrepareTransaction.hit();
    logger.debug({ gid, writes: branch.writes }, 'metadata branch prepared: voting yes');
    return { vote: 'yes' };
  }

  private async rollbackBranch(txId: string, branch: MetadataBranch): Promise<void> {
    this.branches.delete(txId);
    switch (branch.kind) {
      case 'broken':
        branch.logger.info({ reason: branch.reason }, 'metadata branch aborted (its transaction had already ended)');
        return;
      case 'open':
        try {
          await branch.client.query('ROLLBACK');
          branch.release();
        } catch (err) {
          // the transaction ends with the connection all the same
          branch.release(err instanceof Error ? err : new Error(String(err)));
        }
        branch.logger.debug('metadata branch aborted (rollback)');
        return;
      default:
        assertNever(branch);
    }
  }

  private async rollbackPreparedIfPresent(gid: string): Promise<void> {
    const { rowCount } = await this.connections.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1 AND database = current_database()', [gid]);
    if (rowCount === 0) return;
    await this.connections.query(`ROLLBACK PREPARED ${globalTransactionId.literal(gid)}`).catch((err: unknown) => {
      if (sqlState.of(err) !== sqlState.undefinedObject) throw err;
    });
  }

  /** Marks the branch as having lost its transaction, closes its connection, and returns the error to throw. */
  private breakBranch(txId: string, branch: Extract<MetadataBranch, { kind: 'open' }>, err: unknown): Error {
    const reason = `its PostgreSQL session failed: ${errorText(this.connections.unavailable(err))}`;
    if (this.branches.get(txId) === branch) this.branches.set(txId, { kind: 'broken', logger: branch.logger, reason });
    const pid = backendPidOf(branch.client);
    branch.release(err instanceof Error ? err : new Error(String(err)));
    // the server may not know the session is gone (a blackholed link): its transaction
    // would hold the branch's row locks until idle_in_transaction_session_timeout
    if (sqlState.isConnectionFailure(err)) this.connections.endSessionInBackground(pid, branch.logger);
    branch.logger.warn({ err }, 'metadata branch lost its PostgreSQL session; it can only vote no');
    return sqlState.isConnectionFailure(err) ? new MetadataUnavailableError(reason, { cause: err }) : new TxNotActiveError(txId, reason);
  }

  /** The typed error for a failed write: a lock wait past the timeout (or a deadlock) is a retryable conflict. */
  private writeFailure(err: unknown, file: FileKey): unknown {
    const code = sqlState.of(err);
    if (code === sqlState.preconditionFailed) {
      const current = Number((err as pg.DatabaseError).detail);
      return new PreconditionFailedError(file.namespace, file.path, Number.isSafeInteger(current) ? current : 0, (err as pg.DatabaseError).message);
    }
    if (code === sqlState.noFileToDelete) return new NotFoundError(`no file ${file.namespace}/${file.path} to delete`);
    if (code === sqlState.lockNotAvailable || code === sqlState.deadlockDetected) return new WriteConflictError(file.namespace, file.path, this.settings.lockTimeoutMs);
    if (sqlState.isConnectionFailure(err)) return new MetadataUnavailableError(errorText(err), { cause: err });
    return err;
  }

  private assertStarted(): void {
    assert(this.state.kind === 'started', `the metadata store is started (it is ${this.state.kind})`);
  }
}

/**
 * The statement of one staged write (see twophase_write in the migrations): a new revision
 * with `content`, or a tombstone without. Every value is validated, strings are escaped.
 */
function writeCall(
  txId: string,
  file: FileKey,
  content: { readonly sha256: string; readonly size: number; readonly contentType: string } | undefined,
  ifMatchRevision: number | undefined,
  ifNoneMatch: boolean,
): string {
  const args = [
    pg.escapeLiteral(file.namespace),
    pg.escapeLiteral(file.path),
    pg.escapeLiteral(txId),
    content === undefined ? 'NULL' : pg.escapeLiteral(content.sha256),
    content === undefined ? 'NULL' : sqlInteger(content.size),
    content === undefined ? 'NULL' : pg.escapeLiteral(content.contentType),
    ifMatchRevision === undefined ? 'NULL' : sqlInteger(ifMatchRevision),
    ifNoneMatch ? 'true' : 'false',
  ];
  return `SELECT revision, created FROM twophase_write(${args.join(', ')})`;
}

function sqlInteger(n: number): string {
  assert(Number.isSafeInteger(n) && n >= 0, `${n} was validated as a count before it is written into SQL`);
  return String(n);
}

/** node-postgres answers a multi-statement simple query with one result per statement. */
function asResults(result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult[] {
  return Array.isArray(result) ? result : [result];
}

/** The row twophase_write returned, from the results of the statement at `index`. */
function writeResultOf(results: readonly pg.QueryResult[], index: number): { readonly revision: number; readonly created: boolean } {
  const row = results[index]?.rows[0] as { revision: string; created: boolean } | undefined;
  assert(row !== undefined, 'twophase_write returns one row');
  return { revision: Number(row.revision), created: row.created };
}

/** Failures of the write itself, after its savepoint: the branch survives them. */
function isWriteFailure(err: unknown): boolean {
  const code = sqlState.of(err);
  return code === sqlState.preconditionFailed || code === sqlState.noFileToDelete || code === sqlState.lockNotAvailable || code === sqlState.deadlockDetected;
}

/** The tx's branch prepared or committed here already (or, racing that check, the marker's key is taken). */
function isBranchEnded(err: unknown): boolean {
  const code = sqlState.of(err);
  return code === sqlState.branchEnded || (code === sqlState.uniqueViolation && (err as pg.DatabaseError).constraint === 'tx_markers_pkey');
}

/** The URL without its password, for messages. */
function redactedUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(the configured database)';
  }
}
