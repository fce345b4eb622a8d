import { assert } from '../../lib/assert/assert.js';
import { errorText } from '../../lib/error-text/error-text.js';
import type { Logger } from '../../lib/logger/logger.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import { BranchNotCommittedError } from '../participant-errors.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../resource-manager.js';
import { applyMigrations } from './apply-migrations.js';
import { FileRevisionReads } from './file-revision-reads.js';
import { LostAnswerSettlement } from './lost-answer-settlement.js';
import { MetadataConnections } from './metadata-connections.js';
import { metadataInput } from './metadata-input.js';
import { metadataMigrations } from './metadata-migrations.js';
import { MetadataStoreSettings } from './metadata-store-settings.js';
import type { ChangeRecord, DeleteFileInput, FileRevisionRecord, MetadataStore, Page, StageRevisionInput } from './metadata-store.js';
import { metadataFailpoints } from './metadata-failpoints.js';
import { MetadataUnavailableError } from './metadata-unavailable-error.js';
import { OpenBranches } from './open-branches.js';
import { OutcomeResolution } from './outcome-resolution.js';
import type { PostgresMetadataStoreOptions } from './postgres-metadata-store-options.js';
import { PreparedBranches } from './prepared-branches.js';
import { PreparedTransactionsDisabledError } from './prepared-transactions-disabled-error.js';
import { sqlState } from './sql-state.js';
import { ChangeFeed } from './change-feed.js';
import { TxMarkerSweep } from './tx-marker-sweep.js';
import { writeCall } from './write-call.js';

type StoreState = { readonly kind: 'new' } | { readonly kind: 'started' } | { readonly kind: 'closed' };

/**
 * The metadata participant's resource manager on PostgreSQL. Each branch is one
 * PostgreSQL transaction on a connection of its own, from its first write until
 * `PREPARE TRANSACTION` makes it durable (the yes vote); `COMMIT PREPARED` and
 * `ROLLBACK PREPARED` end it. A marker row written inside the prepared transaction is
 * the proof, once PostgreSQL has forgotten the gid, that the branch committed.
 *
 * This class is the one users construct; it owns the store's life (start, close) and
 * sends each call to the part whose job it is: OpenBranches before a branch prepares,
 * PreparedBranches after, OutcomeResolution for the marker's compare-and-set (as the
 * last resource), FileRevisionReads for committed reads, TxMarkerSweep for the marker
 * retention, all over one MetadataConnections.
 *
 * It can be the last resource (DESIGN.md, *Last-resource commit*): `commitOnePhase`
 * COMMITs the open branch, whose marker row (outcome committed) went in with its first
 * write, so that COMMIT is the commit point of the tx and no PREPARE TRANSACTION happens;
 * `resolveOutcome` settles an unknown outcome by a compare-and-set on the marker key.
 *
 * Calls for one tx must not overlap (the participant runtime serializes them); calls for
 * different txs may.
 */
export class PostgresMetadataStore implements ResourceManager, MetadataStore {
  readonly participantId: string;
  private readonly settings: MetadataStoreSettings;
  private readonly logger: Logger;
  private readonly connections: MetadataConnections;
  private readonly openBranches: OpenBranches;
  private readonly preparedBranches: PreparedBranches;
  private readonly settlement: LostAnswerSettlement;
  private readonly outcomes: OutcomeResolution;
  private readonly reads: FileRevisionReads;
  private readonly sweep: TxMarkerSweep;
  private readonly feed: ChangeFeed;
  private state: StoreState = { kind: 'new' };

  constructor(options: PostgresMetadataStoreOptions) {
    this.settings = new MetadataStoreSettings(options);
    this.participantId = this.settings.participantId;
    this.logger = options.logger.child({ participantId: this.participantId });
    this.connections = new MetadataConnections(this.settings, this.logger);
    this.settlement = new LostAnswerSettlement(this.settings, this.connections);
    this.openBranches = new OpenBranches(this.settings, this.connections, this.settlement, this.logger);
    this.preparedBranches = new PreparedBranches(this.settings, this.connections, this.settlement, this.logger);
    this.outcomes = new OutcomeResolution(this.settings, this.connections, this.logger);
    this.reads = new FileRevisionReads(this.connections);
    this.sweep = new TxMarkerSweep(this.settings, this.connections, this.logger);
    this.feed = new ChangeFeed(this.connections, this.logger);
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
    this.feed.start();
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
    for (const txId of this.openBranches.txIds()) {
      await this.abort(txId);
      abortedLeftovers += 1;
    }
    const prepared = await this.preparedBranches.recover();
    this.logger.info({ prepared: prepared.length, abortedLeftovers }, 'metadata branches recovered');
    return { prepared, abortedLeftovers };
  }

  /**
   * PREPARE TRANSACTION of the branch (its marker row went in with its first write); the
   * yes vote follows only once PostgreSQL has made it durable. Whatever fails before
   * that votes no and leaves nothing behind. A branch that is already prepared votes yes
   * again; an unknown one votes no.
   */
  async prepare(txId: string): Promise<PrepareVote> {
    this.assertStarted();
    const problem = txIdProblem(txId);
    if (problem !== undefined) return { vote: 'no', reason: `unknown branch: ${problem}` };
    if (this.openBranches.get(txId) === undefined) return this.preparedBranches.vote(txId);
    return this.openBranches.prepare(txId);
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
    const branch = this.openBranches.get(txId);
    if (branch !== undefined) {
      const detail = branch.kind === 'open' ? 'the branch never prepared (its transaction is still open)' : `the branch never prepared: ${branch.reason}`;
      throw new BranchNotCommittedError(txId, this.participantId, detail);
    }
    const committed = await this.preparedBranches.commit(txId);
    // its revisions are visible now: the feed gives them their cursors
    this.feed.kick();
    return committed;
  }

