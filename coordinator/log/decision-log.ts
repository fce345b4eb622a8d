/**
 * The coordinator's durable decision log.
 *
 * Presumed abort means only commit decisions are logged: a `commit` record is the
 * commit point of a tx, and an `end` record says every participant acked it so
 * the tx can be forgotten. Nothing else is ever written. The records are the protocol
 * core's (`coordinator/protocol/log-record.ts`): the log stores what `step` asks for.
 */
import type { LogRecord } from '../protocol/log-record.js';

export interface AppendOptions {
  /**
   * When true, the returned promise resolves only once the record (and every record
   * appended before it) is on stable storage (fdatasync). When false, it resolves once
   * the record is handed to the OS; a crash may lose it.
   */
  readonly sync: boolean;
}

/** What `open` found on disk. */
export interface ReplayResult {
  /**
   * Every record of the surviving segments, in append order. An `end` may appear without
   * its `commit` (the commit's segment was reclaimed once every commit in it had ended);
   * such an end concerns a forgotten tx and is skipped.
   */
  readonly records: readonly LogRecord[];
  /** Bytes cut from the tail of the last segment because the last record was torn (0 if none). */
  readonly truncatedBytes: number;
}

export interface DecisionLogStats {
  /** Records appended since open. */
  readonly appends: number;
  /** Commit records appended with `sync: true` since open. */
  readonly syncedCommits: number;
  /** fdatasync calls since open. */
  readonly syncs: number;
  /** write calls (batches) since open. */
  readonly writes: number;
  /** Segment files on disk now. */
  readonly segments: number;
  /** Segment files deleted since open. */
  readonly segmentsDeleted: number;
}

export interface DecisionLog {
  /**
   * Opens the log, creating its directory if needed, and replays it: returns every
   * intact record in order. A torn or corrupt tail of the last segment (a record whose
   * length runs past the end or whose CRC32C does not match) is truncated away; a
   * corrupt record in an older segment is an error (`LogCorruptError`) because a
   * synced record was damaged. Must be called once, before `append`.
   */
  open(): Promise<ReplayResult>;

  /**
   * Appends a record. Concurrent appends are group-committed: they share one write
   * and, if any of them asked for `sync`, one fdatasync. Records become durable in
   * append order. Rejects with `LogClosedError` after `close`, and without writing any of
   * the record with `LogQueueFullError` (too many bytes wait for the disk; retryable) or
   * `LogRecordTooLargeError`: after these two the caller may act as if it never asked. A failed write or
   * fdatasync is fatal: the log calls its `onFatal` handler (default: log and exit the
   * process) and never retries, because after a failed fsync the page cache may
   * already have dropped the dirty pages (fsyncgate).
   */
  append(record: LogRecord, options: AppendOptions): Promise<void>;

  /** Counters for benchmarks and metrics. */
  stats(): DecisionLogStats;

  /** Flushes pending appends (synced), closes the files. Idempotent. */
  close(): Promise<void>;
}

/**
 * A decision log that many coordinators share (DESIGN.md, *Shared decision log*): each
 * tx's decision is one key, written once by compare-and-set. `append` of a commit record
 * rejects with `DecisionTakenError` when an abort already holds the key (and wrote
 * nothing); it never fails because the store is unreachable, but retries until written or
 * closed, since the insert is idempotent and an unanswered one may have landed.
 */
export interface SharedDecisionLog extends DecisionLog {
  readonly shared: true;
  /**
   * Settles a tx this coordinator does not hold: inserts an abort unless a decision holds
   * the key, and answers the decision that holds it then (a commit in flight is waited
   * for). Retries while the store is unreachable; rejects only with `LogClosedError`.
   */
  settle(txId: string): Promise<'committed' | 'aborted'>;
}

export function isSharedDecisionLog(log: DecisionLog): log is SharedDecisionLog {
  return (log as Partial<SharedDecisionLog>).shared === true;
}
