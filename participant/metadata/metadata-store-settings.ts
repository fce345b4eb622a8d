import { assert } from '../../lib/assert/assert.js';
import { limits } from '../../lib/limits/limits.js';
import { participantIdProblem } from '../../lib/tx-id/tx-id.js';
import { InvalidInputError } from '../participant-errors.js';
import type { PostgresMetadataStoreOptions } from './postgres-metadata-store-options.js';

/**
 * The metadata store's options with every default filled in and every value checked,
 * once, at construction: each part of the store takes the few settings it needs from
 * here. Throws InvalidInputError for a participant id that cannot be part of a gid;
 * asserts the limits (callers validate them first, as the CLI does, so a bad one here is a bug).
 */
export class MetadataStoreSettings {
  readonly databaseUrl: string;
  /** The id the coordinator knows this participant by; part of every gid. */
  readonly participantId: string;
  readonly lockTimeoutMs: number;
  readonly branchesMax: number;
  readonly markerRetentionMs: number;
  readonly markerSweepIntervalMs: number;
  readonly statementTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly connectionWaitMs: number;
  /** `idle_in_transaction_session_timeout` of a branch's session: the participant's idle abort plus a margin. */
  readonly idleInTransactionMs: number;

  constructor(options: Omit<PostgresMetadataStoreOptions, 'logger'>) {
    this.participantId = options.participantId ?? 'metadata';
    const problem = participantIdProblem(this.participantId);
    if (problem !== undefined) throw new InvalidInputError('participantId', problem);
    this.lockTimeoutMs = options.lockTimeoutMs ?? limits.metadataLockTimeoutMsDefault;
    this.branchesMax = options.branchesMax ?? limits.metadataBranchesMax;
    this.markerRetentionMs = options.markerRetentionMs ?? limits.metadataMarkerRetentionMs;
    this.markerSweepIntervalMs = options.markerSweepIntervalMs ?? limits.metadataMarkerSweepIntervalMs;
    // left out, each is at least its default and above the limit it must exceed
    this.statementTimeoutMs = options.statementTimeoutMs ?? Math.max(limits.metadataStatementTimeoutMsDefault, 2 * this.lockTimeoutMs);
    this.queryTimeoutMs =
      options.queryTimeoutMs ??
      Math.max(limits.metadataQueryTimeoutMsDefault, this.statementTimeoutMs + (limits.metadataQueryTimeoutMsDefault - limits.metadataStatementTimeoutMsDefault));
    this.connectionWaitMs = options.connectionWaitMs ?? limits.metadataConnectionWaitMsMax;
    const branchIdleMs = options.branchIdleMs ?? limits.branchIdleMsMax;
    this.idleInTransactionMs = branchIdleMs + limits.metadataIdleInTransactionMarginMs;
    assert(Number.isSafeInteger(this.lockTimeoutMs) && this.lockTimeoutMs > 0, `lockTimeoutMs ${this.lockTimeoutMs} is a positive whole number`);
    assert(Number.isSafeInteger(this.branchesMax) && this.branchesMax > 0, `branchesMax ${this.branchesMax} is a positive whole number`);
    assert(this.markerRetentionMs > 0 && this.markerSweepIntervalMs > 0, 'marker retention and sweep interval are positive');
    assert(
      Number.isSafeInteger(this.statementTimeoutMs) && this.statementTimeoutMs > this.lockTimeoutMs,
      `statementTimeoutMs ${this.statementTimeoutMs} is a whole number above lockTimeoutMs ${this.lockTimeoutMs}`,
    );
    assert(
      Number.isSafeInteger(this.queryTimeoutMs) && this.queryTimeoutMs >= this.statementTimeoutMs,
      `queryTimeoutMs ${this.queryTimeoutMs} is a whole number, at least statementTimeoutMs ${this.statementTimeoutMs}`,
    );
    assert(Number.isSafeInteger(this.connectionWaitMs) && this.connectionWaitMs > 0, `connectionWaitMs ${this.connectionWaitMs} is a positive whole number`);
    assert(Number.isSafeInteger(branchIdleMs) && branchIdleMs > 0, `branchIdleMs ${branchIdleMs} is a positive whole number`);
    this.databaseUrl = options.databaseUrl;
  }
}
