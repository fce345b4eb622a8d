import { limits } from '../lib/limits/limits.js';
import { Fifo } from '../lib/fifo/fifo.js';
import { systemClock, type Clock, type Timer } from '../lib/clock/clock.js';
import { lifecycleLogger, type Logger } from '../lib/logger/logger.js';
import { coordinatorOfTxId, newTxId } from '../lib/tx-id/tx-id.js';
import { assert, assertNever } from '../lib/assert/assert.js';
import { errorText } from '../lib/error-text/error-text.js';
import { isSharedDecisionLog, type DecisionLog } from './log/decision-log.js';
import type { CoordinatorConfig } from './protocol/coordinator-config.js';
import type { CommitRecord } from './protocol/log-record.js';
import { commitDuration, phaseDuration } from './coordinator-metrics.js';
import { inSpan } from '../lib/tracing/tracing.js';
import type { AbortCause } from '../lib/abort-cause/abort-cause.js';
import type { CoordinatorEffect, Reply } from './protocol/coordinator-effect.js';
import type { CoordinatorInput } from './protocol/coordinator-input.js';
import { initialCoordinatorState, type CoordinatorState } from './protocol/coordinator-state.js';
import { step } from './protocol/step.js';
import { coordinatorFailpoints as fp } from './coordinator-failpoints.js';
import type { ParticipantConnector } from './participant-connector.js';
import { CoordinatorStoppedError } from './coordinator-stopped-error.js';
import { FailpointError } from '../lib/failpoints/failpoints.js';
import { DecisionTakenError, LogClosedError, LogQueueFullError, LogRecordTooLargeError } from './log/log-errors.js';
import { NotLastResourceError } from './not-last-resource-error.js';
import type { NoVoteCause } from '../lib/abort-cause/abort-cause.js';

export interface CoordinatorRuntimeOptions {
  readonly config: CoordinatorConfig;
  readonly log: DecisionLog;
  readonly connector: ParticipantConnector;
  readonly logger: Logger;
  /** Time and timers; the only place the coordinator reads time. Default `systemClock`. */
  readonly clock?: Clock;
  /** How often deadlines and retries are checked. */
  readonly tickIntervalMs?: number;
  /** Phase-2 calls in flight to one participant (default limits.phase2CallsInFlightMax); more wait their turn. */
  readonly phase2CallsInFlightMax?: number;
  readonly newTxId?: () => string;
  /**
   * The protocol core (default the real `step`). The simulator wraps it to trace, to
   * crash right after a step, and to check that it catches wrong variants.
   */
  readonly step?: typeof step;
}

export interface CoordinatorCounters {
  recoveredCommits: number;
  phase2SendFailures: number;
}

type RequestInput = Extract<CoordinatorInput, { requestId: number }>;
type Phase2Send = Omit<Extract<CoordinatorEffect, { kind: 'sendDecision' }>, 'kind'>;

/**
 * One participant's phase-2 calls: those in flight, and the sends waiting for room, oldest
 * first. `down`: its last call failed, so one call at a time goes (a probe, one per tick)
 * until one is answered; then the window opens again.
 */
interface Phase2Lane {
  inFlight: number;
  down: boolean;
  readonly waiting: Fifo<Phase2Send>;
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Runs the pure core against the real world: feeds it inputs (requests, votes, acks,
 * log syncs, clock ticks) and carries out its effects. It never decides anything itself.
 */
export class CoordinatorRuntime {
  private state: CoordinatorState;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly inflight = new Set<Promise<void>>();
  /** Per participant: its phase-2 calls in flight, and the sends waiting for one of them to end, oldest first. */
  private readonly phase2 = new Map<string, Phase2Lane>();
  /** Phase-2 sends wait while this is set: from `start({ holdPhase2: true })` until `releasePhase2()`. */
  private phase2Held = false;
  private nextRequestId = 1;
  /** When each tx was begun here, for `transactions()`; entries of finished txs go in bulk (pruneBeganAt). */
  private readonly beganAt = new Map<string, number>();
  private timer: Timer | undefined;
  private stopped = false;
  private readonly clock: Clock;
  readonly counters: CoordinatorCounters = { recoveredCommits: 0, phase2SendFailures: 0 };

