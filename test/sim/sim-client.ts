import type { Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { SimChecker } from './sim-checker.js';
import type { SimCoordinatorEntry, SimCoordinatorSet } from './sim-coordinator-set.js';
import type { Response, SimNetwork } from './sim-network.js';
import type { SimWorld } from './sim-world.js';

export interface SimClientOptions {
  readonly node: number;
  /** The coordinators, shared by every client of the client process (as one SDK instance holds them). */
  readonly coordinators: SimCoordinatorSet;
  readonly participants: readonly { readonly name: string; readonly node: number }[];
  readonly opsPerParticipantMax: number;
  readonly callTimeoutMs: number;
  /** How long after Begin a presumed abort is an answer; past it, "outcome unknown" (the SDK's presumedAbortTrustMs). */
  readonly presumedAbortTrustMs: number;
  /** Several coordinators: the deadline of a Begin at each but the last one tried (limits.sdkBeginAttemptMsShared). */
  readonly beginAttemptMs: number;
  /** Several coordinators: how long the tx's own must stay unreachable before the others are asked (limits.sdkOwnerUnreachableGraceMs). */
  readonly ownerUnreachableGraceMs: number;
  readonly nextOp: () => number;
}

/**
 * One client with one tx, behaving like the SDK's `transaction(async tx => …)`: Begin,
 * operations at 1–2 participants (each enlists through the participant core), then
 * Commit (or Abort, or walk away). A lost Commit reply is resolved like the SDK does:
 * GetOutcome until committed or aborted, re-sending Commit while the tx is still active.
 * With several coordinators (a shared log), as the SDK does with them: Begin at the next
 * live one and, when it cannot be reached, at the next; a tx's calls to the coordinator
 * its id names; once that one has been unreachable for `ownerUnreachableGraceMs`, the
 * outcome asked of the others (whose answer settles the tx), and an Abort it cannot take
 * settled by them.
 */
export class SimClient {
  private txId = '';
  private owner: SimCoordinatorEntry | undefined;
  /** Since when the tx's own coordinator has failed every call made to it (several coordinators only). */
  private ownerUnreachableSinceMs: number | undefined;

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    private readonly checker: SimChecker,
    private readonly o: SimClientOptions,
  ) {}

  start(): void {
    this.checker.beginning++;
    this.begin(0);
  }

  /** Begun, or given up beginning. */
  private beginEnded(): void {
    this.checker.beginning--;
  }

  private call(to: number, req: Parameters<SimNetwork['call']>[2], onDone: (res: Response | undefined) => void, timeoutMs = this.o.callTimeoutMs): void {
    this.net.call(this.o.node, to, req, timeoutMs, onDone);
  }

  private get shared(): boolean {
    return this.o.coordinators.shared;
  }

  /** The node of the tx's own coordinator (the only one on the file log). */
  private get ownerNode(): number {
    return (this.owner ?? this.o.coordinators.entries[0]!).node;
  }

  private beganAtMs = 0;

  private begin(attempt: number): void {
    if (this.shared) {
      this.beginAtNext(attempt, this.o.coordinators.forBegin(), 0);
      return;
    }
    this.call(this.ownerNode, { k: 'begin' }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'begun') {
        this.begun(reply.txId);
        return;
      }
      if (attempt < 3) this.w.after(this.w.rng.range(5, 40), () => this.begin(attempt + 1));
      else this.beginEnded();
    });
  }

  /** SDK beginAtOne: the coordinators in `order`, the next one when one cannot be reached. */
  private beginAtNext(attempt: number, order: readonly SimCoordinatorEntry[], i: number): void {
    const entry = order[i]!;
    const last = i === order.length - 1;
    const timeoutMs = last ? this.o.callTimeoutMs : Math.min(this.o.callTimeoutMs, this.o.beginAttemptMs);
    this.call(
      entry.node,
      { k: 'begin' },
      (res) => {
        const reply = replyOf(res);
        if (reply?.kind === 'begun') {
          this.o.coordinators.markUp(entry);
          this.begun(reply.txId);
          return;
        }
        if (unreachable(res)) {
          this.o.coordinators.markDown(entry);
          if (!last) {
            this.beginAtNext(attempt, order, i + 1);
            return;
          }
        }
        if (attempt < 3) this.w.after(this.w.rng.range(5, 40), () => this.begin(attempt + 1));
        else this.beginEnded();
      },
      timeoutMs,
    );
  }

  private begun(txId: string): void {
    this.beginEnded();
    this.txId = txId;
    this.owner = this.o.coordinators.ownerOf(txId);
    this.beganAtMs = this.w.nowMs;
    this.w.stats.txs++;
    this.checker.ghost(this.txId);
    this.work();
  }

  private work(): void {
    const rng = this.w.rng;
    const first = rng.pick(this.o.participants);
    const chosen = [first];
    if (rng.chance(0.6)) {
      const others = this.o.participants.filter((p) => p !== first);
      chosen.push(rng.pick(others));
    }
    const plan: { name: string; node: number }[] = [];
    for (const p of chosen) {
      const ops = 1 + rng.below(this.o.opsPerParticipantMax);
      for (let i = 0; i < ops; i++) plan.push(p);
    }
    if (rng.chance(0.5)) plan.reverse();
    const next = (i: number): void => {
      const p = plan[i];
      if (p === undefined) {
        this.decide();
        return;
      }
      const op = this.o.nextOp();
      this.call(p.node, { k: 'work', tx: this.txId, op }, (res) => {
        if (res?.k === 'ok') {
          this.checker.opAcked(this.txId, p.name, op);
          // clients think between operations, so idle limits and deadlines get their turn
          this.w.after(rng.chance(0.05) ? rng.range(100, 900) : rng.range(0, 5), () => next(i + 1));
          return;
        }
        // the SDK aborts a tx whose operation failed; a crashed client just walks away
        if (rng.chance(0.75)) this.abort(0);
      });
    };
    next(0);
  }

  private decide(): void {
    const r = this.w.rng.next();
    if (r < 0.8) {
      this.checker.ghost(this.txId).wantsOutcome = true;
      this.commit();
      // now and then the application gives up while Commit is running (a timeout, a cancel):
      // Commit and Abort race at the coordinator, and both answers must agree
      if (this.w.rng.chance(0.05)) this.w.after(this.w.rng.range(0, 8), () => this.abort(3));
    } else if (r < 0.92) {
      this.abort(0);
    }
    // else: abandoned; the coordinator's deadline and the participants' idle limit clean up
  }

  private commit(): void {
    this.call(this.ownerNode, { k: 'commit', tx: this.txId }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'outcome' && this.settle(reply)) return;
      if (this.shared && unreachable(res)) this.ownerFailed();
      this.learnOutcome();
    });
  }

  /**
   * SDK learnOutcome: ask until the outcome is known; a tx still active never saw our
   * Commit. With several coordinators, once the tx's own has been unreachable for the
   * grace, the others are asked too.
   */
  private learnOutcome(): void {
    this.w.after(this.w.rng.range(10, 60), () => {
      this.call(this.ownerNode, { k: 'getOutcome', tx: this.txId }, (res) => {
        const reply = replyOf(res);
        if (reply?.kind === 'outcome') this.ownerUnreachableSinceMs = undefined;
        if (reply?.kind === 'outcome' && reply.outcome === 'active') {
          this.commit();
          return;
        }
        if (reply?.kind === 'outcome' && this.settle(reply)) return;
        if (this.shared && unreachable(res)) {
          this.ownerFailed();
          const others = this.o.coordinators.othersFor(this.txId);
          if (others.length > 0 && this.w.nowMs - this.ownerUnreachableSinceMs! >= this.o.ownerUnreachableGraceMs) {
            this.askOthers(others, 0, (answered) => answered || this.learnOutcome());
            return;
          }
        }
        this.learnOutcome();
      });
    });
  }

  /** SDK askOthers: the outcome as another coordinator settles it in the shared log; the first that answers. */
  private askOthers(others: readonly SimCoordinatorEntry[], i: number, done: (answered: boolean) => void): void {
    const other = others[i];
    if (other === undefined) {
      done(false);
      return;
    }
    this.call(other.node, { k: 'getOutcome', tx: this.txId }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'outcome' && this.settle(reply)) done(true);
      else this.askOthers(others, i + 1, done);
    });
  }

  private ownerFailed(): void {
    this.ownerUnreachableSinceMs ??= this.w.nowMs;
    // new txs go to the others meanwhile
    if (this.owner !== undefined) this.o.coordinators.markDown(this.owner);
  }

  private settle(reply: Extract<Reply, { kind: 'outcome' }>): boolean {
    if (reply.outcome === 'aborted' && reply.presumed && this.w.nowMs - this.beganAtMs > this.o.presumedAbortTrustMs) {
      // the SDK trusts a presumed abort only within the coordinator's retention: past it, "forgotten"
      this.checker.outcomeUnknown(this.txId);
      return true;
    }
    if (reply.outcome === 'committed' || reply.outcome === 'aborted') {
      this.checker.told(this.txId, reply.outcome, reply.presumed);
      return true;
    }
    return false;
  }

  private abort(attempt: number): void {
    this.call(this.ownerNode, { k: 'abort', tx: this.txId }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'outcome' && this.settle(reply)) return;
      if (attempt < 3) this.w.after(this.w.rng.range(10, 60), () => this.abort(attempt + 1));
      // the SDK's Abort that its own coordinator cannot take: another settles the tx (aborted, unless it had committed)
      else if (this.shared && unreachable(res)) this.askOthers(this.o.coordinators.othersFor(this.txId), 0, () => undefined);
    });
  }
}

function replyOf(res: Response | undefined): Reply | undefined {
  return res?.k === 'reply' ? res.reply : undefined;
}

/** No answer in time, or an error status (the server stopping): the call may or may not have arrived. */
function unreachable(res: Response | undefined): boolean {
  return res === undefined || res.k === 'error';
}
