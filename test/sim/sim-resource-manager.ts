import { BranchAlreadyCommittedError } from '../../participant/blob/branch-already-committed-error.js';
import { BranchNotCommittedError } from '../../participant/participant-errors.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';
import type { SimChecker } from './sim-checker.js';
import type { SimClock } from './sim-clock.js';
import type { MutantName } from './sim-options.js';
import type { SimStorage } from './sim-storage.js';
import type { SimWorld } from './sim-world.js';

interface DurableBranch {
  readonly kind: 'prepared' | 'committed';
  readonly ops: Set<number>;
  readonly preparedAtMs: number;
}

/** A transient storage failure (a disk error, a lost PostgreSQL connection): the protocol retries. */
class SimStorageFailure extends Error {
  override readonly name = 'SimStorageFailure';
}

/**
 * A resource manager (blob store, PostgreSQL) as simulated storage, behind the real
 * `ResourceManager` interface the participant runtime drives. Unprepared work is
 * volatile and lost in a crash; `prepare` makes the branch durable before it answers
 * yes; commit keeps a durable marker (the blob store's committed record, the metadata
 * participant's marker row) that a repeated Commit of a forgotten branch is verified
 * against; abort removes every trace. Each call takes simulated time and takes effect
 * atomically at its end, unless the process crashed first (then it never answers).
 */
export class SimResourceManager implements SimStorage, ResourceManager {
  readonly durable = new Map<string, DurableBranch>();
  readonly working = new Map<string, Set<number>>();
  /** Mutant (b) only: voted yes, not durable yet. */
  readonly preparing = new Map<string, Set<number>>();
  private incarnation = 0;
  /** Transient failure rate of commit/abort calls (retried by the protocol). */
  failRate = 0;
  /** Rate of prepares the storage refuses (a no vote). */
  noRate = 0;
  /**
   * Abort of a branch that committed: the blob store refuses it (BranchAlreadyCommittedError),
   * the metadata participant logs an error and answers "already aborted".
   */
  abortOfCommitted: 'refuse' | 'succeed' = 'refuse';
  /**
   * Last resource only: the decision markers, committed in the same database as the
   * branches (`tx_markers`), so they survive every crash of the participant.
   */
  readonly markers = new Map<string, 'committed' | 'aborted'>();
  /**
   * Last resource only: one-phase COMMITs sent and not landed yet. The database finishes a
   * COMMIT it received even when the participant dies; a compare-and-set of the same key
   * waits for it (the uncommitted marker row holds the key).
   */
  private readonly landing = new Map<string, { readonly ops: Set<number>; readonly waiters: (() => void)[] }>();
  /** The clock of the live incarnation: stamps prepared branches. */
  private nowMs: () => number = () => this.w.nowMs;

  constructor(
    private readonly w: SimWorld,
    readonly participantId: string,
    private readonly checker: SimChecker,
    private readonly mutant: MutantName | undefined,
  ) {}

  holds(txId: string, op: number): boolean {
    return (
      this.working.get(txId)?.has(op) === true ||
      this.durable.get(txId)?.ops.has(op) === true ||
      this.preparing.get(txId)?.has(op) === true ||
      this.landing.get(txId)?.ops.has(op) === true
    );
  }

  committed(txId: string): boolean {
    return this.durable.get(txId)?.kind === 'committed';
  }

  committedOps(txId: string): ReadonlySet<number> | undefined {
    const d = this.durable.get(txId);
    return d?.kind === 'committed' ? d.ops : undefined;
  }

  /** Unprepared branches and prepared ones, for the no-orphans check. */
  leftovers(): string[] {
    const out = [...this.working.keys(), ...this.preparing.keys()];
    for (const [txId, d] of this.durable) if (d.kind === 'prepared') out.push(txId);
    return out;
  }

  /** This storage is its own resource manager; each incarnation stamps with its own clock. */
  open(clock: SimClock): ResourceManager {
    this.nowMs = () => clock.now();
    return this;
  }

  work(txId: string, op: number): Promise<void> {
    return this.later(0.1, 1.5, () => {
      let ops = this.working.get(txId);
      if (ops === undefined) this.working.set(txId, (ops = new Set()));
      ops.add(op);
    });
  }

