import type { MachineInfo } from './machine-info.js';

/** The goals of `npm run bench:recovery`, in ms from the restarted process's spawn. */
export const recoveryGoalsMs = {
  /** A restarted coordinator answers GetOutcome of a committed tx with `committed`. */
  coordinatorOutcome: 1_000,
  /** A restarted coordinator finished phase 2 for every committed tx of its log (every participant acked). */
  coordinatorPhase2: 5_000,
  /** A restarted participant resolved every in-doubt branch. */
  participantResolved: 5_000,
} as const;

/** Ms from a spawn until something was seen, or undefined when it was not seen within the run's bound. */
export type SinceSpawnMs = number | undefined;

export interface StateBuilt {
  readonly txs: number;
  readonly seconds: number;
  /** Counted apart from the processes: PostgreSQL's prepared transactions and the blob store's prepared markers. */
  readonly preparedOnDisk: { readonly postgres: number; readonly blob: number };
}

export interface CoordinatorRecovery {
  readonly state: StateBuilt;
  /** in_doubt of each participant, restarted before the coordinator, as it began to wait. */
  readonly participantsInDoubt: { readonly blob: number; readonly metadata: number };
  readonly answeredMs: SinceSpawnMs;
  readonly firstOutcome: string | undefined;
  readonly committedMs: SinceSpawnMs;
  readonly phase2DoneMs: SinceSpawnMs;
  readonly inDoubtZeroMs: { readonly blob: SinceSpawnMs; readonly metadata: SinceSpawnMs };
  /** Outcomes of a sample of the txs once phase 2 was done (all `OUTCOME_COMMITTED` when right). */
  readonly sampleOutcomes: Readonly<Record<string, number>>;
  readonly preparedOnDiskAfter: { readonly postgres: number; readonly blob: number };
}

export interface ParticipantRecovery {
  readonly name: 'blob' | 'metadata';
  readonly answeredMs: SinceSpawnMs;
  /** in_doubt in the first GetStats answer (the branches are recovered before the server listens). */
  readonly inDoubtAtFirstAnswer: number | undefined;
  readonly resolvedMs: SinceSpawnMs;
}

export interface RecoveryReport {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: { readonly txs: number; readonly concurrency: number; readonly logLevel: string; readonly maxPreparedTransactions: number };
  readonly boundMs: number;
  readonly coordinator: CoordinatorRecovery;
  readonly participants: { readonly state: StateBuilt; readonly coordinatorLiveAtStart: number; readonly runs: readonly ParticipantRecovery[]; readonly phase2DoneAfterMs: SinceSpawnMs; readonly preparedOnDiskAfter: { readonly postgres: number; readonly blob: number } };
  readonly totalS: number;
}