  constructor(private readonly options: CoordinatorRuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    assert(options.config.sharedLog === isSharedDecisionLog(options.log), 'config.sharedLog is set exactly when the decision log is shared');
    assert(!options.config.sharedLog || options.config.lastResource === '', 'a shared decision log is not used with a last resource');
    this.state = initialCoordinatorState(options.config, this.clock.now());
  }

  /**
   * Replays the decision log and starts re-driving every commit without an end. With
   * `holdPhase2`, the re-driven Commits wait until `releasePhase2()`: a server can then
   * listen, and answer GetOutcome from the replayed log, before it spends anything on them.
   */
  async start(options: { holdPhase2?: boolean } = {}): Promise<{ recoveredCommits: number; truncatedBytes: number }> {
    this.phase2Held = options.holdPhase2 === true;
    const replay = await this.options.log.open();
    this.feed({ kind: 'tick', nowMs: this.clock.now() });
    this.feed({ kind: 'recover', records: replay.records });
    const recoveredCommits = this.state.live.size;
    for (const record of replay.records) {
      if (record.kind === 'commit' && record.heuristic !== undefined && this.state.live.has(record.txId)) {
        this.options.logger.warn({ txId: record.txId, participants: record.participants, reason: record.heuristic.reason }, 'an operator decided this commit (twophase admin resolve); re-driving it');
      }
    }
    this.counters.recoveredCommits = recoveredCommits;
    this.options.logger.info(
      { records: replay.records.length, recoveredCommits, truncatedBytes: replay.truncatedBytes },
      'decision log replayed',
    );
    const interval = this.options.tickIntervalMs ?? limits.coordinatorTickIntervalMs;
    this.timer = this.clock.every(interval, () => {
      this.feed({ kind: 'tick', nowMs: this.clock.now() });
      this.probeDownLanes();
    });
    return { recoveredCommits, truncatedBytes: replay.truncatedBytes };
  }

  /** Lets the phase-2 sends held by `start({ holdPhase2: true })` go, as many as the window takes. */
  releasePhase2(): void {
    if (!this.phase2Held) return;
    this.phase2Held = false;
    for (const [to, lane] of this.phase2) this.fillLane(to, lane);
  }

  begin(timeoutMs: number): Promise<Reply> {
    const txId = (this.options.newTxId ?? newTxId)();
    const beganAtMs = this.clock.now();
    return this.request({ kind: 'begin', txId, timeoutMs }).then((reply) => {
      if (reply.kind === 'begun') {
        this.beganAt.set(txId, beganAtMs);
        // forgotten in bulk once it holds many finished txs: O(1) per Begin, amortised
        if (this.beganAt.size > 2 * this.state.live.size + limits.coordinatorBeganAtSlackMax) this.pruneBeganAt();
      }
      return reply;
    });
  }

  /**
   * Every unfinished tx, oldest first, for operators (Admin.ListTransactions, `twophase
   * admin txs`): its state, since when (begun here, or decided, for a commit recovered from
   * the log), its participants, and those that have not acked the decision yet.
   */
  transactions(): { txId: string; state: string; sinceMs: number; participants: readonly string[]; pending: readonly string[] }[] {
    this.pruneBeganAt();
    const out = [...this.state.live.values()].map((tx) => {
      const pending = tx.kind === 'committing' || tx.kind === 'aborting' ? [...tx.peers].filter(([, peer]) => peer.kind !== 'acked').map(([id]) => id) : [];
      const sinceMs = this.beganAt.get(tx.txId) ?? (tx.kind === 'committing' ? tx.decidedAtMs : this.clock.now());
      return { txId: tx.txId, state: tx.kind, sinceMs, participants: tx.participants, pending };
    });
    return out.sort((a, b) => a.sinceMs - b.sinceMs);
  }

  private pruneBeganAt(): void {
    for (const txId of this.beganAt.keys()) if (!this.state.live.has(txId)) this.beganAt.delete(txId);
  }

  enlist(txId: string, participantId: string, incarnation = ''): Promise<Reply> {
    return this.request({ kind: 'enlist', txId, participantId, incarnation });
  }

  commit(txId: string): Promise<Reply> {
    const startedMs = this.clock.now();
    return this.request({ kind: 'commit', txId }).then((reply) => {
      const outcome = reply.kind === 'outcome' ? reply.outcome : reply.kind;
      commitDuration.labels(outcome).observe((this.clock.now() - startedMs) / 1000);
      return reply;
    });
  }

