/**
 * The records of the decision log, as the protocol core decides them (the `appendCommit`
 * and `appendEnd` effects) and reads them back after a restart (the `recover` input).
 * Presumed abort: only commit decisions and their ends are ever logged. The log adapters
 * (`coordinator/log/`) store them; they do not define them.
 */

/** The commit point of a tx: once synced, every participant will be told to commit. */
export interface CommitRecord {
  readonly kind: 'commit';
  readonly txId: string;
  /** Every enlisted participant, in enlist order. */
  readonly participants: readonly string[];
  /** Wall-clock time of the decision (Unix ms), for operators and outcome retention. */
  readonly decidedAtMs: number;
  /**
   * Set when an operator decided the commit (`twophase admin resolve --commit`), not the
   * protocol: why, as they gave it. Replayed as any commit record: phase 2 is re-driven.
   */
  readonly heuristic?: { readonly reason: string };
}

/** Every participant acked the commit of `txId`; the tx needs no re-drive after a restart. */
export interface EndRecord {
  readonly kind: 'end';
  readonly txId: string;
}

export type LogRecord = CommitRecord | EndRecord;
