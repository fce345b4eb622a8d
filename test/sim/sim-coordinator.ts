import type { CoordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import type { CoordinatorEffect, Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { CoordinatorInput } from '../../coordinator/protocol/coordinator-input.js';
import { initialCoordinatorState, type CoordinatorState } from '../../coordinator/protocol/coordinator-state.js';
import { step } from '../../coordinator/protocol/step.js';
import type { SimDecisionLog } from './sim-decision-log.js';
import type { Endpoint, Request, Response, SimNetwork } from './sim-network.js';
import type { MutantName } from './sim-options.js';
import { describeCoordinatorEffect, describeCoordinatorInput } from './sim-trace.js';
import type { SimWorld } from './sim-world.js';

export interface SimCoordinatorOptions {
  readonly config: CoordinatorConfig;
  readonly tickMs: number;
  /** Deadline of one phase-2 Commit/Abort call. */
  readonly phase2CallTimeoutMs: number;
  readonly skewMs: number;
  readonly mutant: MutantName | undefined;
  /** participantId → network node */
  readonly participantNodes: ReadonlyMap<string, number>;
  readonly newTxId: () => string;
  /** Called after every step, to inject a crash at that point. */
  readonly afterStep: () => void;
}

/**
 * The coordinator process: the real `step` driven exactly as CoordinatorRuntime drives
 * it (effects in order, a vote for every Prepare call — a failed one is `no` —, an ack
 * or sendFailed for every phase-2 call, decisionSynced only once the commit record is
 * synced, END appended unsynced, `recover` with the surviving records at start).
 */
export class SimCoordinator implements Endpoint {
  readonly name = 'C';
  up = false;
  incarnation = 0;
  node = -1;
  state: CoordinatorState | undefined;
  private pending = new Map<number, (reply: Reply) => void>();
  /** Requests whose replies a mutant rewrites. */
  private outcomeRequests = new Map<number, string>();
  private nextRequestId = 1;

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    readonly log: SimDecisionLog,
    private readonly o: SimCoordinatorOptions,
  ) {}

  clock(): number {
    return Math.floor(this.w.nowMs + this.o.skewMs);
  }

  start(): void {
    this.up = true;
    this.incarnation++;
    const records = this.log.open();
    this.state = initialCoordinatorState(this.o.config, this.clock());
    this.feed({ kind: 'tick', nowMs: this.clock() });
    this.feed({ kind: 'recover', records });
    this.scheduleTick(this.incarnation, this.w.rng.range(0, this.o.tickMs));
  }

  crash(machine: boolean, torn: boolean): void {
    this.up = false;
    this.incarnation++;
    this.state = undefined;
    this.pending = new Map();
    this.outcomeRequests = new Map();
    this.log.crash(machine, torn);
  }

  handle(req: Request, respond: (res: Response) => void): void {
    const requestId = this.nextRequestId++;
    this.pending.set(requestId, (r: Reply) => respond({ k: 'reply', reply: r }));
    switch (req.k) {
      case 'begin':
        this.feed({ kind: 'begin', requestId, txId: this.o.newTxId(), timeoutMs: 0 });
        return;
      case 'enlist':
        this.feed({ kind: 'enlist', requestId, txId: req.tx, participantId: req.p, incarnation: req.incarnation });
        return;
      case 'commit':
        this.feed({ kind: 'commit', requestId, txId: req.tx });
        return;
      case 'abort':
        this.feed({ kind: 'abort', requestId, txId: req.tx, reason: 'aborted by the client' });
        return;
      case 'getOutcome':
        if (this.o.mutant !== undefined) this.outcomeRequests.set(requestId, req.tx);
        this.feed({ kind: 'getOutcome', requestId, txId: req.tx });
        return;
      default:
        this.pending.delete(requestId);
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

  feed(input: CoordinatorInput): void {
    const w = this.w;
    if (w.tracing && input.kind !== 'tick') w.trace(`C< ${describeCoordinatorInput(input)}`);
    const { state, effects } = step(this.state!, input);
    this.state = state;
    w.stats.coordinatorSteps++;
    for (const effect of effects) this.execute(effect);
    this.o.afterStep();
  }

  /** Feeds an input produced by an async effect, unless this incarnation is gone. */
  private later(incarnation: number, input: CoordinatorInput): void {
    if (incarnation === this.incarnation && this.up) this.feed(input);
  }

  private execute(effect: CoordinatorEffect): void {
    const w = this.w;
    if (w.tracing) w.trace(`C> ${describeCoordinatorEffect(effect)}`);
    const incarnation = this.incarnation;
    switch (effect.kind) {
      case 'reply': {
        const resolve = this.pending.get(effect.requestId);
        if (resolve === undefined) return;
        this.pending.delete(effect.requestId);
        resolve(this.mutateReply(effect.requestId, effect.reply));
        return;
      }
      case 'sendPrepare': {
        const tx = this.state!.live.get(effect.txId);
        const deadlineMs = tx?.kind === 'preparing' ? tx.prepareDeadlineMs : this.clock();
        const { txId, to } = effect;
        this.net.call(this.node, this.participantNode(to), { k: 'prepare', tx: txId }, Math.max(0.01, deadlineMs - this.clock()), (res) => {
          const vote = res?.k === 'vote' ? res.vote : 'no';
          const reason = res === undefined ? 'prepare failed: deadline exceeded' : res.k === 'error' ? `prepare failed: ${res.code}` : '';
          this.later(incarnation, { kind: 'vote', txId, from: to, vote, reason });
        });
        return;
      }
      case 'appendCommit': {
        const { txId } = effect.record;
        if (this.o.mutant === 'commitBeforeSync') {
          this.log.append(effect.record, true);
          w.soon(() => this.later(incarnation, { kind: 'decisionSynced', txId }));
          return;
        }
        // the commit point: nothing is sent to any participant until this is synced
        this.log.append(effect.record, true, () => {
          this.later(incarnation, { kind: 'decisionSynced', txId });
          if (this.o.mutant === 'reclaimBeforeAcks') this.log.dropCommit(txId);
        });
        return;
      }
      case 'sendDecision': {
        const { txId, to, decision } = effect;
        const req: Request = decision === 'commit' ? { k: 'commitBranch', tx: txId } : { k: 'abortBranch', tx: txId };
        this.net.call(this.node, this.participantNode(to), req, this.o.phase2CallTimeoutMs, (res) => {
          if (res?.k === 'ok') this.later(incarnation, { kind: 'ack', txId, from: to, decision });
          else this.later(incarnation, { kind: 'sendFailed', txId, to, decision, reason: res === undefined ? 'deadline exceeded' : `error ${res.k === 'error' ? res.code : res.k}` });
        });
        return;
      }
      case 'appendEnd':
        this.log.append(effect.record, false);
        return;
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }

  private mutateReply(requestId: number, reply: Reply): Reply {
    const txId = this.outcomeRequests.get(requestId);
    if (txId === undefined) return reply;
    this.outcomeRequests.delete(requestId);
    if (reply.kind !== 'outcome') return reply;
    if (this.o.mutant === 'presumedCommit' && reply.presumed) return { ...reply, outcome: 'committed', presumed: false };
    if (this.o.mutant === 'committedWhileDeciding' && this.state!.live.get(txId)?.kind === 'deciding') return { ...reply, outcome: 'committed' };
    return reply;
  }

  private participantNode(participantId: string): number {
    const node = this.o.participantNodes.get(participantId);
    if (node === undefined) throw new Error(`participant ${participantId} is not configured`);
    return node;
  }
}