  abort(txId: string, reason: string): Promise<Reply> {
    return this.request({ kind: 'abort', txId, reason });
  }

  getOutcome(txId: string): Promise<Reply> {
    // a tx that names a coordinator was begun on a shared log; on its own file log this one
    // could only presume it aborted, which its owner may contradict
    const named = coordinatorOfTxId(txId);
    if (!this.options.config.sharedLog && named !== undefined && !this.state.live.has(txId) && !this.state.finished.has(txId)) {
      return Promise.resolve({
        kind: 'refused',
        code: 'FAILED_PRECONDITION',
        message: `transaction ${txId} was begun by coordinator ${named} on a shared decision log; this coordinator has none and cannot settle it: ask that one`,
      });
    }
    return this.request({ kind: 'getOutcome', txId });
  }

  participants(): readonly { participantId: string; address: string }[] {
    return this.options.connector.list();
  }

  /** Every unfinished tx and the state it is in, for operators and the simulator's no-orphans check. */
  unfinished(): { txId: string; kind: string }[] {
    return [...this.state.live].map(([txId, tx]) => ({ txId, kind: tx.kind }));
  }

  /** Unfinished txs and decisions taken since start, for health and metrics. */
  stats(): { live: number; begun: number; commits: number; aborts: number; abortsByCause: Readonly<Record<AbortCause, number>> } {
    const { begun, commits, aborts, abortsByCause } = this.state.decided;
    return { live: this.state.live.size, begun, commits, aborts, abortsByCause: { ...abortsByCause } };
  }

  /**
   * Stops the clock, waits (bounded) for in-flight sends and log appends, closes the log.
   * Calls still waiting are rejected: their txs are either durable (re-driven after a
   * restart) or presumed aborted.
   */
  async stop(waitMs: number = limits.coordinatorStopWaitMs): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    // a send still waiting for room goes nowhere now
    for (const lane of this.phase2.values()) lane.waiting.drain();
    const settled = Promise.allSettled([...this.inflight]);
    await Promise.race([settled, new Promise((resolve) => this.clock.after(waitMs, () => resolve(undefined)))]);
    for (const [, resolve] of this.pending) resolve({ kind: 'refused', code: 'FAILED_PRECONDITION', message: 'coordinator is shutting down' });
    this.pending.clear();
    await this.options.log.close();
    const logStats = this.options.log.stats();
    // the run's summary of group commit, read by `npm run bench`: printed at every log level but silent
    lifecycleLogger(this.options.logger).info(
      { ...logStats, commitsPerSync: logStats.syncs === 0 ? 0 : logStats.syncedCommits / logStats.syncs, ...this.state.decided },
      'decision log stats',
    );
    this.options.connector.close();
  }

  private request(input: DistributiveOmit<RequestInput, 'requestId'>): Promise<Reply> {
    if (this.stopped) return Promise.reject(new CoordinatorStoppedError());
    const requestId = this.nextRequestId++;
    return new Promise<Reply>((resolve) => {
      this.pending.set(requestId, resolve);
      this.feed({ ...input, requestId } as RequestInput);
    });
  }

  private feed(input: CoordinatorInput): void {
    const { state, effects } = (this.options.step ?? step)(this.state, input);
    this.state = state;
    for (const effect of effects) this.execute(effect);
  }

  /** Feeds an input produced by an async effect, unless the runtime stopped meanwhile. */
  private later(input: CoordinatorInput): void {
    if (!this.stopped) this.feed(input);
  }

  /**
   * Keeps an effect's work for `stop` to wait on. Each effect handles the failures it can
   * meet; one that still escapes is a bug, logged here rather than left to crash the
   * process as an unhandled rejection.
   */
  private track(work: Promise<void>): void {
    const settled = work.catch((err: unknown) => this.options.logger.error({ err: errorText(err) }, 'coordinator effect failed unexpectedly'));
    this.inflight.add(settled);
    void settled.finally(() => this.inflight.delete(settled));
  }