  prepare(txId: string): Promise<PrepareVote> {
    const nowMs = this.nowMs();
    if (this.mutant === 'yesBeforeDurable' && this.working.has(txId) && !this.durable.has(txId)) {
      const ops = this.working.get(txId)!;
      this.working.delete(txId);
      this.preparing.set(txId, ops);
      // the wrong order: answer first, make it durable afterwards
      void this.later(0.5, 4, () => {
        if (this.preparing.get(txId) !== ops) return;
        this.preparing.delete(txId);
        this.durable.set(txId, { kind: 'prepared', ops, preparedAtMs: nowMs });
      });
      return Promise.resolve({ vote: 'yes' });
    }
    return this.later(0.5, 4, (): PrepareVote => {
      const d = this.durable.get(txId);
      if (d?.kind === 'prepared' || this.preparing.has(txId)) return { vote: 'yes' };
      const ops = this.working.get(txId);
      if (ops === undefined) return { vote: 'no', reason: 'unknown branch: nothing is staged for this tx' };
      this.working.delete(txId);
      if (this.noRate > 0 && this.w.rng.chance(this.noRate)) {
        this.checker.branchLost(txId, this.participantId);
        return { vote: 'no', reason: 'the storage refused the branch' };
      }
      this.durable.set(txId, { kind: 'prepared', ops, preparedAtMs: nowMs });
      return { vote: 'yes' };
    });
  }

  commit(txId: string): Promise<{ alreadyCommitted: boolean }> {
    return this.later(0.3, 3, () => {
      if (this.failRate > 0 && this.w.rng.chance(this.failRate)) throw new SimStorageFailure('commit failed: storage unavailable');
      const d = this.durable.get(txId);
      const ops = d?.kind === 'prepared' ? d.ops : this.preparing.get(txId);
      if (ops !== undefined) {
        this.preparing.delete(txId);
        this.durable.set(txId, { kind: 'committed', ops, preparedAtMs: d?.preparedAtMs ?? 0 });
        this.checker.branchCommitted(txId, this.participantId);
        return { alreadyCommitted: false };
      }
      if (d?.kind === 'committed') return { alreadyCommitted: true };
      // a forgotten branch: verified against the marker, never assumed
      if (this.mutant === 'unverifiedCommit') return { alreadyCommitted: true };
      throw new BranchNotCommittedError(txId, this.participantId, 'no prepared branch and no commit marker');
    });
  }

