import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import type { DecisionLog, DecisionLogStats, ReplayResult } from '../../coordinator/log/decision-log.js';
import type { CoordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import type { CoordinatorEffect, Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { CoordinatorInput } from '../../coordinator/protocol/coordinator-input.js';
import type { LogRecord } from '../../coordinator/protocol/log-record.js';
import { step } from '../../coordinator/protocol/step.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { SimClock } from './sim-clock.js';
import type { SimDecisionLog } from './sim-decision-log.js';
import type { Endpoint, Request, Response, SimNetwork } from './sim-network.js';
import type { MutantName } from './sim-options.js';
import { describeCoordinatorEffect, describeCoordinatorInput } from './sim-trace.js';
import { SimParticipantConnector } from './sim-transport.js';
import type { SimWorld } from './sim-world.js';


/** One for every incarnation: a pino instance costs more to build than a simulated step. */
const simLogger = silentLogger();

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
  /** Called after every step and every event of this process, to inject a crash at that point. */
  readonly afterStep: () => void;
}

/**
 * The coordinator process: the production `CoordinatorRuntime` on the simulator's clock,
 * network and decision log. A crash drops the runtime where it stands (no stop, no
 * flush): its timers never fire again, its calls are never answered, its pending log
 * writes are lost. A restart builds a new runtime over the same log, replays it, and only
 * then serves, as `coordinator/main.ts` does.
 */
export class SimCoordinatorHost implements Endpoint {
  readonly name = 'C';
  up = false;
  incarnation = 0;
  node = -1;
  runtime: CoordinatorRuntime | undefined;
  private serving = false;
  private clock: SimClock | undefined;

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    readonly log: SimDecisionLog,
    private readonly o: SimCoordinatorOptions,
  ) {}

  /** Starts a new incarnation; resolves once it serves (or died starting). */
  async start(): Promise<void> {
    this.up = true;
    const incarnation = ++this.incarnation;
    const clock = (this.clock = new SimClock(this.w, this.o.skewMs));
    const runtime = new CoordinatorRuntime({
      config: this.o.config,
      log: new SimDecisionLogAdapter(this.log, this.o.mutant === 'reclaimBeforeAcks'),
      connector: new SimParticipantConnector(this.net, this.node, clock, this.o.participantNodes, this.o.phase2CallTimeoutMs),
      logger: simLogger,
      clock,
      tickIntervalMs: this.o.tickMs,
      newTxId: this.o.newTxId,
      step: (state, input) => this.step(state, input),
    });
    this.runtime = runtime;
    await runtime.start();
    if (incarnation === this.incarnation) this.serving = true;
  }

  crash(machine: boolean, torn: boolean): void {
    this.up = false;
    this.serving = false;
    this.incarnation++;
    this.clock?.kill();
    this.runtime = undefined;
    this.log.crash(machine, torn);
  }

  handle(req: Request, respond: (res: Response) => void): void {
    const runtime = this.runtime;
    // not listening yet: the log is still being replayed
    if (!this.serving || runtime === undefined) return;
    const answer = (reply: Promise<Reply>): void => {
      reply.then(
        (r) => respond({ k: 'reply', reply: r }),
        () => respond({ k: 'error', code: 'UNAVAILABLE' }),
      );
    };
    switch (req.k) {
      case 'begin':
        answer(runtime.begin(0));
        return;
      case 'enlist':
        answer(runtime.enlist(req.tx, req.p, req.incarnation));
        return;
      case 'commit':
        answer(runtime.commit(req.tx));
        return;
      case 'abort':
        answer(runtime.abort(req.tx, 'aborted by the client'));
        return;
      case 'getOutcome':
        answer(runtime.getOutcome(req.tx));
        return;
      default:
        respond({ k: 'error', code: 'UNIMPLEMENTED' });
    }
  }

  /** The real core, traced, counted, followed by a chance to crash, and bent by the reply mutants. */
  private step(state: Parameters<typeof step>[0], input: CoordinatorInput): ReturnType<typeof step> {
    const w = this.w;
    if (w.tracing && input.kind !== 'tick') w.trace(`C< ${describeCoordinatorInput(input)}`);
    const result = step(state, input);
    w.stats.coordinatorSteps++;
    let effects = input.kind === 'getOutcome' && this.o.mutant !== undefined ? result.effects.map((e) => (e.kind === 'reply' ? { ...e, reply: this.mutateOutcome(result.state, input.txId, e.reply) } : e)) : result.effects;
    if (this.o.mutant === 'publishedBeforeCommitPoint') effects = effects.flatMap((e) => (e.kind === 'commitLastResource' ? [...publishEarly(e), e] : [e]));
    if (w.tracing) for (const effect of effects) w.trace(`C> ${describeCoordinatorEffect(effect)}`);
    this.o.afterStep();
    return { state: result.state, effects };
  }

  private mutateOutcome(state: Parameters<typeof step>[0], txId: string, reply: Reply): Reply {
    if (reply.kind !== 'outcome') return reply;
    if (this.o.mutant === 'presumedCommit' && reply.presumed) return { ...reply, outcome: 'committed', presumed: false };
    if (this.o.mutant === 'committedWhileDeciding' && state.live.get(txId)?.kind === 'deciding') return { ...reply, outcome: 'committed' };
    return reply;
  }
}

/** Mutant (k): Commit to every other participant goes out with the one-phase commit, before its answer. */
function publishEarly(e: Extract<CoordinatorEffect, { kind: 'commitLastResource' }>): CoordinatorEffect[] {
  return e.participants.filter((p) => p !== e.to).map((to) => ({ kind: 'sendDecision', txId: e.txId, to, decision: 'commit' }));
}

/** SimDecisionLog behind the real `DecisionLog` interface. */
class SimDecisionLogAdapter implements DecisionLog {
  constructor(
    private readonly log: SimDecisionLog,
    /** Mutant (c): a commit record is reclaimed as soon as it is synced, before any ack. */
    private readonly reclaimOnSync: boolean,
  ) {}

  open(): Promise<ReplayResult> {
    return Promise.resolve({ records: this.log.open(), truncatedBytes: 0 });
  }

  append(record: LogRecord, options: { sync: boolean }): Promise<void> {
    return new Promise((resolve) => {
      this.log.append(record, options.sync, () => {
        if (this.reclaimOnSync && record.kind === 'commit') this.log.dropCommit(record.txId);
        resolve();
      });
    });
  }

  stats(): DecisionLogStats {
    return { appends: 0, syncedCommits: 0, syncs: 0, writes: 0, segments: 0, segmentsDeleted: 0 };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