  /** ROLLBACK of an open branch, ROLLBACK PREPARED of a prepared one; nothing to do for an unknown one. */
  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    this.assertStarted();
    metadataInput.txId(txId);
    if (this.openBranches.get(txId) !== undefined) {
      await this.openBranches.rollback(txId);
      return { alreadyAborted: false };
    }
    return this.preparedBranches.abort(txId);
  }

  /**
   * Last-resource mode: the one-phase commit of the open branch of `txId`, one round trip
   * (the COMMIT; its marker row went in with the first write). `committed` once PostgreSQL
   * answers the COMMIT; `aborted` when it refused it. Without an open branch here (it
   * broke with its session, never began, or a repeat after a lost answer) the marker's
   * compare-and-set answers, as `resolveOutcome`: what committed says `committed`, and
   * nothing else can commit any more. Throws MetadataUnavailableError when the answer to
   * the COMMIT was lost, BranchPreparedError when the branch is prepared under two-phase
   * commit.
   */
  async commitOnePhase(txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'> {
    this.assertStarted();
    metadataInput.txId(txId);
    await metadataFailpoints.beforeCommitOnePhase.hit();
    const branch = this.openBranches.get(txId);
    if (branch?.kind === 'open') {
      const outcome = await this.openBranches.commitOnePhase(txId, participants);
      if (outcome === 'committed') this.feed.kick();
      if (outcome === 'committed') await metadataFailpoints.afterCommitOnePhase.hit();
      return outcome;
    }
    return this.resolveOutcome(txId);
  }

  /**
   * Last-resource mode: the outcome of `txId`, settled by the compare-and-set on its
   * marker (OutcomeResolution): `committed` when a one-phase COMMIT of the tx landed,
   * waiting for one still in flight; `aborted` otherwise, and from then on the tx can
   * never commit here.
   *
   * First, what would make the compare-and-set wait on ourselves, or let a branch land
   * after it, is ended: an open branch of the tx here holds the marker key from its first
   * write, and is rolled back (it can never commit now; the participant runtime serializes
   * the calls of a tx, so no commitOnePhase of it runs meanwhile); a PREPARE TRANSACTION
   * of the tx that lost its answer voted no, and its session is ended and what it prepared
   * rolled back. A branch prepared under two-phase commit is BranchPreparedError: its
   * outcome is the coordinator's decision, and it is left as it is.
   */
  async resolveOutcome(txId: string): Promise<'committed' | 'aborted'> {
    this.assertStarted();
    metadataInput.txId(txId);
    if (this.openBranches.get(txId) !== undefined) await this.openBranches.rollback(txId);
    if (this.settlement.hasUnresolvedPrepare(txId)) await this.preparedBranches.abort(txId);
    return this.outcomes.resolve(txId);
  }

  /** Rolls back open branches and closes every connection; prepared branches stay in PostgreSQL. */
  async close(): Promise<void> {
    if (this.state.kind === 'closed') return;
    this.sweep.stop();
    this.feed.stop();
    this.state = { kind: 'closed' };
    await this.openBranches.rollbackAll();
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
    this.assertStarted();
    return this.openBranches.write(txId, file, writeCall(txId, file, { sha256, size, contentType }, ifMatchRevision, ifNoneMatch));
  }

  async deleteFile(txId: string, input: DeleteFileInput): Promise<{ readonly revision: number }> {
    metadataInput.txId(txId);
    const file = { namespace: metadataInput.namespace(input.namespace), path: metadataInput.path(input.path) };
    const ifMatchRevision = metadataInput.ifMatchRevision(input.ifMatchRevision);
    this.assertStarted();
    const { revision } = await this.openBranches.write(txId, file, writeCall(txId, file, undefined, ifMatchRevision, false));
    return { revision };
  }

  // ── MetadataStore: committed reads ─────────────────────────────────────────────────

  getFile(namespace: string, path: string, revision?: number): Promise<FileRevisionRecord> {
    return this.reads.getFile(namespace, path, revision);
  }

  listRevisions(namespace: string, path: string, pageSize: number, token: string): Promise<Page<FileRevisionRecord>> {
    return this.reads.listRevisions(namespace, path, pageSize, token);
  }

  getTransactionRevision(txId: string): Promise<FileRevisionRecord> {
    return this.reads.getTransactionRevision(txId);
  }

  listFiles(namespace: string, prefix: string, pageSize: number, token: string): Promise<Page<FileRevisionRecord>> {
    return this.reads.listFiles(namespace, prefix, pageSize, token);
  }

  // ── MetadataStore: the change feed ─────────────────────────────────────────────────

  readChanges(namespace: string, afterCursor: number, limit: number): Promise<ChangeRecord[]> {
    metadataInput.namespace(namespace);
    return this.feed.read(namespace, afterCursor, limit);
  }

  waitForChanges(signal: AbortSignal): Promise<void> {
    return this.feed.waitForChanges(signal);
  }

  /** Runs the sequencer until every committed revision has its cursor; returns how many it numbered (for tests and tools). */
  sequenceChanges(): Promise<number> {
    return this.feed.sequenceAll();
  }

  // ── housekeeping ───────────────────────────────────────────────────────────────────

  /** One marker-retention sweep now; returns how many markers it deleted. See TxMarkerSweep.sweepExpiredMarkers. */
  sweepExpiredMarkers(): Promise<number> {
    return this.sweep.sweepExpiredMarkers();
  }

  private assertStarted(): void {
    assert(this.state.kind === 'started', `the metadata store is started (it is ${this.state.kind})`);
  }
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