  abort(txId: string): Promise<{ alreadyAborted: boolean }> {
    return this.later(0.2, 2, () => {
      if (this.failRate > 0 && this.w.rng.chance(this.failRate)) throw new SimStorageFailure('abort failed: storage unavailable');
      const d = this.durable.get(txId);
      if (d?.kind === 'committed') {
        if (this.abortOfCommitted === 'refuse') throw new BranchAlreadyCommittedError(txId, this.participantId);
        return { alreadyAborted: true };
      }
      const had = d !== undefined || this.working.has(txId) || this.preparing.has(txId);
      this.durable.delete(txId);
      this.working.delete(txId);
      this.preparing.delete(txId);
      if (had) this.checker.branchLost(txId, this.participantId);
      return { alreadyAborted: !had };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The last resource's one-phase commit: the marker `(txId, committed)` is inserted inside
   * the branch's own transaction, and its COMMIT is the tx's commit point. A marker already
   * there (a compare-and-set decided aborted) makes the insert fail and the branch roll back.
   */
  commitOnePhase(txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'> {
    const rng = this.w.rng;
    const ops = this.working.get(txId) ?? new Set<number>();
    this.working.delete(txId);
    const incarnation = this.incarnation;
    return new Promise((resolve, reject) => {
      if (this.failRate > 0 && rng.chance(this.failRate)) {
        // the connection broke before the COMMIT reached the database: rolled back there
        this.later(0.1, 1, () => undefined).then(() => reject(new SimStorageFailure('one-phase commit: connection lost before COMMIT')), reject);
        this.checker.branchLost(txId, this.participantId);
        return;
      }
      const landing = { ops, waiters: [] as (() => void)[] };
      this.landing.set(txId, landing);
      // not tied to this incarnation: the database finishes the COMMIT whatever happens to us;
      // now and then it stalls (behind a checkpoint's fsync, a lock) past the caller's deadline
      this.w.after(rng.chance(0.05) ? rng.range(20, 250) : rng.range(0.3, 3), () => {
        const outcome = this.landOnePhase(txId, ops, participants, incarnation);
        this.landing.delete(txId);
        for (const wake of landing.waiters) wake();
        if (incarnation !== this.incarnation) return;
        // now and then the answer is lost on the way back, whatever happened
        if (this.failRate > 0 && rng.chance(this.failRate)) reject(new SimStorageFailure('one-phase commit: connection lost after COMMIT'));
        else resolve(outcome);
      });
    });
  }

  /**
   * The compare-and-set: inserts `(txId, aborted)` unless a marker exists, after any
   * one-phase COMMIT of the tx in flight has landed; returns what the marker says. An
   * open branch of the tx is rolled back when it says aborted.
   */
  resolveOutcome(txId: string): Promise<'committed' | 'aborted'> {
    const incarnation = this.incarnation;
    return new Promise((resolve) => {
      const decide = (): void => {
        this.w.after(this.w.rng.range(0.2, 2), () => {
          // the insert lands in the database even if we die before hearing it
          const outcome = this.compareAndSet(txId);
          if (incarnation === this.incarnation) resolve(outcome);
        });
      };
      const inFlight = this.landing.get(txId);
      if (inFlight !== undefined && this.mutant !== 'resolverReadsMarker') inFlight.waiters.push(decide);
      else decide();
    });
  }

  private compareAndSet(txId: string): 'committed' | 'aborted' {
    const marker = this.markers.get(txId);
    if (marker !== undefined) return marker;
    // mutant: a resolver that only reads sees no marker and answers aborted, but writes
    // nothing, so a COMMIT in flight still lands afterwards
    if (this.mutant !== 'resolverReadsMarker') this.markers.set(txId, 'aborted');
    if (this.working.delete(txId)) this.checker.branchLost(txId, this.participantId);
    return 'aborted';
  }

  private landOnePhase(txId: string, ops: Set<number>, participants: readonly string[], incarnation: number): 'committed' | 'aborted' {
    if (this.markers.has(txId)) {
      // the marker insert hits the key a compare-and-set took: the whole branch rolls back
      this.checker.branchLost(txId, this.participantId);
      return 'aborted';
    }
    if (this.mutant === 'markerOutsideCommit') {
      // the wrong way: the branch commits on its own, the marker follows in a second
      // transaction that a crash of the participant can prevent
      this.durable.set(txId, { kind: 'committed', ops, preparedAtMs: 0 });
      this.checker.decisionDurable(txId, participants);
      this.checker.branchCommitted(txId, this.participantId);
      this.w.after(this.w.rng.range(0.5, 5), () => {
        if (incarnation === this.incarnation && !this.markers.has(txId)) this.markers.set(txId, 'committed');
      });
      return 'committed';
    }
    this.markers.set(txId, 'committed');
    this.durable.set(txId, { kind: 'committed', ops, preparedAtMs: 0 });
    this.checker.decisionDurable(txId, participants);
    this.checker.branchCommitted(txId, this.participantId);
    return 'committed';
  }

  /** The process died: volatile work and in-flight calls are gone (its durable state is the database's, which a machine crash does not touch). */
  crash(): void {
    this.incarnation++;
    const lost = [...this.working.keys(), ...this.preparing.keys()];
    this.working.clear();
    this.preparing.clear();
    for (const txId of lost) this.checker.branchLost(txId, this.participantId);
  }

  /** Start-up: the durably prepared branches (unprepared leftovers are already gone). */
  recover(): Promise<RecoveryResult> {
    const prepared: { txId: string; preparedAtMs: number }[] = [];
    for (const [txId, d] of this.durable) {
      if (d.kind !== 'prepared') continue;
      if (this.mutant === 'forgetPreparedOnRestart') {
        this.durable.delete(txId);
        this.checker.branchLost(txId, this.participantId);
        continue;
      }
      prepared.push({ txId, preparedAtMs: d.preparedAtMs });
    }
    return Promise.resolve({ prepared, abortedLeftovers: 0 });
  }

  /** Fault outside the protocol: a prepared branch vanishes (operator rollback, restored disk). */
  heuristicRollback(): string | undefined {
    const prepared = [...this.durable].filter(([, d]) => d.kind === 'prepared');
    if (prepared.length === 0) return undefined;
    const [txId] = this.w.rng.pick(prepared);
    this.checker.damaged(txId);
    this.durable.delete(txId);
    return txId;
  }

  /** Runs `run` after a simulated delay and settles with its result; a crash first leaves it pending for ever. */
  private later<T>(loMs: number, hiMs: number, run: () => T): Promise<T> {
    const incarnation = this.incarnation;
    return new Promise<T>((resolve, reject) => {
      this.w.after(this.w.rng.range(loMs, hiMs), () => {
        if (incarnation !== this.incarnation) return;
        try {
          resolve(run());
        } catch (err) {
          reject(err);
        }
      });
    });
  }
}
