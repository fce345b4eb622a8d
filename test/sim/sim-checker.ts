import type { SimWorld } from './sim-world.js';

/** What the client and the storage of every node say about one tx: the ground truth the invariants are checked on. */
export interface TxGhost {
  readonly txId: string;
  /** Operations the client was told succeeded, per participant. */
  readonly acked: Map<string, Set<number>>;
  told: 'committed' | 'aborted' | undefined;
  toldPresumed: boolean;
  /** The client asked Commit and waits for the outcome (liveness). */
  wantsOutcome: boolean;
  /** Participants of the commit record, once that record was on stable storage. */
  durableCommit: readonly string[] | undefined;
  /** Participants whose resource manager durably committed the branch. */
  readonly committedAt: Set<string>;
  /** A heuristic rollback damaged a prepared branch: only "no success on trust" is checked. */
  damaged: boolean;
  /** Shared log: the coordinator that heard the log settle this tx as aborted, if one did. */
  settledAbortedBy: string | undefined;
}

/** What the checker needs to know of a resource manager. */
export interface BranchHolder {
  /** The op is in the branch (working, prepared or committed). */
  holds(txId: string, op: number): boolean;
  committed(txId: string): boolean;
  committedOps(txId: string): ReadonlySet<number> | undefined;
}

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/**
 * The invariants of DESIGN.md, checked incrementally whenever a fact about a tx changes
 * (a branch commits or loses work, a decision becomes durable, a client is told), and
 * once more after the faults heal.
 */
export class SimChecker {
  readonly violations: string[] = [];
  readonly ghosts = new Map<string, TxGhost>();
  readonly holders = new Map<string, BranchHolder>();
  /** Txs a heuristic rollback damaged. */
  damagedCount = 0;
  /**
   * Clients still trying to Begin (a retry timer, a call in flight). One that succeeds after
   * the run looked finished would start a tx the checks after it never wait for.
   */
  beginning = 0;
  /**
   * Reads the coordinator's disk: the participants of `txId`'s commit record if a power
   * loss now would leave it (the ground truth of the commit point, not the log's word). On a
   * shared log: the participants of its committed commit row in the database.
   */
  durableCommitOf: (txId: string) => readonly string[] | undefined = () => undefined;

  constructor(
    private readonly w: SimWorld,
    private readonly stopOnViolation: boolean,
    private readonly presumedAbortIsAnswer: boolean,
  ) {}

  ghost(txId: string): TxGhost {
    let g = this.ghosts.get(txId);
    if (g === undefined) {
      g = { txId, acked: new Map(), told: undefined, toldPresumed: false, wantsOutcome: false, durableCommit: undefined, committedAt: new Set(), damaged: false, settledAbortedBy: undefined };
      this.ghosts.set(txId, g);
    }
    return g;
  }

  violation(message: string): void {
    this.violations.push(`t=${this.w.nowMs.toFixed(2)} ${message}`);
    if (this.w.tracing) this.w.trace(`!! VIOLATION ${message}`);
    if (this.stopOnViolation) this.w.stop();
  }

  opAcked(txId: string, participant: string, op: number): void {
    const g = this.ghost(txId);
    let ops = g.acked.get(participant);
    if (ops === undefined) g.acked.set(participant, (ops = new Set()));
    ops.add(op);
  }

  branchCommitted(txId: string, participant: string): void {
    const g = this.ghost(txId);
    g.committedAt.add(participant);
    this.check(g, `committed at ${participant}`);
  }

  /** A resource manager lost or discarded work of `txId` (abort, crash, a no vote). */
  branchLost(txId: string, participant: string): void {
    const g = this.ghosts.get(txId);
    if (g !== undefined) this.check(g, `work lost at ${participant}`);
  }

  decisionDurable(txId: string, participants: readonly string[]): void {
    const g = this.ghost(txId);
    if (g.settledAbortedBy !== undefined && !g.damaged) {
      this.violation(`${txId}: its commit row landed in the shared log after ${g.settledAbortedBy} settled it as aborted there [atomicity]`);
    }
    if (g.durableCommit !== undefined) return;
    g.durableCommit = participants;
    this.check(g, 'commit record durable');
  }

  /**
   * Shared log: `by` heard the log settle `txId` (SharedDecisionLog.settle). Its answer is
   * the decision for good: aborted only if no commit row holds the key, and then none ever
   * may; committed only if one does.
   */
  settledInLog(txId: string, outcome: 'committed' | 'aborted' | 'unknown', by: string): void {
    if (outcome === 'unknown') return;
    const g = this.ghost(txId);
    this.w.stats.settles++;
    const commit = this.durableCommitOf(txId);
    if (outcome === 'aborted') {
      g.settledAbortedBy ??= by;
      if (commit !== undefined && !g.damaged) this.violation(`${txId}: ${by} heard the shared log settle it as aborted while its commit row holds the key [atomicity]`);
    } else if (commit === undefined && g.durableCommit === undefined) {
      this.violation(`${txId}: ${by} heard the shared log settle it as committed, but no commit row for it ever landed [atomicity]`);
    }
  }