  private execute(effect: CoordinatorEffect): void {
    switch (effect.kind) {
      case 'reply':
        this.track(this.deliverReply(effect.requestId, effect.reply));
        return;
      case 'sendPrepare':
        this.track(this.sendPrepare(effect.txId, effect.to));
        return;
      case 'appendCommit':
        this.track(this.appendCommit(effect));
        return;
      case 'sendDecision':
        this.phase2Send({ txId: effect.txId, to: effect.to, decision: effect.decision });
        return;
      case 'appendEnd':
        this.track(this.appendEnd(effect.record.txId));
        return;
      case 'commitLastResource':
        this.track(this.commitLastResource(effect.txId, effect.to, effect.participants));
        return;
      case 'resolveAtLastResource':
        this.track(this.resolveAtLastResource(effect.txId, effect.to));
        return;
      case 'resolveInLog':
        this.track(this.resolveInLog(effect.txId));
        return;
      case 'appendCommitHint':
        this.track(this.appendCommitHint(effect.record));
        return;
      default:
        assertNever(effect);
    }
  }

  private async deliverReply(requestId: number, reply: Reply): Promise<void> {
    const resolve = this.pending.get(requestId);
    if (resolve === undefined) return;
    this.pending.delete(requestId);
    await fp.replyBeforeSend.hit();
    resolve(reply);
  }

  private async sendPrepare(txId: string, to: string): Promise<void> {
    let vote: 'yes' | 'no' = 'no';
    let reason = '';
    let cause: NoVoteCause | undefined;
    try {
      await fp.prepareBeforeSend.hit();
      const tx = this.state.live.get(txId);
      const deadlineMs = tx?.kind === 'preparing' ? tx.prepareDeadlineMs : this.clock.now();
      ({ vote, reason, cause } = await this.timed('prepare', () => this.options.connector.prepare(to, txId, deadlineMs)));
      await fp.prepareAfterSend.hit();
    } catch (err) {
      // a Prepare that failed or timed out is a no vote of no cause of its own: an outage
      vote = 'no';
      reason = `prepare failed: ${errorText(err)}`;
      cause = undefined;
      this.txLogger(txId).warn({ participantId: to, err: errorText(err) }, 'prepare failed; counts as a no vote');
    }
    this.later({ kind: 'vote', txId, from: to, vote, reason, ...(vote === 'no' && cause !== undefined ? { cause } : {}) });
  }

  private async appendCommit(effect: Extract<CoordinatorEffect, { kind: 'appendCommit' }>): Promise<void> {
    const { txId } = effect.record;
    if (isArmedMutant(() => fp.unsafeCommitBeforeSync.hit())) {
      // the deliberately broken variant: participants commit before the commit point exists
      await Promise.allSettled(effect.record.participants.map((to) => this.options.connector.commit(to, txId)));
    }
    await fp.commitBeforeAppend.hit();
    try {
      // the commit point: nothing is sent to any participant until this resolves
      await this.timed('decide', () => inSpan('decide: commit record made durable', { attributes: { 'twophase.tx_id': txId } }, () => this.options.log.append(effect.record, { sync: true })));
    } catch (err) {
      if (err instanceof LogClosedError) {
        // stopping: whether the record landed, the replay after the restart says
        this.txLogger(txId).info('the decision log closed before it confirmed the commit record; the restart replays it if it landed');
        return;
      }
      if (err instanceof DecisionTakenError) {
        this.txLogger(txId).warn({ err: errorText(err) }, 'another coordinator settled this transaction as aborted before its commit record; aborting');
        this.later({ kind: 'decisionLost', txId });
        return;
      }
      if (!isRefusedAppend(err)) throw err;
      // nothing of the record was written, so abort is still a safe decision; any other
      // failure may have left it on disk, and only a restart's replay can tell
      this.txLogger(txId).warn({ err: errorText(err) }, 'decision log refused the commit record; aborting');
      // answered RESOURCE_EXHAUSTED with no limit-scope trailer: capacity, an outage to retry (HTTP 503)
      const reason = err instanceof LogQueueFullError ? 'its queue to the disk is full' : 'the record is over its limit';
      this.later({ kind: 'decisionRefused', txId, reason });
      return;
    }
    await fp.commitAfterSync.hit();
    this.options.logger.debug({ txId, participants: effect.record.participants }, 'commit decision durable');
    this.later({ kind: 'decisionSynced', txId });
  }

  /** Sends a phase-2 decision now, or queues it behind the calls in flight to its participant (see phase2Window). */
  private phase2Send(send: Phase2Send): void {
    let lane = this.phase2.get(send.to);
    if (lane === undefined) this.phase2.set(send.to, (lane = { inFlight: 0, down: false, waiting: new Fifo() }));
    lane.waiting.push(send);
    if (!lane.down) this.fillLane(send.to, lane);
  }

