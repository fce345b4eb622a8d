import pg from 'pg';
import { assert } from '../../lib/assert/assert.js';
import type { Logger } from '../../lib/logger/logger.js';
import { BranchPreparedError } from './branch-prepared-error.js';
import { globalTransactionId } from './global-transaction-id.js';
import type { MetadataConnections } from './metadata-connections.js';
import type { MetadataStoreSettings } from './metadata-store-settings.js';
import { sqlState } from './sql-state.js';

/**
 * Last-resource mode: the compare-and-set on the marker key that settles the outcome of
 * a tx (DESIGN.md, *Last-resource commit*). twophase_resolve inserts the marker
 * `(txId, aborted)` unless one exists, and answers what the marker says. A branch of the
 * tx whose COMMIT is in flight holds that key from its first write, so the insert waits
 * for the COMMIT to end and then shows who won; once the aborted marker is in, a branch
 * of the tx can never commit (its own marker insert, at its first write, is refused). A
 * late commit and a presumed abort can never both happen.
 *
 * The caller first rolls back the tx's open branch in this process, if any: it holds the
 * key too, and the insert would wait for ourselves.
 */
export class OutcomeResolution {
  constructor(
    private readonly settings: Pick<MetadataStoreSettings, 'participantId'>,
    private readonly connections: MetadataConnections,
    private readonly logger: Logger,
  ) {}

  /**
   * The outcome of `txId` as the marker says it, after the compare-and-set; one round
   * trip. BranchPreparedError when the tx's branch is prepared here under two-phase
   * commit; MetadataUnavailableError when the answer is lost, or the wait for a COMMIT in
   * flight outlasts the statement timeout (a repeat is safe: the compare-and-set is
   * idempotent, and waits for a lost one still running).
   */
  async resolve(txId: string): Promise<'committed' | 'aborted'> {
    const { participantId } = this.settings;
    const gid = globalTransactionId.of(participantId, txId);
    // READ COMMITTED whatever the server's default isolation: the SELECT after an insert
    // that waited must see the marker the other transaction committed meanwhile (a
    // REPEATABLE READ snapshot would not, and its insert would fail instead)
    const statement = `BEGIN ISOLATION LEVEL READ COMMITTED;
      SELECT twophase_resolve(${pg.escapeLiteral(txId)}, ${pg.escapeLiteral(participantId)}, ${globalTransactionId.literal(gid)}) AS outcome;
      COMMIT`;
    const client = await this.connections.sharedClient();
    let results: pg.QueryResult[];
    try {
      const answer = (await client.query(statement)) as pg.QueryResult | pg.QueryResult[];
      results = Array.isArray(answer) ? answer : [answer];
    } catch (err) {
      // a statement that failed after BEGIN leaves its transaction block open: the session is closed, not reused
      client.release(err instanceof Error ? err : new Error(String(err)));
      if (sqlState.of(err) === sqlState.branchPrepared) throw new BranchPreparedError(txId, participantId);
      throw this.connections.unavailable(err);
    }
    client.release();
    const outcome = (results[1]?.rows[0] as { outcome?: unknown } | undefined)?.outcome;
    assert(outcome === 'committed' || outcome === 'aborted', `twophase_resolve answers committed or aborted, not ${String(outcome)}`);
    this.logger.child({ txId }).info({ outcome }, 'outcome settled by the compare-and-set on the marker');
    return outcome;
  }
}
