import type { AbortCause } from '../../lib/abort-cause/abort-cause.js';
import { DueQueue } from '../../lib/due-queue/due-queue.js';
import type { CoordinatorConfig } from './coordinator-config.js';

/** Where one participant stands in phase 2 of one tx. */
export type PeerState =
  /** A Commit/Abort is in flight to it; its ack or failure is the next input. */
  | { readonly kind: 'sending'; readonly attempt: number }
  /** The last send failed; resend at `retryAtMs`. */
  | { readonly kind: 'backoff'; readonly attempt: number; readonly retryAtMs: number }
  | { readonly kind: 'acked' };

/** A tx the coordinator is still working on. */
export type LiveTx =
  /** Begun; participants enlist. */
  | {
      readonly kind: 'active';
      readonly txId: string;
      readonly deadlineMs: number;
      readonly participants: readonly string[];
      /** participantId → the incarnation that enlisted it (a restart in between loses its work). */
      readonly incarnations: Readonly<Record<string, string>>;
    }
  /** Commit asked; Prepare sent to every participant (but the last resource); votes arriving. */
  | {
      readonly kind: 'preparing';
      readonly txId: string;
      readonly prepareDeadlineMs: number;
      readonly participants: readonly string[];
      /** The participants asked to vote: all of them, or all but the last resource. */
      readonly voters: readonly string[];
      readonly yesVotes: readonly string[];
      readonly waiters: readonly number[];
    }
  /**
   * Last-resource mode: every other participant voted yes, and the last resource is
   * committing one-phase. Its COMMIT is the commit point: until it answers, the outcome
   * is the last resource's, not ours.
   */
  | {
      readonly kind: 'committingLast';
      readonly txId: string;
      readonly participants: readonly string[];
      readonly lastResource: string;
      readonly waiters: readonly number[];
    }
  /**
   * Last-resource mode: the outcome is decided at the last resource and we do not know it
   * (its answer was lost, or the tx is unknown here: a restart forgot it). A
   * compare-and-set on the marker key there decides it; `retryAtMs` 0 means one is in
   * flight. `participants` is empty for a tx this coordinator does not know. With a
   * shared decision log (`lastResource` ''), a tx unknown here, settled by the same
   * compare-and-set on its key in the log.
   */
  | {
      readonly kind: 'resolving';
      readonly txId: string;
      readonly participants: readonly string[];
      readonly lastResource: string;
      readonly waiters: readonly number[];
      readonly attempt: number;
      readonly retryAtMs: number;
    }
  /** Every vote was yes; the commit record is being synced. Nothing is sent until it is. */
  | {
      readonly kind: 'deciding';
      readonly txId: string;
      readonly participants: readonly string[];
      readonly waiters: readonly number[];
    }
  /** The commit record is durable: the tx is committed; phase 2 delivers it. */
  | {
      readonly kind: 'committing';
      readonly txId: string;
      readonly participants: readonly string[];
      readonly peers: ReadonlyMap<string, PeerState>;
      readonly waiters: readonly number[];
      /** Waiting callers are answered (with the pending participants) at this time even if acks are missing. */
      readonly replyAtMs: number;
      readonly decidedAtMs: number;
    }
  /** Decision abort; Abort is delivered to every participant (nothing is logged: presumed abort). */
  | {
      readonly kind: 'aborting';
      readonly txId: string;
      readonly participants: readonly string[];
      readonly peers: ReadonlyMap<string, PeerState>;
      readonly reason: string;
      readonly cause: AbortCause;
      /** Past this, undelivered aborts are dropped: an in-doubt participant learns `aborted` by presumption. */
      readonly giveUpAtMs: number;
    };

/** A tx whose outcome is remembered for repeated calls, without further work. */
export interface FinishedTx {
  readonly kind: 'finished';
  readonly txId: string;
  readonly outcome: 'committed' | 'aborted';
  readonly reason: string;
  /** Set exactly when `outcome` is `aborted`. */
  readonly cause?: AbortCause;
  readonly participants: readonly string[];
  readonly forgetAtMs: number;
}

/**
 * The coordinator's whole state. `step` owns it: it updates the maps in place and
 * returns the state to use next, so a caller must not keep using an older reference.
 * (Copying maps per input would make the simulator and the hot path O(n) per step.)
 */
export interface CoordinatorState {
  readonly config: CoordinatorConfig;
  readonly nowMs: number;
  readonly live: Map<string, LiveTx>;
  /**
   * When each live tx next needs the clock: the earliest of its deadline, its retries and
   * its phase-2 reply time; a tx that waits only for an answer is not in it. Kept by `step`
   * beside `live`, so that a tick visits what is due, not every live tx (10,000 of them
   * after a restart, every 10 ms).
   */
  readonly due: DueQueue<string>;
  /** Insertion-ordered: the first entry is the oldest, so pruning pops from the front. */
  readonly finished: Map<string, FinishedTx>;
  /** Txs begun and decisions taken since start (recovered ones not counted), for metrics. */
  readonly decided: { begun: number; commits: number; aborts: number; readonly abortsByCause: Record<AbortCause, number> };
}

export function initialCoordinatorState(config: CoordinatorConfig, nowMs: number): CoordinatorState {
  return { config, nowMs, live: new Map(), due: new DueQueue(), finished: new Map(), decided: { begun: 0, commits: 0, aborts: 0, abortsByCause: { conflict: 0, outage: 0, deadline: 0, client: 0 } } };
}
