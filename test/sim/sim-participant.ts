import { initialParticipantState, type ParticipantConfig, type ParticipantState } from '../../participant/protocol/branch-state.js';
import type { ParticipantEffect } from '../../participant/protocol/participant-effect.js';
import type { ParticipantInput } from '../../participant/protocol/participant-input.js';
import { participantStep } from '../../participant/protocol/participant-step.js';
import type { SimChecker } from './sim-checker.js';
import type { Endpoint, Request, Response, SimNetwork } from './sim-network.js';
import type { MutantName } from './sim-options.js';
import type { SimResourceManager } from './sim-resource-manager.js';
import { describeParticipantEffect, describeParticipantInput } from './sim-trace.js';
import type { SimWorld } from './sim-world.js';

export interface SimParticipantOptions {
  readonly config: ParticipantConfig;
  readonly tickMs: number;
  /** Deadline of the participant's Enlist and GetOutcome calls to the coordinator. */
  readonly coordinatorCallTimeoutMs: number;
  readonly skewMs: number;
  readonly coordinatorNode: number;
  readonly mutant: MutantName | undefined;
  /** Enlist names this incarnation (ParticipantRuntime does); `false` is the Enlist before 911ae2e. */
  readonly enlistNamesIncarnation: boolean;
  /** `false` turns the core's verify-only Commit of an unknown branch back into the pre-a8e623e one. */
  readonly commitOfUnknownBranchVerifiesOnly: boolean;
  readonly afterStep: () => void;
}

type Section = (release: () => void) => void;

interface TxLock {
  readonly queue: Section[];
}

/** Thrown where ParticipantRuntime would throw on an answer the core must never give. */
class RuntimeContractError extends Error {}

/**
 * A participant process: the real `participantStep` driven as ParticipantRuntime drives
 * it. Every call of one tx (client work, Prepare, Commit, Abort, in-doubt resolution)
 * runs under that tx's FIFO lock; `askOutcome` runs outside it; after a restart the
 * resource manager's durably prepared branches are fed as `recovered`.
 */
