import type { Prng } from '../../lib/prng/prng.js';

/**
 * Wrong variants of the protocol, built as wrappers around the real cores and the
 * runtime glue in the simulator (never edits of production code). The simulator must
 * catch each one; `mutants.test.ts` measures how many seeds that takes.
 */
export const mutantNames = [
  /** (a) Commit is sent when the commit record is appended, before it is synced. */
  'commitBeforeSync',
  /** (b) The resource manager answers yes before the prepared branch is durable. */
  'yesBeforeDurable',
  /** (c) The commit record is reclaimed as soon as phase 2 starts, before every ack. */
  'reclaimBeforeAcks',
  /** (d) Commit of a branch the resource manager no longer has succeeds without the marker. */
  'unverifiedCommit',
  /** (e) Presumed commit: GetOutcome of an unknown tx answers committed. */
  'presumedCommit',
  /** (f) GetOutcome answers committed while the commit record is still being synced. */
  'committedWhileDeciding',
  /** (g) An in-doubt participant that cannot reach the coordinator aborts on its own. */
  'unilateralAbortInDoubt',
  /** (h) A restarted resource manager rolls back its prepared branches with the unprepared ones. */
  'forgetPreparedOnRestart',
  /** (i) Last resource: the branch commits on its own and the decision marker follows in a second transaction. */
  'markerOutsideCommit',
  /** (j) Last resource: the resolver reads the marker (none: aborted) instead of a compare-and-set that waits for a commit in flight. */
  'resolverReadsMarker',
  /** (k) Last-resource mode: the other participants are told to commit before the last resource's COMMIT, the commit point. */
  'publishedBeforeCommitPoint',
  /**
   * (l) Shared log: settling a tx only reads its decision and, when none holds the key,
   * answers aborted without inserting the abort, so the owner's later commit still lands.
   */
  'resolveByRead',
] as const;

export type CommitMode = 'two-phase' | 'last-resource';
export const commitModes: readonly CommitMode[] = ['two-phase', 'last-resource'];

/** `file`: one coordinator on its FileDecisionLog; `shared`: several on one shared decision log (a database). */
export type DecisionLogKind = 'file' | 'shared';
export const decisionLogKinds: readonly DecisionLogKind[] = ['file', 'shared'];

/** Coordinators on a shared log: at least two (else nothing is shared), at most four. */
export const sharedCoordinatorsMin = 2;
export const sharedCoordinatorsMax = 4;
export const sharedCoordinatorsDefault = 3;

/** The world a mutant needs to be reachable at all: the last-resource ones need that mode, (l) a shared log. */
export const mutantOptions: Partial<Record<MutantName, Partial<SimOptions>>> = {
  markerOutsideCommit: { commitMode: 'last-resource' },
  resolverReadsMarker: { commitMode: 'last-resource' },
  publishedBeforeCommitPoint: { commitMode: 'last-resource' },
  resolveByRead: { decisionLog: 'shared' },
};

export type MutantName = (typeof mutantNames)[number];

/** Fault and workload knobs of one run. `swarmScenario` draws them per seed. */
export interface Scenario {
  /** Transactions the clients begin. */
  readonly txs: number;
  /** Clients start their transactions within this window; faults stop at its end. */
  readonly workloadMs: number;
  readonly dropRate: number;
  readonly dupRate: number;
  /** Share of messages that take a slow path (reordering). */
  readonly slowRate: number;
  /** Crashes per node per simulated second, drawn as a Poisson process. */
  readonly crashesPerSec: number;
  /** Chance that a node crashes right after any step of its core. */
  readonly crashAfterStep: number;
  readonly partitionsPerSec: number;
  /** Share of coordinator crashes that also lose the page cache (power loss). */
  readonly machineCrashShare: number;
  /** Chance that a crash tears the last unsynced log record. */
  readonly tornShare: number;
  /**
   * Heuristic rollbacks per simulated second: a resource manager loses a prepared branch
   * (an operator's ROLLBACK PREPARED, a restored disk). Outside the protocol's promise,
   * so the tx is only checked for "never report success on trust".
   */
  readonly heuristicPerSec: number;
  /** Clock skew of each node, up to ± this. */
  readonly skewMsMax: number;
  /** Operations a client runs at one participant in one tx. */
  readonly opsPerParticipantMax: number;
  /** Share of resource-manager commits and aborts that fail transiently (and are retried). */
  readonly rmFailRate: number;
}

