import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import type { DecisionLog, DecisionLogStats, ReplayResult } from '../../coordinator/log/decision-log.js';
import type { CoordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import type { CoordinatorEffect, Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { CoordinatorInput } from '../../coordinator/protocol/coordinator-input.js';
import type { LogRecord } from '../../coordinator/protocol/log-record.js';
import { step } from '../../coordinator/protocol/step.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { SimClock } from './sim-clock.js';
import { FileDecisionLog } from '../../coordinator/log/file-decision-log.js';
import { readFrames } from '../../coordinator/log/read-frames.js';
import type { SimChecker } from './sim-checker.js';
import type { InFlightFate, SimDisk, SimDiskView } from './sim-disk.js';
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
  /** Called after every step of the core, to inject a crash at that point. */
  readonly afterStep: () => void;
  /** FileDecisionLog's `reclaimDelayMs`. */
  readonly logReclaimDelayMs: number;
  /** FileDecisionLog's `segmentBytesMax`: small, so runs rotate and reclaim segments. */
  readonly logSegmentBytesMax: number;
}

const logDir = '/coordinator/log';

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
  /** Recovered and answering calls (as a real process serves only after recovery). */
  serving = false;
  private clock: SimClock | undefined;
  private view: SimDiskView | undefined;
  /** Mutant (c): commit records "reclaimed" once synced; they vanish from every later replay. */
  private readonly reclaimed = new Set<string>();
  private durableCache: { version: number; records: LogRecord[] } | undefined;

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    /** The coordinator machine's disk: FileDecisionLog runs on it, with its page cache. */
    readonly disk: SimDisk,
    private readonly checker: SimChecker,
    private readonly o: SimCoordinatorOptions,
  ) {}

  /** The log records a power loss now would leave (the ground truth of the commit point). */
  durableRecords(): readonly LogRecord[] {
    if (this.durableCache?.version === this.disk.durableVersion) return this.durableCache.records;
    const records: LogRecord[] = [];
    const files = this.disk.durableFiles(logDir);
    if (files !== undefined) {
      for (const name of [...files.keys()].sort()) records.push(...readFrames(files.get(name)!).records.filter((r) => !this.reclaimed.has(r.txId)));
    }
    this.durableCache = { version: this.disk.durableVersion, records };
    return records;
  }

  /** The participants of `txId`'s commit record if it is durable now. */
  durableCommitOf(txId: string): readonly string[] | undefined {
    for (const r of this.durableRecords()) if (r.kind === 'commit' && r.txId === txId) return r.participants;
    return undefined;
  }

  /** Starts a new incarnation; resolves once it serves (or died starting). */
  async start(): Promise<void> {
    this.up = true;
    const incarnation = ++this.incarnation;
    const clock = (this.clock = new SimClock(this.w, this.o.skewMs));
    const view = (this.view = this.disk.view());
    const fileLog = new FileDecisionLog({
      dir: logDir,
      fs: view,
      nowMs: () => clock.now(),
      reclaimDelayMs: this.o.logReclaimDelayMs,
      segmentBytesMax: this.o.logSegmentBytesMax,
      recordBytesMax: 256,
      logger: simLogger,
      onFatal: (err) => {
        if (view.alive) this.checker.violation(`the decision log failed: ${err.message}`);
      },
    });
    const runtime = new CoordinatorRuntime({
      config: this.o.config,
      log: this.o.mutant === 'reclaimBeforeAcks' ? new ReclaimsOnSync(fileLog, this.reclaimed) : fileLog,
      connector: new SimParticipantConnector(this.net, this.node, clock, this.o.participantNodes, this.o.phase2CallTimeoutMs),
      logger: simLogger,
      clock,
      tickIntervalMs: this.o.tickMs,
      // a narrow window, so that the simulated txs are paced by it as a restart's re-driven commits are
      phase2CallsInFlightMax: 2,
      newTxId: this.o.newTxId,
      step: (state, input) => this.step(state, input),
    });
    this.runtime = runtime;
    await runtime.start();
    if (incarnation === this.incarnation) this.serving = true;
  }

  /** A process crash (kill -9: the page cache stays) or a machine crash (power loss: only what was synced stays). */
  crash(machine: boolean, torn: boolean, inFlight: InFlightFate = 'random'): void {
    this.up = false;
    this.serving = false;
    this.incarnation++;
    this.clock?.kill();
    this.runtime = undefined;
    if (machine) this.disk.powerLoss({ tornTails: torn });
    else this.view?.kill(inFlight);
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

/** Mutant (c): the real log, except that a commit record is "reclaimed" as soon as it is synced, before any ack. */
class ReclaimsOnSync implements DecisionLog {
  constructor(
    private readonly log: DecisionLog,
    private readonly reclaimed: Set<string>,
  ) {}

  async open(): Promise<ReplayResult> {
    const replay = await this.log.open();
    return { ...replay, records: replay.records.filter((r) => !this.reclaimed.has(r.txId)) };
  }

  async append(record: LogRecord, options: { sync: boolean }): Promise<void> {
    await this.log.append(record, options);
    if (options.sync && record.kind === 'commit') this.reclaimed.add(record.txId);
  }

  stats(): DecisionLogStats {
    return this.log.stats();
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
