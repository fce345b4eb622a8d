import type { Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { SimChecker } from './sim-checker.js';
import type { Response, SimNetwork } from './sim-network.js';
import type { SimWorld } from './sim-world.js';

export interface SimClientOptions {
  readonly node: number;
  readonly coordinatorNode: number;
  readonly participants: readonly { readonly name: string; readonly node: number }[];
  readonly opsPerParticipantMax: number;
  readonly callTimeoutMs: number;
  /** How long after Begin a presumed abort is an answer; past it, "outcome unknown" (the SDK's presumedAbortTrustMs). */
  readonly presumedAbortTrustMs: number;
  readonly nextOp: () => number;
}

/**
 * One client with one tx, behaving like the SDK's `transaction(async tx => …)`: Begin,
 * operations at 1–2 participants (each enlists through the participant core), then
 * Commit (or Abort, or walk away). A lost Commit reply is resolved like the SDK does:
 * GetOutcome until committed or aborted, re-sending Commit while the tx is still active.
 */
export class SimClient {
  private txId = '';

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    private readonly checker: SimChecker,
    private readonly o: SimClientOptions,
  ) {}

  start(): void {
    this.begin(0);
  }

  private call(to: number, req: Parameters<SimNetwork['call']>[2], onDone: (res: Response | undefined) => void): void {
    this.net.call(this.o.node, to, req, this.o.callTimeoutMs, onDone);
  }

  private beganAtMs = 0;

  private begin(attempt: number): void {
    this.call(this.o.coordinatorNode, { k: 'begin' }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'begun') {
        this.txId = reply.txId;
        this.beganAtMs = this.w.nowMs;
        this.w.stats.txs++;
        this.checker.ghost(this.txId);
        this.work();
        return;
      }
      if (attempt < 3) this.w.after(this.w.rng.range(5, 40), () => this.begin(attempt + 1));
    });
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
    this.call(this.o.coordinatorNode, { k: 'commit', tx: this.txId }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'outcome' && this.settle(reply)) return;
      this.learnOutcome();
    });
  }

  /** SDK learnOutcome: ask until the outcome is known; a tx still active never saw our Commit. */
  private learnOutcome(): void {
    this.w.after(this.w.rng.range(10, 60), () => {
      this.call(this.o.coordinatorNode, { k: 'getOutcome', tx: this.txId }, (res) => {
        const reply = replyOf(res);
        if (reply?.kind === 'outcome' && reply.outcome === 'active') {
          this.commit();
          return;
        }
        if (reply?.kind === 'outcome' && this.settle(reply)) return;
        this.learnOutcome();
      });
    });
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
    this.call(this.o.coordinatorNode, { k: 'abort', tx: this.txId }, (res) => {
      const reply = replyOf(res);
      if (reply?.kind === 'outcome' && this.settle(reply)) return;
      if (attempt < 3) this.w.after(this.w.rng.range(10, 60), () => this.abort(attempt + 1));
    });
  }
}

function replyOf(res: Response | undefined): Reply | undefined {
  return res?.k === 'reply' ? res.reply : undefined;
}