/**
 * The faults of a run on a shared decision log, drawn per seed (`sharedLogScenario`) after
 * the others, so that a file-log seed draws exactly what it drew before they existed.
 */
export interface SharedLogScenario {
  /** Share of statements refused before the database saw them (nothing done). */
  readonly dbFailRate: number;
  /** Share of statements that committed and whose answer was lost (an error, or only the timeout). */
  readonly dbAmbiguousRate: number;
  /** Share of statements that wait behind a lock or a checkpoint, 20 ms to twice the statement timeout (past it: cancelled). */
  readonly dbSlowRate: number;
  /** Outages of the database machine per simulated second (a restart, a failover: every statement fails). */
  readonly dbOutagesPerSec: number;
  /** Per coordinator and simulated second: its connections to the database cut off for a while. */
  readonly dbCutsPerSec: number;
  /** Per coordinator and simulated second: it is paused (SIGSTOP), then continued. */
  readonly pausesPerSec: number;
  /** Chance that a coordinator is paused right after the step that decided commit, before its commit row is sent. */
  readonly pauseAfterDecide: number;
  /** Coordinators lost for good (crashed during the workload, never restarted); always fewer than all. */
  readonly lostCoordinators: number;
  /** PostgresDecisionLog's batches in flight (limits.sharedLogConnectionsMax: 4). */
  readonly connectionsMax: number;
  /** Rows of one commit INSERT (limits.sharedLogBatchRowsMax: 1,000). */
  readonly batchRowsMax: number;
  /** Records that may wait for the database before an append is refused (limits.sharedLogPendingRecordsMax: 20,000). */
  readonly pendingRecordsMax: number;
}

/** Draws a shared-log run's faults and sizes: small batches and pools, so that they fill and split. */
export function sharedLogScenario(rng: Prng, coordinators: number): SharedLogScenario {
  const some = (p: number, lo: number, hi: number): number => (rng.chance(p) ? rng.range(lo, hi) : 0);
  return {
    dbFailRate: some(0.6, 0, 0.06),
    dbAmbiguousRate: some(0.6, 0, 0.06),
    dbSlowRate: some(0.5, 0, 0.08),
    dbOutagesPerSec: some(0.4, 0.5, 3),
    dbCutsPerSec: some(0.4, 0.5, 3),
    pausesPerSec: some(0.7, 0.3, 3),
    pauseAfterDecide: some(0.5, 0, 0.08),
    lostCoordinators: rng.chance(0.35) ? 1 + rng.below(coordinators - 1) : 0,
    connectionsMax: 1 + rng.below(4),
    batchRowsMax: 1 + rng.below(6),
    pendingRecordsMax: rng.chance(0.1) ? 2 + rng.below(8) : 20_000,
  };
}

/**
 * Durations of the shared log and of the SDK's many-coordinator rules, production's
 * (lib/limits/limits.ts) scaled down ~50× like the rest of the simulated world.
 */
export const sharedLogSim = {
  /** limits.sharedLogStatementTimeoutMs (10 s): query_timeout, statement_timeout and connectionTimeoutMillis. */
  statementTimeoutMs: 200,
  /** limits.sharedLogSideConnectionsMax: settles, ends, the sweep and reads. */
  sideConnectionsMax: 2,
  /** limits.sharedLogRetryMsBase and …Max (50 ms, 2 s). */
  retryMsBase: 1,
  retryMsMax: 40,
  /** limits.sharedLogEndedRetentionMs is 6× the coordinator's outcome retention (1 h against 10 min); the sweep runs 60× as often. */
  endedRetentionPerOutcomeRetention: 6,
  sweepsPerEndedRetention: 60,
  /** limits.sdkOwnerUnreachableGraceMs (3 s): how long a tx's own coordinator stays unreachable before the client asks the others. */
  sdkOwnerUnreachableGraceMs: 60,
  /** limits.sdkCoordinatorDownMs (2 s): how long the client passes over a coordinator that failed for Begin. */
  sdkCoordinatorDownMs: 40,
  /** limits.sdkBeginAttemptMsShared (2 s): the deadline of a Begin at each coordinator but the last one tried. */
  sdkBeginAttemptMs: 40,
  /** How long a pause lasts: long enough, often, for the participants and clients to settle its txs through the others. */
  pauseMsMin: 30,
  pauseMsMax: 1_500,
  /** How long a database outage, or a coordinator's cut from the database, lasts. */
  dbOutageMsMin: 5,
  dbOutageMsMax: 300,
  /** A coordinator that could not open the log at its start exits; its supervisor starts it again after this. */
  restartAfterExitMsMin: 5,
  restartAfterExitMsMax: 60,
} as const;

