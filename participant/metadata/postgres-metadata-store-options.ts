import type { Logger } from '../../lib/logger/logger.js';

/**
 * What PostgresMetadataStore is constructed with. Every limit left out takes its default
 * from lib/limits; MetadataStoreSettings resolves and checks them all at construction.
 */
export interface PostgresMetadataStoreOptions {
  /** postgres://… of the database that holds (or will hold: `start` migrates it) the schema. */
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** The id the coordinator knows this participant by; part of every gid. Default `metadata`. */
  readonly participantId?: string;
  /** Wait for a file's row lock before a write fails with WriteConflictError. Default limits.metadataLockTimeoutMsDefault. */
  readonly lockTimeoutMs?: number;
  /** Open (unprepared) branches, each holding a connection; past it a write fails with LimitExceededError. Default limits.metadataBranchesMax. */
  readonly branchesMax?: number;
  /** How long a marker row is kept after its branch committed. Default limits.metadataMarkerRetentionMs. */
  readonly markerRetentionMs?: number;
  /** How often expired markers are deleted. Default limits.metadataMarkerSweepIntervalMs. */
  readonly markerSweepIntervalMs?: number;
  /**
   * Server-side limit of one statement (`statement_timeout` of every session); above
   * `lockTimeoutMs`. Default limits.metadataStatementTimeoutMsDefault, or twice the lock
   * timeout when that is more.
   */
  readonly statementTimeoutMs?: number;
  /**
   * Client-side limit of one round trip (node-postgres `query_timeout`); at least
   * `statementTimeoutMs`. Past it the session is closed and the call fails with
   * MetadataUnavailableError; a COMMIT/ROLLBACK PREPARED or PREPARE TRANSACTION whose answer
   * was lost so is resolved on a fresh connection. Default limits.metadataQueryTimeoutMsDefault,
   * or the statement timeout plus the same margin when that is more.
   */
  readonly queryTimeoutMs?: number;
  /** Longest wait for a connection, from the pool or a new one. Default limits.metadataConnectionWaitMsMax. */
  readonly connectionWaitMs?: number;
  /**
   * The participant's idle abort of an unprepared branch (`--branch-idle-ms`); the server
   * ends a branch's session idle this long plus limits.metadataIdleInTransactionMarginMs.
   * Default limits.branchIdleMsMax.
   */
  readonly branchIdleMs?: number;
}
