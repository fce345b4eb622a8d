import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import type { DecisionLog, DecisionLogStats, ReplayResult, SharedDecisionLog } from '../../coordinator/log/decision-log.js';
import type { CoordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import type { CoordinatorEffect, Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { CoordinatorInput } from '../../coordinator/protocol/coordinator-input.js';
import type { LogRecord } from '../../coordinator/protocol/log-record.js';
import { step } from '../../coordinator/protocol/step.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { assert } from '../../lib/assert/assert.js';
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
import { SimProcessGate } from './sim-process-gate.js';
import type { SimSharedDatabase } from './sim-shared-database.js';
import { SimSharedDecisionLog, type SimSharedLogLimits } from './sim-shared-decision-log.js';

/** One for every incarnation: a pino instance costs more to build than a simulated step. */
const simLogger = silentLogger();

/** A coordinator on the shared decision log: the database, and the log's limits as scaled. */
export interface SimSharedLogSetup {
  readonly db: SimSharedDatabase;
  readonly limits: SimSharedLogLimits;
}

export interface SimCoordinatorOptions {
  /** Its coordinator id on a shared log (what its tx ids carry); '' on the file log. */
  readonly id: string;
  readonly config: CoordinatorConfig;
  readonly tickMs: number;
  /** Deadline of one phase-2 Commit/Abort call. */
  readonly phase2CallTimeoutMs: number;
  readonly skewMs: number;
  readonly mutant: MutantName | undefined;
  /** participantId → network node */
  readonly participantNodes: ReadonlyMap<string, number>;
  readonly newTxId: () => string;
  /** Called after every step of the core, to inject a crash (or, on a shared log, a pause) at that point. */
  readonly afterStep: (effects: readonly CoordinatorEffect[]) => void;
  /** Set: the coordinator writes its decisions to this shared log, and has no disk of its own that matters. */
  readonly sharedLog: SimSharedLogSetup | undefined;
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
 * writes are lost (on a shared log, a statement the database received still lands). A
 * restart builds a new runtime over the same log, replays it, and only then serves, as
 * `coordinator/main.ts` does. On a shared log it can also be paused (`gate`).
 */
export class SimCoordinatorHost implements Endpoint {
  readonly name: string;
  /** SIGSTOP and SIGCONT of this process. */
  readonly gate: SimProcessGate;
  /** Lost for good: it never restarts (until the final check brings up a replacement with its id). */
  lost = false;
  up = false;
  incarnation = 0;
  node = -1;
  runtime: CoordinatorRuntime | undefined;
  /** Recovered and answering calls (as a real process serves only after recovery). */
  serving = false;
  private clock: SimClock | undefined;
  private view: SimDiskView | undefined;
  private shared: SimSharedDecisionLog | undefined;
  /** Mutant (c): commit records "reclaimed" once synced; they vanish from every later replay. */
  private readonly reclaimed = new Set<string>();
  private durableCache: { version: number; records: LogRecord[] } | undefined;

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    /** The coordinator machine's disk: FileDecisionLog runs on it, with its page cache (none on a shared log). */
    readonly disk: SimDisk | undefined,
    private readonly checker: SimChecker,
    private readonly o: SimCoordinatorOptions,
  ) {
    this.name = o.sharedLog === undefined ? 'C' : o.id;
    this.gate = new SimProcessGate(w);
  }

  get id(): string {
    return this.o.id;
  }

  /** The log records a power loss now would leave (the ground truth of the commit point). */
  durableRecords(): readonly LogRecord[] {
    if (this.disk === undefined) return [];
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

  /**
   * Serves and holds no unfinished tx but those `excused`, and (on a shared log) its log has
   * nothing queued or in flight: every end it will mark is marked.
   */
  idle(excused: (txId: string) => boolean = () => false): boolean {
    if (!this.serving || this.runtime === undefined) return false;
    if (this.shared !== undefined && !this.shared.drained()) return false;
    return this.runtime.unfinished().every((tx) => excused(tx.txId));
  }

  /** Starts a new incarnation; resolves once it serves (or died starting). */
  async start(): Promise<void> {
    this.up = true;
    const incarnation = ++this.incarnation;
    const shared = this.o.sharedLog;
    const clock = (this.clock = new SimClock(this.w, this.o.skewMs, shared === undefined ? undefined : this.gate));
    const log = shared === undefined ? this.fileLog(clock) : this.sharedLog(shared, clock, incarnation);
    const runtime = new CoordinatorRuntime({
      config: this.o.config,
      log,
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

  private fileLog(clock: SimClock): DecisionLog {
    const disk = this.disk;
    assert(disk !== undefined, 'a coordinator on the file log has its disk');
    const view = (this.view = disk.view());
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
    return this.o.mutant === 'reclaimBeforeAcks' ? new ReclaimsOnSync(fileLog, this.reclaimed) : fileLog;
  }

  private sharedLog(shared: SimSharedLogSetup, clock: SimClock, incarnation: number): SharedDecisionLog {
    const log = (this.shared = new SimSharedDecisionLog({
      coordinatorId: this.o.id,
      db: shared.db,
      client: { name: this.name, alive: () => this.up && this.incarnation === incarnation, gate: this.gate },
      clock,
      limits: shared.limits,
    }));
    return this.o.mutant === 'resolveByRead' ? new SettlesByRead(log) : log;
  }

  /**
   * A process crash (kill -9: the page cache stays) or a machine crash (power loss: only
   * what was synced stays). On a shared log the coordinator's own disk holds nothing that
   * matters, and a paused process is killed as it stands.
   */
  crash(machine: boolean, torn: boolean, inFlight: InFlightFate = 'random'): void {
    this.up = false;
    this.serving = false;
    this.incarnation++;
    this.clock?.kill();
    this.gate.kill();
    this.runtime = undefined;
    if (this.disk === undefined) return;
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
    if (w.tracing && input.kind !== 'tick') w.trace(`${this.name}< ${describeCoordinatorInput(input)}`);
    if (this.o.sharedLog !== undefined) this.checkShared(input);
    const result = step(state, input);
    w.stats.coordinatorSteps++;
    let effects = input.kind === 'getOutcome' && this.o.mutant !== undefined ? result.effects.map((e) => (e.kind === 'reply' ? { ...e, reply: this.mutateOutcome(result.state, input.txId, e.reply) } : e)) : result.effects;
    if (this.o.mutant === 'publishedBeforeCommitPoint') effects = effects.flatMap((e) => (e.kind === 'commitLastResource' ? [...publishEarly(e), e] : [e]));
    if (w.tracing) for (const effect of effects) w.trace(`${this.name}> ${describeCoordinatorEffect(effect)}`);
    this.o.afterStep(effects);
    return { state: result.state, effects };
  }

  /** What the shared log told the core must be what the database holds. */
  private checkShared(input: CoordinatorInput): void {
    switch (input.kind) {
      case 'resolved':
        this.checker.settledInLog(input.txId, input.outcome, this.name);
        return;
      case 'decisionLost':
        this.checker.commitLost(input.txId, this.name);
        return;
      case 'decisionSynced':
        this.checker.commitConfirmed(input.txId, this.name);
        return;
      default:
        return;
    }
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

/**
 * Mutant (l): the real simulated shared log, except that settling a tx only reads its
 * decision; with none, it answers aborted and writes nothing, so the key stays free for the
 * owner's commit.
 */
class SettlesByRead implements SharedDecisionLog {
  readonly shared = true;

  constructor(private readonly log: SimSharedDecisionLog) {}

  open(): Promise<ReplayResult> {
    return this.log.open();
  }

  append(record: LogRecord, options: { sync: boolean }): Promise<void> {
    return this.log.append(record, options);
  }

  async settle(txId: string): Promise<'committed' | 'aborted'> {
    return (await this.log.readDecision(txId)) === 'commit' ? 'committed' : 'aborted';
  }

  stats(): DecisionLogStats {
    return this.log.stats();
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