export interface SimOptions {
  readonly seed: number;
  /**
   * `last-resource`: `pb` (which behaves like the metadata participant) is the last
   * resource, its one-phase COMMIT the commit point (DESIGN.md, *Last-resource commit*).
   * Default `two-phase`.
   */
  readonly commitMode?: CommitMode | undefined;
  /**
   * `shared`: `coordinators` coordinators (c1…cN, each the production CoordinatorRuntime
   * with `sharedLog`), one simulated database holding the decisions, participants routing
   * by tx id (RoutingCoordinatorLink), clients spreading Begin and asking the others for an
   * outcome as the SDK does. Two-phase mode only. Default `file`.
   */
  readonly decisionLog?: DecisionLogKind | undefined;
  /** Coordinators on a shared log (2 to 4, default 3). */
  readonly coordinators?: number | undefined;
  /** Overrides of the drawn shared-log scenario. */
  readonly sharedScenario?: Partial<SharedLogScenario> | undefined;
  readonly mutant?: MutantName | undefined;
  /** One compact line per input, effect, message fault and crash. */
  readonly trace?: ((line: string) => void) | undefined;
  /** Overrides of the drawn scenario. */
  readonly scenario?: Partial<Scenario> | undefined;
  /** Simulated time after the faults heal within which every tx must be finished. */
  readonly livenessBoundMs?: number | undefined;
  /**
   * FileDecisionLog makes the records it replays durable on open (the fix of a bug the
   * simulator found, a8e623e). `false` brings the bug back: that fdatasync
   * (`log.segment.replay`) is ignored by the coordinator's simulated disk.
   */
  readonly logSyncsOnOpen?: boolean | undefined;
  /**
   * A client that learns "aborted (presumed)" counts it as an answer, as the SDK does.
   * `false` treats a presumed answer as "outcome unknown" instead.
   */
  readonly presumedAbortIsAnswer?: boolean | undefined;
  /**
   * How long (simulated ms) the coordinator remembers the outcome of a finished tx
   * (`finishedRetentionMs`). Default 30 s, longer than any run: only a restart makes it
   * forget. A shorter one lets a run reach what happens after the coordinator forgot.
   */
  readonly outcomeRetentionMs?: number | undefined;
  /**
   * How many finished outcomes (plus unfinished txs) the coordinator remembers at once
   * (`finishedTxMax`). Default production's 1 000 000, never reached; a small one makes Begin
   * refuse with RESOURCE_EXHAUSTED rather than forget a committed tx inside its retention.
   */
  readonly finishedTxMax?: number | undefined;
  /**
   * How many txs a participant remembers as committed by its resource manager since its
   * start (`committedRememberedMax`; production's 20,000). 0 makes every repeated Commit
   * verify at the resource manager, as every one did before participants remembered.
   */
  readonly participantCommittedRememberedMax?: number | undefined;
  /**
   * How long (simulated ms) the log keeps a segment after its last commit ended, as
   * FileDecisionLog's `reclaimDelayMs` does. Default: the outcome retention.
   */
  readonly logReclaimDelayMs?: number | undefined;
  /**
   * How long after Begin the client trusts a presumed abort, as the SDK's
   * `presumedAbortTrustMs` does. Default: 9/10 of the outcome retention.
   */
  readonly clientPresumedAbortTrustMs?: number | undefined;
  /**
   * Participants name their incarnation in Enlist, as ParticipantRuntime does, so the
   * coordinator refuses a re-enlist by a restarted participant. Default `true`.
   */
  readonly enlistNamesIncarnation?: boolean | undefined;
  /**
   * A Commit of a branch the participant does not hold only verifies: a failure drops the
   * branch (participant-step.ts `verifyOnly`). `false` rewrites the core's answer into the
   * old one, where a failed verification left a prepared (in-doubt) branch. Default `true`.
   */
  readonly commitOfUnknownBranchVerifiesOnly?: boolean | undefined;
  /**
   * How resource managers answer Abort of a branch they committed. Default: `pb` answers
   * like the metadata participant (logs, "already aborted"), `pa` and `pc` refuse like the
   * blob store.
   */
  readonly abortOfCommitted?: 'refuse' | 'succeed' | 'mixed' | undefined;
  /**
   * PostgresDecisionLog.open ends the connections an earlier process of its coordinator id
   * still holds before it replays, so that a commit that process had in flight cannot land
   * after the replay (the fix of a bug the simulator found). `false` replays at once.
   * Default `true`.
   */
  readonly sharedLogFencesEarlierProcesses?: boolean | undefined;
  /** Keep running after the first violation (to collect all of them). */
  readonly continueAfterViolation?: boolean | undefined;
}