  /**
   * At most phase2CallsInFlightMax phase-2 calls are in flight to one participant; the
   * others wait in order, and a call's deadline starts only when it is sent. So the 10,000
   * commits a restart re-drives reach a participant as fast as it answers them, none of
   * them timing out in its queue.
   */
  private phase2Window(): number {
    return this.options.phase2CallsInFlightMax ?? limits.phase2CallsInFlightMax;
  }

  /** Starts waiting sends to `to` while its window has room (one call when it is down). */
  private fillLane(to: string, lane: Phase2Lane): void {
    if (this.stopped || this.phase2Held) return;
    const window = lane.down ? 1 : this.phase2Window();
    while (lane.inFlight < window) {
      const next = lane.waiting.shift();
      if (next === undefined) return;
      lane.inFlight += 1;
      this.track(this.sendDecision(next.txId, to, next.decision));
    }
  }

  /**
   * A participant whose last call failed gets one call per tick, a probe, instead of every
   * waiting send failing on its own: 20,000 re-driven Commits to a participant that is
   * still down were 4,000 failing calls and log lines a second, on the cores it needs to
   * restart. Its first answer opens the window again.
   */
  private probeDownLanes(): void {
    for (const [to, lane] of this.phase2) if (lane.down && lane.inFlight === 0) this.fillLane(to, lane);
  }

  /** Runs one phase-2 call (counted in its lane by the caller); then the next waiting send to `to` takes its place. */
  private async sendDecision(txId: string, to: string, decision: 'commit' | 'abort'): Promise<void> {
    const before = decision === 'commit' ? fp.commitBeforeSend : fp.abortBeforeSend;
    const after = decision === 'commit' ? fp.commitAfterSend : fp.abortAfterSend;
    let failure: unknown;
    try {
      await before.hit();
      await this.timed('phase2', () => (decision === 'commit' ? this.options.connector.commit(to, txId) : this.options.connector.abort(to, txId, this.abortReasonOf(txId))));
      await after.hit();
    } catch (err) {
      failure = err ?? new Error('phase-2 send failed');
    }
    const wasDown = this.phase2Done(to, failure === undefined);
    if (failure === undefined) {
      this.later({ kind: 'ack', txId, from: to, decision });
      return;
    }
    this.counters.phase2SendFailures += 1;
    // the first failure says why; while the participant stays unreachable, the probes' failures are only counted
    this.txLogger(txId)[wasDown ? 'debug' : 'warn']({ participantId: to, decision, err: errorText(failure) }, 'phase-2 send failed; will retry');
    this.later({ kind: 'sendFailed', txId, to, decision, reason: errorText(failure) });
  }

  /** A phase-2 call to `to` ended: the lane opens or closes by its result, and waiting sends take the room. Returns whether the lane was down before. */
  private phase2Done(to: string, answered: boolean): boolean {
    const lane = this.phase2.get(to);
    assert(lane !== undefined && lane.inFlight > 0, `a phase-2 call to ${to} ended that was not counted`);
    const wasDown = lane.down;
    lane.inFlight -= 1;
    if (answered && wasDown) this.options.logger.info({ participantId: to, waiting: lane.waiting.size }, 'participant answers phase 2 again: sending what waited for it');
    if (!answered && !wasDown) this.options.logger.warn({ participantId: to, waiting: lane.waiting.size }, 'participant did not answer phase 2: one call per tick until it does');
    lane.down = !answered;
    // a failure waits for the next tick's probe; an answer lets the waiting sends go now
    if (answered) this.fillLane(to, lane);
    return wasDown;
  }

  private async commitLastResource(txId: string, to: string, participants: readonly string[]): Promise<void> {
    let outcome: 'committed' | 'aborted' | 'unknown' = 'unknown';
    let reason = '';
    try {
      await fp.commitLastBeforeSend.hit();
      outcome = await this.timed('last_resource', () => this.options.connector.commitOnePhase(to, txId, participants));
      await fp.commitLastAfterSend.hit();
    } catch (err) {
      reason = errorText(err);
      if (err instanceof NotLastResourceError) {
        // refused before anything ran there, and no step sends this tx's one-phase commit
        // again: nothing of it committed there, nor can it. Every tx with that participant
        // aborts so until the coordinator names a real last resource.
        outcome = 'aborted';
        this.txLogger(txId).error({ participantId: to, err: reason }, 'the configured last resource (--last-resource) cannot be one; the transaction aborts');
      } else {
        this.txLogger(txId).warn({ participantId: to, err: reason }, 'one-phase commit at the last resource: answer unknown; resolving there');
      }
    }
    this.later({ kind: 'lastResourceAnswered', txId, outcome, reason });
  }