export class SimParticipant implements Endpoint {
  up = false;
  incarnation = 0;
  node = -1;
  state: ParticipantState | undefined;
  private locks = new Map<string, TxLock>();

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    readonly rm: SimResourceManager,
    private readonly checker: SimChecker,
    private readonly o: SimParticipantOptions,
  ) {}

  get name(): string {
    return this.rm.participantId;
  }

  clock(): number {
    return Math.floor(this.w.nowMs + this.o.skewMs);
  }

  /** Locks held or queued (for the no-orphans check). */
  get lockCount(): number {
    return this.locks.size;
  }

  start(): void {
    this.up = true;
    this.incarnation++;
    const prepared = this.rm.recover();
    this.state = initialParticipantState(this.o.config, this.clock());
    this.feed({ kind: 'tick', nowMs: this.clock() });
    this.feed({ kind: 'recovered', prepared });
    this.scheduleTick(this.incarnation, this.w.rng.range(0, this.o.tickMs));
    this.feed({ kind: 'tick', nowMs: this.clock() });
  }

  crash(): void {
    this.up = false;
    this.incarnation++;
    this.state = undefined;
    this.locks = new Map();
    this.rm.crash();
  }

  handle(req: Request, respond: (res: Response) => void): void {
    switch (req.k) {
      case 'work':
        this.run(req.tx, req.op, respond);
        return;
      case 'prepare':
        this.prepare(req.tx, respond);
        return;
      case 'commitBranch':
        this.lock(req.tx, (release) => this.commitLocked(req.tx, (res) => (respond(res), release())));
        return;
      case 'abortBranch':
        this.lock(req.tx, (release) => this.abortLocked(req.tx, (res) => (respond(res), release())));
        return;
      default:
        respond({ k: 'error', code: 'UNIMPLEMENTED' });
    }
  }

  private scheduleTick(incarnation: number, delayMs: number): void {
    this.w.after(delayMs, () => {
      if (incarnation !== this.incarnation) return;
      this.feed({ kind: 'tick', nowMs: this.clock() });
      this.scheduleTick(incarnation, this.o.tickMs);
    });
  }

  /** ParticipantRuntime.run: enlist on the first operation, then run it, all under the tx's lock. */
  private run(txId: string, op: number, respond: (res: Response) => void): void {
    this.lock(txId, (release) => {
      const proceed = (effect: ParticipantEffect): void => {
        if (effect.kind === 'refuseWork') {
          respond({ k: 'error', code: effect.code });
          release();
          return;
        }
        if (effect.kind !== 'proceed') this.contract(`workRequested answered ${effect.kind}`);
        this.rm.work(txId, op, () => {
          this.feed({ kind: 'workDone', txId });
          respond({ k: 'ok' });
          release();
        });
      };
      const effect = this.single(this.feed({ kind: 'workRequested', txId }));
      if (effect.kind !== 'enlist') {
        proceed(effect);
        return;
      }
      const incarnation = this.incarnation;
      this.net.call(this.node, this.o.coordinatorNode, { k: 'enlist', tx: txId, p: this.name, incarnation: this.o.enlistNamesIncarnation ? String(this.incarnation) : '' }, this.o.coordinatorCallTimeoutMs, (res) => {
        if (incarnation !== this.incarnation) return;
        proceed(this.single(this.feed(enlistResultOf(txId, res))));
      });
    });
  }

  private prepare(txId: string, respond: (res: Response) => void): void {
    this.lock(txId, (release) => {
      const effect = this.single(this.feed({ kind: 'prepareRequested', txId }));
      if (effect.kind === 'vote') {
        respond({ k: 'vote', vote: effect.vote });
        release();
        return;
      }
      if (effect.kind !== 'runPrepare') this.contract(`prepareRequested answered ${effect.kind}`);
      this.rm.prepare(txId, this.clock(), (vote, reason) => {
        const answered = this.single(this.feed({ kind: 'prepareDone', txId, vote, reason: vote === 'no' ? reason : '' }));
        if (answered.kind !== 'vote') this.contract(`prepareDone answered ${answered.kind}`);
        respond({ k: 'vote', vote: answered.vote });
        release();
      });
    });
  }

  private commitLocked(txId: string, done: (res: Response) => void): void {
    const effect = this.single(this.feed({ kind: 'commitRequested', txId }));
    if (effect.kind === 'refuseCommit') return done({ k: 'error', code: 'FAILED_PRECONDITION' });
    if (effect.kind !== 'runCommit') this.contract(`commitRequested answered ${effect.kind}`);
    this.rm.commit(txId, (result) => {
      if (result === 'committed') {
        this.feed({ kind: 'commitDone', txId, result: 'committed' });
        this.checker.commitAcked(txId, this.name);
        done({ k: 'ok' });
        return;
      }
      this.feed({ kind: 'commitDone', txId, result: result === 'notCommitted' ? 'refused' : 'failed' });
      done({ k: 'error', code: result === 'notCommitted' ? 'FAILED_PRECONDITION' : 'INTERNAL' });
    });
  }

  private abortLocked(txId: string, done: (res: Response) => void): void {
    const effect = this.single(this.feed({ kind: 'abortRequested', txId }));
    if (effect.kind === 'refuseAbort') return done({ k: 'error', code: 'FAILED_PRECONDITION' });
    if (effect.kind !== 'runAbort') this.contract(`abortRequested answered ${effect.kind}`);
    this.rm.abort(txId, (result) => {
      this.feed({ kind: 'abortDone', txId, ok: result === 'aborted' });
      done(result === 'aborted' ? { k: 'ok' } : { k: 'error', code: result === 'alreadyCommitted' ? 'FAILED_PRECONDITION' : 'INTERNAL' });
    });
  }

  /** Feeds the core and starts the background effects; returns the answers to the caller. */
  private feed(input: ParticipantInput): ParticipantEffect[] {
    const w = this.w;
    if (w.tracing && input.kind !== 'tick') w.trace(`${this.name}< ${describeParticipantInput(input)}`);
    const unknownBefore = input.kind === 'commitRequested' && !this.state!.branches.has(input.txId);
    const { state, effects } = participantStep(this.state!, input);
    this.state = state;
    if (unknownBefore && !this.o.commitOfUnknownBranchVerifiesOnly) this.forgetVerifyOnly(input.txId);
    w.stats.participantSteps++;
    const answers: ParticipantEffect[] = [];
    for (const effect of effects) {
      if (w.tracing) w.trace(`${this.name}> ${describeParticipantEffect(effect)}`);
      switch (effect.kind) {
        case 'askOutcome':
          this.askOutcome(effect.txId);
          break;
        case 'resolve':
          this.resolve(effect.txId, effect.decision);
          break;
        default:
          answers.push(effect);
      }
    }
    this.o.afterStep();
    return answers;
  }

  /**
   * The old core (before a8e623e): a Commit of an unknown branch made an ordinary
   * `committing` branch, which a failed verification turned into a prepared, in-doubt one.
   */
  private forgetVerifyOnly(txId: string): void {
    const b = this.state!.branches.get(txId);
    if (b?.kind === 'committing') this.state!.branches.set(txId, { ...b, verifyOnly: false });
  }

  private single(effects: ParticipantEffect[]): ParticipantEffect {
    const [first] = effects;
    if (first === undefined || effects.length !== 1) this.contract(`expected one answer from the branch state machine, got ${effects.length}`);
    return first!;
  }

  private contract(message: string): never {
    this.checker.violation(`${this.name}: runtime contract: ${message}`);
    throw new RuntimeContractError(message);
  }

  private askOutcome(txId: string): void {
    const incarnation = this.incarnation;
    this.net.call(this.node, this.o.coordinatorNode, { k: 'getOutcome', tx: txId }, this.o.coordinatorCallTimeoutMs, (res) => {
      if (incarnation !== this.incarnation || !this.up) return;
      const outcome = res?.k === 'reply' && res.reply.kind === 'outcome' ? res.reply.outcome : 'unknown';
      if (outcome === 'unknown' && this.o.mutant === 'unilateralAbortInDoubt' && this.state!.branches.get(txId)?.kind === 'prepared') {
        // the wrong move: give up waiting and abort a branch that voted yes
        this.resolve(txId, 'abort');
      }
      this.feed({ kind: 'outcomeLearned', txId, outcome });
    });
  }

  private resolve(txId: string, decision: 'commit' | 'abort'): void {
    if (!this.up) return;
    this.lock(txId, (release) => (decision === 'commit' ? this.commitLocked(txId, release) : this.abortLocked(txId, release)));
  }

  /** KeyedMutex: sections of one tx run one at a time in arrival order, each starting as a continuation. */
  private lock(txId: string, section: Section): void {
    const existing = this.locks.get(txId);
    if (existing !== undefined) {
      existing.queue.push(section);
      return;
    }
    const lock: TxLock = { queue: [section] };
    this.locks.set(txId, lock);
    const incarnation = this.incarnation;
    this.w.soon(() => this.runHead(txId, lock, incarnation));
  }

  private runHead(txId: string, lock: TxLock, incarnation: number): void {
    if (incarnation !== this.incarnation) return;
    const section = lock.queue[0]!;
    let released = false;
    section(() => {
      if (released || incarnation !== this.incarnation) return;
      released = true;
      lock.queue.shift();
      if (lock.queue.length > 0) this.w.soon(() => this.runHead(txId, lock, incarnation));
      else this.locks.delete(txId);
    });
  }
}

function enlistResultOf(txId: string, res: Response | undefined): ParticipantInput {
  if (res?.k === 'reply') {
    const r = res.reply;
    if (r.kind === 'enlisted') return { kind: 'enlistResult', txId, result: 'enlisted', txDeadlineMs: r.deadlineMs, reason: '' };
    // GrpcCoordinatorLink: RESOURCE_EXHAUSTED is a retryable limit; FAILED_PRECONDITION / NOT_FOUND / INVALID_ARGUMENT refuse; anything else is unavailability
    if (r.kind === 'refused' && r.code === 'RESOURCE_EXHAUSTED') return { kind: 'enlistResult', txId, result: 'exhausted', txDeadlineMs: 0, reason: r.message };
    if (r.kind === 'refused' && r.code !== 'ALREADY_EXISTS') return { kind: 'enlistResult', txId, result: 'refused', txDeadlineMs: 0, reason: r.message };
  }
  return { kind: 'enlistResult', txId, result: 'unavailable', txDeadlineMs: 0, reason: 'coordinator unavailable' };
}
