import type { Logger } from '../../lib/logger/logger.js';
import { globalTransactionId } from './global-transaction-id.js';
import type { MetadataConnections } from './metadata-connections.js';
import type { MetadataStoreSettings } from './metadata-store-settings.js';

/** What a COMMIT/ROLLBACK PREPARED whose answer was lost turned out to have done; see LostAnswerSettlement.settleEnding. */
type SettledEnding = { readonly kind: 'done' } | { readonly kind: 'endedUnanswered'; readonly committed: boolean };

/**
 * Finds out what a PREPARE TRANSACTION, COMMIT PREPARED or ROLLBACK PREPARED did when its
 * answer never came (a query timeout, a broken connection): the statement may have been
 * carried out, or may still be running. On a fresh connection (the pools' idle ones may
 * share the failed path) its server session is ended and waited for, so it can no longer
 * land later, and then pg_prepared_xacts and tx_markers tell what it did.
 *
 * A lost PREPARE that cannot be settled now is remembered (at most branchesMax of them):
 * its branch has voted no, and `endUnresolvedPrepare` must run before that tx's commit
 * or abort. Whatever cannot be settled is MetadataUnavailableError; the caller's retry
 * (phase 2 is retried until acked) begins again.
 */
export class LostAnswerSettlement {
  /**
   * Server sessions (backend pids) whose PREPARE TRANSACTION lost its answer and could not
   * be ended yet: until one is, its PREPARE may still land, so the tx's abort ends it first.
   */
  private readonly unresolvedPrepares = new Map<string, number>();

  constructor(
    private readonly settings: Pick<MetadataStoreSettings, 'participantId' | 'branchesMax'>,
    private readonly connections: MetadataConnections,
  ) {}

  /**
   * After a PREPARE TRANSACTION lost its answer: on a fresh connection, ends its session
   * (so the PREPARE cannot land later) and rolls back the prepared transaction if it was
   * carried out. When that cannot be done now, the session is remembered and the tx's
   * abort (which always follows a no vote) does it first. Never throws.
   */
  async settlePrepare(txId: string, gid: string, pid: number | undefined, logger: Logger): Promise<void> {
    try {
      await this.connections.onFreshConnection(async (fresh) => {
        await this.connections.endSession(pid, undefined, fresh);
        const { rowCount } = await fresh.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1 AND database = current_database()', [gid]);
        if ((rowCount ?? 0) > 0) await fresh.query(`ROLLBACK PREPARED ${globalTransactionId.literal(gid)}`);
      });
    } catch (err) {
      logger.warn({ err, pid }, 'could not settle a prepare whose answer was lost; the abort will, ending its session first');
      if (pid !== undefined && this.unresolvedPrepares.size < this.settings.branchesMax) this.unresolvedPrepares.set(txId, pid);
    }
  }

  /** Whether a PREPARE of `txId` lost its answer and may yet land: that branch already voted no. */
  hasUnresolvedPrepare(txId: string): boolean {
    return this.unresolvedPrepares.has(txId);
  }

  /** Before a commit or an abort of `txId`: a session whose PREPARE lost its answer is ended first, so that PREPARE cannot land later. */
  async endUnresolvedPrepare(txId: string): Promise<void> {
    const pid = this.unresolvedPrepares.get(txId);
    if (pid === undefined) return;
    await this.connections.endSession(pid);
    this.unresolvedPrepares.delete(txId);
  }

  /**
   * After `statement` (COMMIT PREPARED or ROLLBACK PREPARED of `txId`'s `gid`) lost its
   * answer on session `pid`: ends that session and waits for it, then looks. Still
   * prepared: the statement runs again there (`done`). Gone: `endedUnanswered`, with
   * whether the marker shows the branch committed.
   */
  async settleEnding(statement: string, txId: string, gid: string, pid: number | undefined, cause: unknown): Promise<SettledEnding> {
    return this.connections.onFreshConnection(async (fresh): Promise<SettledEnding> => {
      await this.connections.endSession(pid, cause, fresh);
      const prepared = await fresh.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1 AND database = current_database()', [gid]);
      if ((prepared.rowCount ?? 0) > 0) {
        await fresh.query(statement);
        return { kind: 'done' };
      }
      const marker = await fresh.query("SELECT 1 FROM tx_markers WHERE tx_id = $1 AND participant_id = $2 AND outcome = 'committed'", [txId, this.settings.participantId]);
      return { kind: 'endedUnanswered', committed: (marker.rowCount ?? 0) > 0 };
    });
  }
}
