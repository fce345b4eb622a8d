/** One tx's branch at this participant. Ended branches are forgotten: the resource manager verifies repeats. */
export type Branch =
  /** First operation seen; the Enlist call to the coordinator is in flight. */
  | { readonly kind: 'enlisting'; readonly txId: string }
  /**
   * Enlisted; operations run. Idle past `askAtMs`, the branch asks the coordinator: a
   * coordinator that restarted has forgotten the tx (presumed abort), and the branch
   * would otherwise hold its resources until the tx deadline.
   */
  | {
      readonly kind: 'working';
      readonly txId: string;
      readonly lastActivityMs: number;
      readonly opsInFlight: number;
      readonly txDeadlineMs: number;
      readonly askAtMs: number;
      readonly attempt: number;
      readonly asking: boolean;
    }
  /** The resource manager is making the branch durable. */
  | { readonly kind: 'preparing'; readonly txId: string }
  /**
   * Voted yes: in doubt until the decision arrives. If it does not come by `askAtMs`
   * the participant asks the coordinator (the coordinator may have crashed before
   * deciding, and presumed abort means nobody else will ever tell us).
   */
  | {
      readonly kind: 'prepared';
      readonly txId: string;
      readonly preparedAtMs: number;
      readonly askAtMs: number;
      readonly attempt: number;
      readonly asking: boolean;
    }
  /**
   * The decision is being applied by the resource manager. `verifyOnly`: the branch was
   * not known here (committed and forgotten, or never prepared); the resource manager
   * only verifies, and a failure must not turn it into an in-doubt branch.
   */
  | { readonly kind: 'committing'; readonly txId: string; readonly preparedAtMs: number; readonly verifyOnly: boolean }
  | { readonly kind: 'aborting'; readonly txId: string; readonly preparedAtMs: number | undefined }
  /**
   * Last-resource mode, at the last resource: the branch commits one-phase with the
   * decision marker inside its transaction. That COMMIT is the tx's commit point.
   */
  | { readonly kind: 'committingOnePhase'; readonly txId: string };

export interface ParticipantConfig {
  readonly branchIdleMsMax: number;
  readonly inDoubtAskAfterMs: number;
  readonly outcomeRetryMsBase: number;
  readonly outcomeRetryMsMax: number;
  readonly branchesMax: number;
  /** Txs remembered as committed here since the start (see ParticipantState.committed). */
  readonly committedRememberedMax: number;
}

/** Owned by `participantStep` like the coordinator's state: updated in place, returned. */
export interface ParticipantState {
  readonly config: ParticipantConfig;
  readonly nowMs: number;
  readonly branches: Map<string, Branch>;
  /**
   * The txs whose commit the resource manager reported done since this start, oldest
   * first, at most committedRememberedMax: a Commit repeated for one of them (after a
   * restart, the coordinator's re-driven Commit arrives when the in-doubt branch has
   * already resolved itself) is answered from here, as the resource manager's own answer,
   * instead of verifying it there again. A forgotten one is verified as before.
   */
  readonly committed: Set<string>;
}

export function initialParticipantState(config: ParticipantConfig, nowMs: number): ParticipantState {
  return { config, nowMs, branches: new Map(), committed: new Set() };
}
