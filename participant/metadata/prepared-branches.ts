import { errorText } from '../../lib/error-text/error-text.js';
import type { Logger } from '../../lib/logger/logger.js';
import { BranchNotCommittedError } from '../participant-errors.js';
import type { PrepareVote, RecoveryResult } from '../resource-manager.js';
import { backendPidOf } from './backend-pid-of.js';
import { globalTransactionId } from './global-transaction-id.js';
import type { LostAnswerSettlement } from './lost-answer-settlement.js';
import type { MetadataConnections } from './metadata-connections.js';
import { metadataFailpoints } from './metadata-failpoints.js';
import type { MetadataStoreSettings } from './metadata-store-settings.js';
import { MetadataUnavailableError } from './metadata-unavailable-error.js';
import { sqlState } from './sql-state.js';

/** How a COMMIT/ROLLBACK PREPARED ended; see PreparedBranches.endPrepared. */
type Ending = { readonly kind: 'done' } | { readonly kind: 'absent' } | { readonly kind: 'endedUnanswered'; readonly committed: boolean };

/**
 * The branches PostgreSQL holds prepared (pg_prepared_xacts), which this process keeps no
 * state of, so that a restart loses nothing: listed for recovery, voted on again, and
 * ended by COMMIT PREPARED or ROLLBACK PREPARED. A gid PostgreSQL no longer has is
 * judged by the marker row written inside the prepared transaction, which exists only if
 * it committed: a commit is never reported on trust. Answers lost on the way are settled
 * by LostAnswerSettlement. The caller has made sure the tx has no open branch here.
 */
export class PreparedBranches {
  constructor(
    private readonly settings: Pick<MetadataStoreSettings, 'participantId'>,
    private readonly connections: MetadataConnections,
    private readonly settlement: LostAnswerSettlement,
    private readonly logger: Logger,
  ) {}

  /**
   * Branches of this participant that PostgreSQL holds prepared in this database, oldest
   * first. A prepared transaction under our gid prefix that names no valid tx id is left
   * alone (and logged).
   */
  async recover(): Promise<RecoveryResult['prepared']> {
    const { rows } = await this.connections.query<{ gid: string; prepared: Date }>(
      'SELECT gid, prepared FROM pg_prepared_xacts WHERE database = current_database() AND starts_with(gid, $1) ORDER BY prepared',
      [globalTransactionId.prefix(this.settings.participantId)],
    );
    const prepared: { txId: string; preparedAtMs: number }[] = [];
    for (const row of rows) {
      const txId = globalTransactionId.txIdOf(this.settings.participantId, row.gid);
      if (txId === undefined) {
        this.logger.warn({ gid: row.gid }, 'a prepared transaction under our gid prefix names no valid tx id; left alone');
        continue;
      }
      prepared.push({ txId, preparedAtMs: row.prepared.getTime() });
    }
    return prepared;
  }

  /** The vote on a tx with no open branch: yes again if it is prepared, no otherwise. */
  async vote(txId: string): Promise<PrepareVote> {
    // a PREPARE whose answer was lost may yet land: that branch already voted no
    if (this.settlement.hasUnresolvedPrepare(txId)) return { vote: 'no', reason: 'an earlier PREPARE TRANSACTION of this branch lost its answer' };
    if (await this.isPrepared(txId)) {
      this.logger.child({ txId }).info('prepare repeated: the branch is already prepared');
      return { vote: 'yes' };
    }
    return { vote: 'no', reason: 'unknown branch: no work of this tx is open or prepared here (never started, aborted, or lost with its connection)' };
  }