  /** Shared log: `by`'s commit record was refused (DecisionTakenError): an abort must hold the key. */
  commitLost(txId: string, by: string): void {
    this.w.stats.commitsLost++;
    if (this.durableCommitOf(txId) !== undefined) this.violation(`${txId}: ${by}'s commit was refused as taken while its commit row holds the key [atomicity]`);
  }

  /** Shared log: `by` heard its commit record written (decisionSynced): the commit row must be there. */
  commitConfirmed(txId: string, by: string): void {
    if (this.durableCommitOf(txId) === undefined) this.violation(`${txId}: ${by} heard its commit written, but no commit row holds the key [persist before speaking]`);
  }

  /** The client gave up learning the outcome ("outcome unknown"): nothing to check. */
  outcomeUnknown(txId: string): void {
    this.ghost(txId).wantsOutcome = false;
  }

  told(txId: string, outcome: 'committed' | 'aborted', presumed: boolean): void {
    const g = this.ghost(txId);
    if (outcome === 'aborted' && presumed && !this.presumedAbortIsAnswer) {
      // the client gives up with "outcome unknown": nothing to check, nothing to wait for
      g.wantsOutcome = false;
      return;
    }
    if (g.told !== undefined && g.told !== outcome) {
      this.violation(`${txId}: the client was told ${g.told}, then ${outcome}${presumed ? ' (presumed)' : ''}`);
    }
    g.told ??= outcome;
    g.toldPresumed ||= presumed;
    g.wantsOutcome = false;
    this.check(g, `client told ${outcome}${presumed ? ' (presumed)' : ''}`);
  }

  /** A participant acked a commit: its resource manager must hold the branch committed, never on trust. */
  commitAcked(txId: string, participant: string): void {
    if (!this.holders.get(participant)!.committed(txId)) {
      this.violation(`${txId}: ${participant} acked Commit but its resource manager has no committed branch (success on trust)`);
    }
  }

  damaged(txId: string): void {
    const g = this.ghost(txId);
    if (!g.damaged) this.damagedCount++;
    g.damaged = true;
  }

  /** Learns from the disk whether the commit record became durable since the last look. */
  private refresh(g: TxGhost): void {
    if (g.durableCommit === undefined) g.durableCommit = this.durableCommitOf(g.txId);
  }

  private check(g: TxGhost, why: string): void {
    if (g.damaged) return;
    this.refresh(g);
    const committed = g.committedAt.size > 0 || g.told === 'committed' || g.durableCommit !== undefined;
    if (!committed) return;
    const tx = g.txId;
    if (g.told === 'aborted') {
      const fact = g.committedAt.size > 0 ? `committed at ${[...g.committedAt].join(',')}` : g.durableCommit !== undefined ? 'its commit record is durable' : 'told committed';
      this.violation(`${tx}: ${why}: ${fact}, but the client was told aborted${g.toldPresumed ? ' (presumed: the coordinator no longer knew the tx)' : ''} [atomicity]`);
    }
    if (g.committedAt.size > 0 && g.durableCommit === undefined) {
      this.violation(`${tx}: ${why}: committed at ${[...g.committedAt].join(',')} while no commit record for it was ever durable [persist before speaking]`);
    }
    if (g.told === 'committed' && g.acked.size > 0 && g.durableCommit === undefined) {
      this.violation(`${tx}: ${why}: the client was told committed but no commit record was ever durable`);
    }
    for (const [p, ops] of g.acked) {
      if (g.durableCommit !== undefined && !g.durableCommit.includes(p)) {
        this.violation(`${tx}: ${why}: the client worked at ${p}, which the commit record does not name [atomicity]`);
      }
      const holder = this.holders.get(p)!;
      for (const op of ops) {
        if (!holder.holds(tx, op)) this.violation(`${tx}: ${why}, but op ${op} the client did at ${p} is gone there [atomicity]`);
      }
    }
  }

  /** After the faults healed and every tx finished: durability and liveness. */
  finalCheck(): void {
    for (const g of this.ghosts.values()) {
      if (g.damaged) continue;
      this.refresh(g);
      const tx = g.txId;
      if (g.wantsOutcome) this.violation(`${tx}: the client never learned the outcome of its Commit [liveness]`);
      const committed = g.committedAt.size > 0 || g.told === 'committed' || g.durableCommit !== undefined;
      if (!committed) continue;
      const must = new Set([...(g.durableCommit ?? []), ...g.acked.keys()]);
      for (const p of must) {
        const holder = this.holders.get(p)!;
        if (!holder.committed(tx)) {
          this.violation(`${tx}: ${g.told === 'committed' ? 'told committed' : 'committed'} but not committed at ${p} after recovery [durability]`);
          continue;
        }
        const ops = holder.committedOps(tx);
        for (const op of g.acked.get(p) ?? []) {
          if (ops?.has(op) !== true) this.violation(`${tx}: committed at ${p} without op ${op} the client was told succeeded [durability]`);
        }
      }
    }
  }
}
