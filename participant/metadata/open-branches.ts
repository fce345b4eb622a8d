import pg from 'pg';
import { AssertionError, assert, assertNever } from '../../lib/assert/assert.js';
import { errorText } from '../../lib/error-text/error-text.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { LimitExceededError, NotFoundError, PreconditionFailedError, TxNotActiveError, WriteConflictError } from '../participant-errors.js';
import type { PrepareVote } from '../resource-manager.js';
import { backendPidOf } from './backend-pid-of.js';
import type { FileKey } from './file-key.js';
import { globalTransactionId } from './global-transaction-id.js';
import type { LostAnswerSettlement } from './lost-answer-settlement.js';
import type { MetadataBranch } from './metadata-branch.js';
import type { MetadataConnections } from './metadata-connections.js';
import { metadataFailpoints } from './metadata-failpoints.js';
import type { MetadataStoreSettings } from './metadata-store-settings.js';
import { MetadataUnavailableError } from './metadata-unavailable-error.js';
import { sqlState } from './sql-state.js';

type OpenBranch = Extract<MetadataBranch, { kind: 'open' }>;

/**
 * The branches of this process before they prepare: each is one PostgreSQL transaction
 * on a branch-pool connection of its own, opened by the tx's first write (BEGIN, session
 * limits, the marker row) and held, with its row locks, until PREPARE TRANSACTION (the
 * yes vote; from then on PostgreSQL holds the branch, see PreparedBranches), a
 * one-phase COMMIT (last-resource mode: the commit point of the tx) or ROLLBACK. At
 * most branchesMax are open or opening, past it a write fails with LimitExceededError.
 * A branch whose session fails turns `broken`: it can only vote no.
 *
 * Calls for one tx must not overlap (the participant runtime serializes them); calls for
 * different txs may.
 */
export class OpenBranches {
  private readonly branches = new Map<string, MetadataBranch>();
  /** Branches whose connection is being set up: they count against branchesMax already. */
  private branchesOpening = 0;

  constructor(
    private readonly settings: Pick<MetadataStoreSettings, 'participantId' | 'lockTimeoutMs' | 'idleInTransactionMs' | 'branchesMax'>,
    private readonly connections: MetadataConnections,
    private readonly settlement: LostAnswerSettlement,
    private readonly logger: Logger,
  ) {}

  /** The branch of `txId` if it is open or broken here; undefined when it prepared, ended or never began. */
  get(txId: string): MetadataBranch | undefined {
    return this.branches.get(txId);
  }

  /** The txs with a branch here, open or broken. */
  txIds(): string[] {
    return [...this.branches.keys()];
  }