  /**
   * COMMIT PREPARED. When PostgreSQL no longer has the prepared transaction, the commit
   * is verified through the marker row (an earlier ack that was lost, or this call's own
   * COMMIT PREPARED whose answer was lost); without it BranchNotCommittedError, never a
   * success.
   */
  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    await this.settlement.endUnresolvedPrepare(txId);
    const gid = globalTransactionId.of(this.settings.participantId, txId);
    await metadataFailpoints.beforeCommitPrepared.hit();
    const ended = await this.endPrepared(`COMMIT PREPARED ${globalTransactionId.literal(gid)}`, txId);
    if (ended.kind !== 'done') {
      if (ended.kind === 'endedUnanswered' ? ended.committed : await this.hasMarker(txId)) {
        if (ended.kind === 'absent') this.logger.info({ txId, gid }, 'commit repeated: the marker shows the branch committed');
        else this.logger.warn({ txId, gid }, 'the answer to COMMIT PREPARED was lost; its session was ended, and the marker shows the branch committed');
        return { alreadyCommitted: ended.kind === 'absent' };
      }
      throw new BranchNotCommittedError(
        txId,
        this.settings.participantId,
        `PostgreSQL has no prepared transaction ${gid} and no marker row shows it committed (never prepared, rolled back, or committed longer ago than the marker retention)`,
      );
    }
    await metadataFailpoints.afterCommitPrepared.hit();
    this.logger.debug({ txId, gid }, 'branch committed (commitPrepared)');
    return { alreadyCommitted: false };
  }

  /**
   * ROLLBACK PREPARED; nothing to do for a gid PostgreSQL does not have. A branch whose
   * marker shows it committed cannot be undone any more: that is logged as an error.
   */
  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    await this.settlement.endUnresolvedPrepare(txId);
    const gid = globalTransactionId.of(this.settings.participantId, txId);
    await metadataFailpoints.beforeRollbackPrepared.hit();
    const ended = await this.endPrepared(`ROLLBACK PREPARED ${globalTransactionId.literal(gid)}`, txId);
    if (ended.kind !== 'done') {
      // nothing can be undone any more; the error log is the alarm (a lost decision log, a protocol bug)
      if (ended.kind === 'endedUnanswered' ? ended.committed : await this.hasMarker(txId)) {
        this.logger.error({ txId, gid }, 'abort asked for a branch that committed: atomicity is broken for this tx');
      }
      return { alreadyAborted: ended.kind === 'absent' };
    }
    await metadataFailpoints.afterRollbackPrepared.hit();
    this.logger.debug({ txId, gid }, 'branch aborted (rollbackPrepared)');
    return { alreadyAborted: false };
  }

  /**
   * Runs COMMIT PREPARED or ROLLBACK PREPARED of `txId`'s gid on a shared connection:
   * `done`, or `absent` when PostgreSQL has no such prepared transaction. When the answer
   * is lost (a query timeout, a broken connection) the statement may have been carried
   * out, or may still be running: LostAnswerSettlement.settleEnding finds out which.
   * Whatever cannot be settled so is MetadataUnavailableError, and the caller's retry
   * (phase 2 is retried until acked) begins again.
   */
  private async endPrepared(statement: string, txId: string): Promise<Ending> {
    const gid = globalTransactionId.of(this.settings.participantId, txId);
    const client = await this.connections.sharedClient();
    const pid = backendPidOf(client);
    try {
      await client.query(statement);
      client.release();
      return { kind: 'done' };
    } catch (err) {
      if (!sqlState.isConnectionFailure(err)) {
        client.release();
        if (sqlState.of(err) === sqlState.undefinedObject) return { kind: 'absent' };
        if (sqlState.of(err) === sqlState.objectNotInPrerequisiteState) {
          // another session (an earlier call whose answer was lost) is ending it right now
          throw new MetadataUnavailableError(`prepared transaction ${gid} is being ended by another session: ${errorText(err)}`, { cause: err });
        }
        throw err;
      }
      client.release(err instanceof Error ? err : new Error(String(err)));
      this.logger.warn({ err, gid, pid }, 'no answer to an ending statement; ending its session to see what it did');
      return this.settlement.settleEnding(statement, txId, gid, pid, err);
    }
  }

  private async isPrepared(txId: string): Promise<boolean> {
    const { rowCount } = await this.connections.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1 AND database = current_database()', [
      globalTransactionId.of(this.settings.participantId, txId),
    ]);
    return (rowCount ?? 0) > 0;
  }

  /** Whether a marker shows the branch committed; an aborted one (a last resource's compare-and-set) shows the opposite. */
  private async hasMarker(txId: string): Promise<boolean> {
    const { rowCount } = await this.connections.query("SELECT 1 FROM tx_markers WHERE tx_id = $1 AND participant_id = $2 AND outcome = 'committed'", [txId, this.settings.participantId]);
    return (rowCount ?? 0) > 0;
  }
}