  private async resolveAtLastResource(txId: string, to: string): Promise<void> {
    let outcome: 'committed' | 'aborted' | 'unknown' = 'unknown';
    try {
      outcome = await this.options.connector.resolveOutcome(to, txId);
    } catch (err) {
      // not even a refusal decides a resolve: what answers at that address now may have
      // replaced a last resource that committed the tx one-phase
      const misconfigured = err instanceof NotLastResourceError;
      const message = misconfigured
        ? 'the configured last resource (--last-resource) cannot be one; the outcome stays unresolved, will retry'
        : 'could not resolve the outcome at the last resource; will retry';
      this.txLogger(txId)[misconfigured ? 'error' : 'warn']({ participantId: to, err: errorText(err) }, message);
    }
    this.later({ kind: 'resolved', txId, outcome });
  }

  /** Settles an unknown tx by compare-and-set in the shared decision log (it retries while the store is down). */
  private async resolveInLog(txId: string): Promise<void> {
    const log = this.options.log;
    assert(isSharedDecisionLog(log), 'resolveInLog comes only with a shared decision log');
    let outcome: 'committed' | 'aborted' | 'unknown' = 'unknown';
    try {
      outcome = await log.settle(txId);
    } catch (err) {
      if (!(err instanceof LogClosedError)) throw err;
      return; // stopping: the asker hears UNAVAILABLE as the server goes
    }
    this.later({ kind: 'resolved', txId, outcome });
  }

  /** A hint only: the commit point was the last resource's COMMIT. A refusal or a loss costs a re-drive by the in-doubt participants' own questions. */
  private async appendCommitHint(record: CommitRecord): Promise<void> {
    try {
      await this.options.log.append(record, { sync: false });
    } catch (err) {
      if (!isRefusedAppend(err)) throw err;
      this.txLogger(record.txId).warn({ err: errorText(err) }, 'decision log refused a commit hint; phase 2 goes on without it');
    }
  }

  /** Runs one phase's work and observes how long it took (twophase_coordinator_phase_duration_seconds), when it succeeds. */
  private async timed<T>(phase: 'prepare' | 'decide' | 'phase2' | 'last_resource', work: () => Promise<T>): Promise<T> {
    const startedMs = this.clock.now();
    const result = await work();
    phaseDuration.labels(phase).observe((this.clock.now() - startedMs) / 1000);
    return result;
  }

  private abortReasonOf(txId: string): string {
    const tx = this.state.live.get(txId);
    return tx?.kind === 'aborting' ? tx.reason : 'aborted';
  }

  private async appendEnd(txId: string): Promise<void> {
    await fp.endBeforeAppend.hit();
    try {
      await this.options.log.append({ kind: 'end', txId }, { sync: false });
    } catch (err) {
      if (!(err instanceof LogQueueFullError)) throw err;
      // a lost end costs a re-drive after a restart, but it also pins the commit's segment
      // until then: append it again once the disk has caught up
      this.txLogger(txId).warn({ err: errorText(err) }, 'decision log refused the end record; appending it again later');
      if (!this.stopped) this.clock.after(this.options.config.retryBackoffMsMax, () => this.stopped || this.track(this.appendEnd(txId)));
      return;
    }
    await fp.endAfterAppend.hit();
  }

  private txLogger(txId: string): Logger {
    return this.options.logger.child({ txId });
  }
}

/** The log's refusals that guarantee nothing of the record was written (DecisionLog.append). */
function isRefusedAppend(err: unknown): boolean {
  return err instanceof LogQueueFullError || err instanceof LogRecordTooLargeError;
}

/** True when a failpoint armed with `error` fires (mutant switches); other actions act as usual. */
function isArmedMutant(hit: () => Promise<void> | undefined): boolean {
  try {
    void hit();
    return false;
  } catch (err) {
    if (err instanceof FailpointError) return true;
    throw err;
  }
}