  /**
   * Runs one write of the tx in its branch, inside a savepoint, so that a failed write
   * undoes itself alone. The first write of a tx also opens the branch: connection, BEGIN,
   * session limits and the marker row, sent with the write as one simple-query string
   * (one round trip; every value in it is a validated id or an escaped literal). `call`
   * is the write's statement (see writeCall); its failures are thrown as the typed errors
   * of MetadataStore.stageRevision.
   */
  async write(txId: string, file: FileKey, call: string): Promise<{ readonly revision: number; readonly created: boolean }> {
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

  /**
   * PREPARE TRANSACTION of the branch of `txId`, which must be here (open or broken), and
   * the vote. The marker row went in with the branch's first write; the yes vote follows
   * only once PostgreSQL has made the branch durable. Whatever fails before that votes no
   * and leaves nothing behind (a lost answer is settled first); a broken branch votes no
   * at once. Either way the branch is no longer held here afterwards.
   */
  async prepare(txId: string): Promise<PrepareVote> {
    const branch = this.branches.get(txId);
    assert(branch !== undefined, `transaction ${txId} has an open or broken branch to prepare`);
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
   * Last-resource mode: COMMIT of the open branch of `txId`, which must be here and open.
   * Its marker row (outcome committed) went in with its first write, so this one
   * statement is the whole one-phase commit, and its COMMIT is the commit point of the tx.
   * `committed` once PostgreSQL answers it; `aborted` when PostgreSQL refused it (the
   * transaction rolled back, nothing of it committed). When the answer is lost the COMMIT
   * may have landed, or may still: MetadataUnavailableError, and the marker's
   * compare-and-set (OutcomeResolution) tells which. Either way the branch is no longer
   * held here afterwards.
   */
  async commitOnePhase(txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'> {
    const branch = this.branches.get(txId);
    assert(branch?.kind === 'open', `transaction ${txId} has an open branch to commit one-phase`);
    const { client, logger } = branch;
    let result: pg.QueryResult;
    try {
      result = await client.query('COMMIT');
    } catch (err) {
      this.branches.delete(txId);
      const pid = backendPidOf(client);
      branch.release(err instanceof Error ? err : new Error(String(err)));
      if (sqlState.isConnectionFailure(err)) {
        // a session the server still runs (a link that drops packets) would hold the marker
        // key until its idle limit: the compare-and-set that follows would wait for it
        this.connections.endSessionInBackground(pid, logger);
        logger.warn({ err }, 'the answer to a one-phase COMMIT was lost; the marker decides');
        throw new MetadataUnavailableError(
          `the answer to the one-phase COMMIT of transaction ${txId} was lost (it may have committed; resolve its outcome): ${errorText(this.connections.unavailable(err))}`,
          { cause: err },
        );
      }
      if (!(err instanceof pg.DatabaseError)) throw err;
      logger.warn({ err }, 'one-phase COMMIT refused: the branch rolled back');
      return 'aborted';
    }
    this.branches.delete(txId);
    branch.release();
    // PostgreSQL answers COMMIT of an already failed transaction with ROLLBACK, not with an error
    if (result.command !== 'COMMIT') {
      logger.warn({ command: result.command }, 'one-phase COMMIT answered with a rollback: the branch had failed');
      return 'aborted';
    }
    logger.debug({ writes: branch.writes, participants }, 'metadata branch committed one-phase (the commit point of the tx)');
    return 'committed';
  }

  /** ROLLBACK of the branch of `txId`, which must be here (open or broken); its connection goes back to the pool, or is closed. */
  async rollback(txId: string): Promise<void> {
    const branch = this.branches.get(txId);
    assert(branch !== undefined, `transaction ${txId} has an open or broken branch to roll back`);
    await this.rollbackBranch(txId, branch);
  }

  /** Rolls back every branch here, one after the other (on close). */
  async rollbackAll(): Promise<void> {
    for (const [txId, branch] of [...this.branches]) await this.rollbackBranch(txId, branch);
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
    const gid = globalTransactionId.of(this.settings.participantId, txId);
    // lock_timeout: a writer waits this long for a file's row, then gets a retryable conflict.
    // idle_in_transaction_session_timeout: a backstop, if this process stops driving the
    // branch (or cannot reach the server to end it), releasing the row locks a little
    // after the participant's own idle abort should have.
    // twophase_open_branch inserts the marker row (the proof of commit once PostgreSQL
    // forgets the gid; in last-resource mode the commit itself, and the key a resolve's
    // compare-and-set waits on) and refuses a tx that already prepared, committed or was
    // resolved here; the participant runtime refuses such work first, this keeps the store
    // safe on its own.
    const open = `BEGIN;
      SET LOCAL lock_timeout = '${this.settings.lockTimeoutMs}ms';
      SET LOCAL idle_in_transaction_session_timeout = '${this.settings.idleInTransactionMs}ms';
      SELECT twophase_open_branch(${pg.escapeLiteral(txId)}, ${pg.escapeLiteral(this.settings.participantId)}, ${globalTransactionId.literal(gid)})`;
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
      throw new TxNotActiveError(txId, 'its metadata branch is already prepared, committed or resolved');
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
  private registerBranch(txId: string, client: pg.PoolClient): OpenBranch {
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

  private countWrite(txId: string, branch: OpenBranch): void {
    const current = this.branches.get(txId);
    if (current?.kind === 'open' && current.client === branch.client) this.branches.set(txId, { ...current, writes: current.writes + 1 });
  }

  /** After a failed write: back to the savepoint (the branch's earlier writes stay); returns the typed error to throw. */
  private async undoWrite(txId: string, branch: OpenBranch, err: unknown, file: FileKey): Promise<unknown> {
    if (!isWriteFailure(err)) return this.breakBranch(txId, branch, err);
    try {
      // undoes this write's rows and the row locks it took
      await branch.client.query('ROLLBACK TO SAVEPOINT write; RELEASE SAVEPOINT write');
    } catch (undoErr) {
      return this.breakBranch(txId, branch, undoErr);
    }
    return this.writeFailure(err, file);
  }

  private async prepareOpenBranch(txId: string, branch: OpenBranch): Promise<PrepareVote> {
    const gid = globalTransactionId.of(this.settings.participantId, txId);
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
      const reason = `PREPARE TRANSACTION failed: ${errorText(answerLost ? this.connections.unavailable(err) : err)}`;
      // at SERIALIZABLE (a server default), PREPARE is where a read/write dependency on another tx surfaces
      return sqlState.isConflict(err) ? { vote: 'no', reason, cause: 'conflict' } : { vote: 'no', reason };
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
          // the transaction ends with the connection all the same; a session the server
          // still runs (a link that drops packets) is ended, as it holds row locks and the
          // marker key that a resolve waits for
          const pid = backendPidOf(branch.client);
          branch.release(err instanceof Error ? err : new Error(String(err)));
          if (sqlState.isConnectionFailure(err)) this.connections.endSessionInBackground(pid, branch.logger);
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
  private breakBranch(txId: string, branch: OpenBranch, err: unknown): Error {
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

  /**
   * The typed error for a failed write: a lock wait past the timeout, a deadlock, or (at
   * REPEATABLE READ or SERIALIZABLE, a server default) a serialization failure is a
   * retryable conflict.
   */
  private writeFailure(err: unknown, file: FileKey): unknown {
    const code = sqlState.of(err);
    if (code === sqlState.preconditionFailed) {
      const current = Number((err as pg.DatabaseError).detail);
      return new PreconditionFailedError(file.namespace, file.path, Number.isSafeInteger(current) ? current : 0, (err as pg.DatabaseError).message);
    }
    if (code === sqlState.noFileToDelete) return new NotFoundError(`no file ${file.namespace}/${file.path} to delete`);
    if (code === sqlState.lockNotAvailable || sqlState.isConflict(err)) return new WriteConflictError(file.namespace, file.path, this.settings.lockTimeoutMs);
    if (sqlState.isConnectionFailure(err)) return new MetadataUnavailableError(errorText(err), { cause: err });
    return err;
  }
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
  return code === sqlState.preconditionFailed || code === sqlState.noFileToDelete || code === sqlState.lockNotAvailable || sqlState.isConflict(err);
}

/** The tx's branch prepared, committed or was resolved here already (or, racing that check, the marker's key is taken). */
function isBranchEnded(err: unknown): boolean {
  const code = sqlState.of(err);
  return code === sqlState.branchEnded || (code === sqlState.uniqueViolation && (err as pg.DatabaseError).constraint === 'tx_markers_pkey');
}