/** Swarm testing: every seed draws its own mix of faults, so rare combinations get their turn. */
export function swarmScenario(rng: Prng): Scenario {
  const some = (p: number, lo: number, hi: number): number => (rng.chance(p) ? rng.range(lo, hi) : 0);
  return {
    txs: 20 + rng.below(41),
    workloadMs: rng.range(150, 900),
    dropRate: some(0.8, 0, 0.12),
    dupRate: some(0.6, 0, 0.06),
    slowRate: some(0.6, 0, 0.12),
    crashesPerSec: some(0.85, 0.5, 6),
    crashAfterStep: some(0.5, 0, 0.004),
    partitionsPerSec: some(0.6, 0.5, 6),
    machineCrashShare: rng.range(0, 1),
    tornShare: rng.range(0, 0.5),
    heuristicPerSec: some(0.2, 0.5, 3),
    skewMsMax: some(0.5, 0, 30),
    opsPerParticipantMax: 1 + rng.below(2),
    // not drawn: a seed's stream stays what it was before this knob existed
    rmFailRate: 0.01,
  };
}

/** A fault-free scenario: the protocol must commit everything the clients commit. */
export const calmScenario: Partial<Scenario> = {
  dropRate: 0,
  dupRate: 0,
  slowRate: 0,
  crashesPerSec: 0,
  crashAfterStep: 0,
  partitionsPerSec: 0,
  heuristicPerSec: 0,
};

/**
 * Protocol bugs this simulator found that are fixed (test/sim/README.md), each with the
 * options that bring its old behaviour back. `known-bugs.test.ts` runs each fixed and
 * reverted, so the simulator is shown to still catch it; `npm run sim -- --revert <bug>`
 * does the same by hand.
 */
export const fixedBugs = {
  /** FileDecisionLog.open did not sync an intact tail it replayed (fixed in a8e623e): its fdatasync ignored. */
  'replay-unsynced': { logSyncsOnOpen: false },
  /**
   * The log reclaimed ended segments at once and the client trusted any presumed abort, so a
   * client whose Commit reply was lost could be told aborted for a committed tx (22097e4).
   */
  'presumed-abort-to-client': { logReclaimDelayMs: 0, clientPresumedAbortTrustMs: Infinity },
  /** Enlist did not carry the participant's incarnation: a restarted participant re-enlisted (911ae2e). */
  'reenlist-after-restart': { enlistNamesIncarnation: false },
  /** A failed verification of a Commit of a forgotten branch left a phantom in-doubt branch (a8e623e). */
  'phantom-in-doubt': { commitOfUnknownBranchVerifiesOnly: false },
  /**
   * Shared log: a commit insert a killed coordinator had in flight landed after its next
   * process replayed the log, a commit row no one re-drove or ended.
   */
  'commit-lands-after-replay': { sharedLogFencesEarlierProcesses: false },
} as const satisfies Record<string, Partial<SimOptions>>;

export type FixedBug = keyof typeof fixedBugs;
export const fixedBugNames = Object.keys(fixedBugs) as FixedBug[];

/** The options that bring back the old behaviour of every bug in `bugs`. */
export function reverted(bugs: readonly FixedBug[]): Partial<SimOptions> {
  let options: Partial<SimOptions> = {};
  for (const bug of bugs) options = { ...options, ...fixedBugs[bug] };
  return options;
}

/**
 * The protocol bugs this simulator found that are not fixed yet (none now), and for each
 * the option that steps around it, so the rest of the protocol stays under test. A new one
 * gets an `it.fails` in `known-bugs.test.ts` that lifts only its fence.
 */
export const knownBugs = {
} as const satisfies Record<string, Partial<SimOptions>>;

export type KnownBug = keyof typeof knownBugs;
export const knownBugNames = Object.keys(knownBugs) as KnownBug[];

/** The options that fence `bugs` (all of them by default). */
export function fenced(bugs: readonly KnownBug[] = knownBugNames): Partial<SimOptions> {
  let options: Partial<SimOptions> = {};
  for (const bug of bugs) {
    const fence: Partial<SimOptions> = knownBugs[bug];
    options = { ...options, ...fence, scenario: { ...options.scenario, ...fence.scenario } };
  }
  return options;
}
