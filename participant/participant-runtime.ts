import { assertNever } from '../lib/assert/assert.js';
import { systemClock, type Clock, type Timer } from '../lib/clock/clock.js';
import { errorText } from '../lib/error-text/error-text.js';
import { KeyedMutex, type WaitScope } from '../lib/keyed-mutex/keyed-mutex.js';
import { KeyQueueFullError } from '../lib/keyed-mutex/key-queue-full-error.js';
import { limits } from '../lib/limits/limits.js';
import { Fifo } from '../lib/fifo/fifo.js';
import type { Logger } from '../lib/logger/logger.js';
import { newTxId, txIdProblem } from '../lib/tx-id/tx-id.js';
import type { CoordinatorLink } from './coordinator-link.js';
import { BranchNotCommittedError, CoordinatorUnavailableError, InvalidInputError, LimitExceededError, NotLastResourceError, TxNotActiveError } from './participant-errors.js';
import { initialParticipantState, type ParticipantConfig, type ParticipantState } from './protocol/branch-state.js';
import type { ParticipantEffect } from './protocol/participant-effect.js';
import type { ParticipantInput } from './protocol/participant-input.js';
import { inDoubtBranches, inDoubtSummary, participantStep } from './protocol/participant-step.js';
import type { BranchWork, PrepareVote, ResourceManager } from './resource-manager.js';

export interface ParticipantRuntimeOptions {
  readonly rm: ResourceManager;
  readonly coordinator: CoordinatorLink;
  readonly logger: Logger;
  readonly config?: Partial<ParticipantConfig>;
  /** Time and timers; the only place the participant reads time. Default `systemClock`. */
  readonly clock?: Clock;
  readonly tickIntervalMs?: number;
  /** How often the in-doubt summary is logged while branches are in doubt. */
  readonly inDoubtReportMs?: number;
  /** Calls of one tx that may wait for its lock (default `limits.branchCallsWaitingMax`). */
  readonly callsWaitingPerTxMax?: number;
  /** This start's incarnation, named in every Enlist. Default a fresh random id. */
  readonly incarnation?: string;
  /**
   * The branch state machine (default the real `participantStep`). The simulator wraps it
   * to trace, to crash right after a step, and to check that it catches wrong variants.
   */
  readonly step?: typeof participantStep;
}

export function participantConfig(overrides: Partial<ParticipantConfig> = {}): ParticipantConfig {
  return {
    branchIdleMsMax: limits.branchIdleMsMax,
    inDoubtAskAfterMs: limits.inDoubtAskAfterMs,
    outcomeRetryMsBase: limits.outcomeRetryMsBase,
    outcomeRetryMsMax: limits.outcomeRetryMsMax,
    branchesMax: limits.branchesMax,
    committedRememberedMax: limits.participantCommittedRememberedMax,
    ...overrides,
  };
}

/**
 * Runs the pure branch state machine against a resource manager and the coordinator.
 * Every call of one tx (client work, Prepare, Commit, Abort, in-doubt resolution) runs
 * under that tx's lock, so a resource manager never sees two at once for one tx. A call
 * given a `WaitScope` stops waiting for the lock when its caller gives up, and a tx with
 * `callsWaitingPerTxMax` calls waiting refuses more (LimitExceededError).
 */
export class ParticipantRuntime implements BranchWork {
  private state: ParticipantState;
  private readonly locks: KeyedMutex;
  private readonly clock: Clock;
  private timers: Timer[] = [];
  private stopped = false;
  private readonly background = new Set<Promise<void>>();
  /**
   * The commit of each tx running or waiting for its lock now, whoever asked for it (the
   * coordinator's Commit, or the branch's own in-doubt resolution once it learned the
   * outcome). A second request waits its turn behind it as any call does (bounded,
   * abandoned with its caller) and then takes its answer instead of doing the work again:
   * after a restart both arrive for every in-doubt branch, and the second would otherwise
   * verify, at the resource manager, what the first had just done.
   */
  private readonly commits = new Map<string, Promise<{ alreadyCommitted: boolean }>>();
  /**
   * Decisions the participant applies on its own (in-doubt resolution, idle aborts): at most
   * participantResolutionsInFlightMax run at once, the others wait in order, and a tx is
   * queued once however often it is learned meanwhile. A restart learns thousands of
   * outcomes in a second; run all at once they would wait in the resource manager's own
   * queue (a connection pool whose wait is bounded in time) and fail there.
   */
  private readonly resolutions = { running: 0, waiting: new Fifo<() => void>(), txIds: new Set<string>() };
  /**
   * In-doubt asks while the coordinator does not answer. Once an ask fails, the others
   * wait here instead of each failing on its own (after a restart 10,000 branches asking a
   * coordinator that is down, each with its own backoff, kept a core busy making errors,
   * the core the restarting coordinator needed); one of them is let through per tick as a
   * probe, and the first answer lets them all go at once, so they do not each sit out a
   * backoff of up to outcomeRetryMsMax after the coordinator is back.
   */
  private readonly asks = { coordinatorDown: false, waiting: new Fifo<() => void>() };
  /** New at every start: the coordinator refuses a re-enlist by a restarted participant, whose earlier work is lost. */
  readonly incarnation: string;

  constructor(private readonly options: ParticipantRuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.incarnation = options.incarnation ?? newTxId();
    this.locks = new KeyedMutex(options.callsWaitingPerTxMax ?? limits.branchCallsWaitingMax, this.clock);
    this.state = initialParticipantState(participantConfig(options.config), this.clock.now());
  }

  get participantId(): string {
    return this.options.rm.participantId;
  }

  /** Recovers the resource manager: prepared branches become in doubt and ask the coordinator. */
  async start(): Promise<{ inDoubt: number; abortedLeftovers: number }> {
    const recovery = await this.options.rm.recover();
    this.feed({ kind: 'tick', nowMs: this.clock.now() });
    this.feed({ kind: 'recovered', prepared: recovery.prepared });
    this.options.logger.info(
      { inDoubt: recovery.prepared.length, abortedLeftovers: recovery.abortedLeftovers },
      recovery.prepared.length > 0 ? 'recovered: prepared branches are in doubt, asking the coordinator' : 'recovered',
    );
    const tick = this.clock.every(this.options.tickIntervalMs ?? limits.participantTickIntervalMs, () => {
      // the probe of a coordinator that did not answer: one waiting ask per tick
      if (this.asks.coordinatorDown) this.asks.waiting.shift()?.();
      this.feed({ kind: 'tick', nowMs: this.clock.now() });
    });
    const report = this.clock.every(this.options.inDoubtReportMs ?? limits.participantInDoubtReportMs, () => this.reportInDoubt());
    this.timers = [tick, report];
    this.feed({ kind: 'tick', nowMs: this.clock.now() });
    return { inDoubt: recovery.prepared.length, abortedLeftovers: recovery.abortedLeftovers };
  }

  /** BranchWork: enlists on the first operation of a tx, then runs `operation` under the tx's lock. */
  run<T>(txId: string, operation: () => Promise<T>, scope?: WaitScope): Promise<T> {
    validTxId(txId);
    return this.locked(txId, scope, async () => {
      let effect = this.single(this.feed({ kind: 'workRequested', txId }));
      if (effect.kind === 'enlist') effect = this.single(this.feed(await this.enlist(txId)));
      if (effect.kind === 'refuseWork') {
        switch (effect.code) {
          case 'exhausted':
            throw new LimitExceededError(effect.reason);
          case 'unavailable':
            throw new CoordinatorUnavailableError(txId);
          case 'notActive':
            throw new TxNotActiveError(txId, effect.reason);
          default:
            assertNever(effect.code);
        }
      }
      try {
        return await operation();
      } finally {
        this.feed({ kind: 'workDone', txId });
      }
    });
  }

  prepare(txId: string, scope?: WaitScope): Promise<PrepareVote> {
    validTxId(txId);
    return this.locked(txId, scope, async () => {
      const effect = this.single(this.feed({ kind: 'prepareRequested', txId }));
      if (effect.kind === 'vote') return voteOf(effect);
      if (effect.kind !== 'runPrepare') throw new Error(`unexpected ${effect.kind} for prepare`);
      let vote: PrepareVote;
      try {
        vote = await this.options.rm.prepare(txId);
      } catch (err) {
        // a failed prepare must not leave a yes behind: vote no, and the decision will be abort
        this.txLogger(txId).warn({ err: errorText(err) }, 'prepare failed; voting no');
        vote = { vote: 'no', reason: `prepare failed: ${errorText(err)}` };
      }
      const answered = this.single(this.feed(prepareDone(txId, vote)));
      if (answered.kind !== 'vote') throw new Error(`unexpected ${answered.kind} after prepare`);
      if (answered.vote === 'no') {
        // a no-voter may abort on its own, and must: a coordinator that restarts forgets the tx
        // (presumed abort) and would never send the Abort that cleans up a failed prepare
        await this.abortLocked(txId, `voted no: ${answered.reason}`).catch(() => undefined);
      }
      return voteOf(answered);
    });
  }

  /**
   * Commits the branch; a commit of the tx already running or waiting here is joined, and
   * its answer (or failure) is this call's: it did the same work under the same lock.
   */
  commit(txId: string, scope?: WaitScope): Promise<{ alreadyCommitted: boolean }> {
    validTxId(txId);
    return this.commitOnce(txId, scope);
  }

  abort(txId: string, reason: string, scope?: WaitScope): Promise<{ alreadyAborted: boolean }> {
    validTxId(txId);
    return this.locked(txId, scope, () => this.abortLocked(txId, reason));
  }

  /**
   * Last-resource mode, at the last resource: commits the branch one-phase (its COMMIT is
   * the commit point), or, when there is no open branch to commit, answers by the
   * compare-and-set (`resolveOutcome`). Rejects when the answer is unknown, and with
   * NotLastResourceError, before anything runs, when the resource manager cannot be the
   * last resource.
   */
  commitOnePhase(txId: string, participants: readonly string[], scope?: WaitScope): Promise<'committed' | 'aborted'> {
    validTxId(txId);
    const rm = this.lastResource();
    return this.locked(txId, scope, async () => {
      const effect = this.single(this.feed({ kind: 'commitOnePhaseRequested', txId }));
      if (effect.kind === 'runResolve') return this.resolveLocked(rm, txId);
      if (effect.kind !== 'runCommitOnePhase') throw new Error(`unexpected ${effect.kind} for a one-phase commit`);
      let outcome: 'committed' | 'aborted';
      try {
        outcome = await rm.commitOnePhase(txId, participants);
      } catch (err) {
        this.feed({ kind: 'commitOnePhaseDone', txId, outcome: 'unknown' });
        this.txLogger(txId).warn({ err: errorText(err) }, 'one-phase commit: answer unknown; the marker decides');
        throw err;
      }
      this.feed({ kind: 'commitOnePhaseDone', txId, outcome });
      return outcome;
    });
  }

  /**
   * Last-resource mode, at the last resource: the outcome of `txId`, settled by a
   * compare-and-set on its marker. NotLastResourceError as `commitOnePhase`.
   */
  resolveOutcome(txId: string, scope?: WaitScope): Promise<'committed' | 'aborted'> {
    validTxId(txId);
    const rm = this.lastResource();
    return this.locked(txId, scope, async () => {
      const effect = this.single(this.feed({ kind: 'resolveRequested', txId }));
      if (effect.kind !== 'runResolve') throw new Error(`unexpected ${effect.kind} for a resolve`);
      return this.resolveLocked(rm, txId);
    });
  }

  /** Calls of `txId` waiting for its lock now, for tests and metrics. */
  callsWaiting(txId: string): number {
    return this.locks.waiting(txId);
  }

  /** Branches that voted yes and do not know the decision, oldest first. */
  inDoubt(): { txId: string; preparedAtMs: number }[] {
    return inDoubtBranches(this.state);
  }

  /** How many branches are in doubt, without listing them (for metrics and Admin.GetStats). */
  inDoubtCount(): number {
    return inDoubtSummary(this.state).count;
  }

  /** Every branch held now and the state it is in, for operators and the simulator's no-orphans check. */
  branches(): { txId: string; kind: string }[] {
    return [...this.state.branches].map(([txId, b]) => ({ txId, kind: b.kind }));
  }

  /** Branches held now (open, prepared, or being ended). */
  branchCount(): number {
    return this.state.branches.size;
  }

  /** Age of the oldest in-doubt branch in ms (0 when none), for metrics. */
  oldestInDoubtMs(): number {
    const { oldest } = inDoubtSummary(this.state);
    return oldest === undefined ? 0 : Math.max(0, this.clock.now() - oldest.preparedAtMs);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    // resolutions and asks still waiting for their turn are dropped: a restart finds their branches again
    for (const start of this.resolutions.waiting.drain()) start();
    for (const start of this.asks.waiting.drain()) start();
    await Promise.allSettled([...this.background]);
    this.options.coordinator.close();
    await this.options.rm.close();
  }

  /** Runs `section` under the tx's lock; a full queue is a limit (RESOURCE_EXHAUSTED), retryable. */
  private async locked<T>(txId: string, scope: WaitScope | undefined, section: () => Promise<T>): Promise<T> {
    try {
      return await this.locks.run(txId, section, scope);
    } catch (err) {
      if (err instanceof KeyQueueFullError) throw new LimitExceededError(`transaction ${txId}: ${err.message}`);
      throw err;
    }
  }

  private async resolveLocked(rm: LastResourceManager, txId: string): Promise<'committed' | 'aborted'> {
    const outcome = await rm.resolveOutcome(txId);
    this.feed({ kind: 'resolveDone', txId, outcome });
    return outcome;
  }

  /** The resource manager, when it can be the last resource; a refusal before anything runs otherwise. */
  private lastResource(): LastResourceManager {
    const { rm } = this.options;
    if (!isLastResource(rm)) throw new NotLastResourceError(rm.participantId);
    return rm;
  }

  /** One commit per tx at a time: a new one under the tx's lock, or the answer of the one it queued behind (see `commits`). */
  private commitOnce(txId: string, scope?: WaitScope): Promise<{ alreadyCommitted: boolean }> {
    const earlier = this.commits.get(txId);
    const commit = this.locked(txId, scope, async () => {
      // its turn comes after the earlier commit ended: a success is final, a failure is tried again here
      const done = earlier === undefined ? undefined : await earlier.catch(() => undefined);
      return done ?? this.commitLocked(txId);
    });
    this.commits.set(txId, commit);
    const forget = (): void => {
      if (this.commits.get(txId) === commit) this.commits.delete(txId);
    };
    commit.then(forget, forget);
    return commit;
  }

  private async commitLocked(txId: string): Promise<{ alreadyCommitted: boolean }> {
    const effect = this.single(this.feed({ kind: 'commitRequested', txId }));
    if (effect.kind === 'committedHere') return { alreadyCommitted: true };
    if (effect.kind === 'refuseCommit') throw new BranchNotCommittedError(txId, this.participantId, effect.reason);
    if (effect.kind !== 'runCommit') throw new Error(`unexpected ${effect.kind} for commit`);
    try {
      const result = await this.options.rm.commit(txId);
      this.feed({ kind: 'commitDone', txId, result: 'committed' });
      return result;
    } catch (err) {
      const refused = err instanceof BranchNotCommittedError;
      this.feed({ kind: 'commitDone', txId, result: refused ? 'refused' : 'failed' });
      this.txLogger(txId).error({ err: errorText(err) }, refused ? 'commit refused: the branch cannot be shown committed' : 'commit failed; will retry');
      throw err;
    }
  }

  private async abortLocked(txId: string, reason: string): Promise<{ alreadyAborted: boolean }> {
    const effect = this.single(this.feed({ kind: 'abortRequested', txId }));
    if (effect.kind === 'refuseAbort') throw new TxNotActiveError(txId, effect.reason);
    if (effect.kind !== 'runAbort') throw new Error(`unexpected ${effect.kind} for abort`);
    try {
      const result = await this.options.rm.abort(txId);
      this.feed({ kind: 'abortDone', txId, ok: true });
      this.options.logger.debug({ txId, reason }, 'branch aborted');
      return result;
    } catch (err) {
      this.feed({ kind: 'abortDone', txId, ok: false });
      this.txLogger(txId).error({ err: errorText(err) }, 'abort failed; will retry');
      throw err;
    }
  }

  private async enlist(txId: string): Promise<ParticipantInput> {
    try {
      const { txDeadlineMs } = await this.options.coordinator.enlist(txId, this.participantId, this.incarnation);
      return { kind: 'enlistResult', txId, result: 'enlisted', txDeadlineMs, reason: '' };
    } catch (err) {
      if (err instanceof TxNotActiveError) return { kind: 'enlistResult', txId, result: 'refused', txDeadlineMs: 0, reason: err.message };
      if (err instanceof InvalidInputError) return { kind: 'enlistResult', txId, result: 'refused', txDeadlineMs: 0, reason: err.message };
      if (err instanceof LimitExceededError) return { kind: 'enlistResult', txId, result: 'exhausted', txDeadlineMs: 0, reason: err.message };
      this.txLogger(txId).warn({ err: errorText(err) }, 'enlist failed: coordinator unavailable');
      return { kind: 'enlistResult', txId, result: 'unavailable', txDeadlineMs: 0, reason: `coordinator unavailable: ${errorText(err)}` };
    }
  }

  /** Feeds the core and starts the effects that are not answers to the caller. */
  private feed(input: ParticipantInput): ParticipantEffect[] {
    const { state, effects } = (this.options.step ?? participantStep)(this.state, input);
    this.state = state;
    const answers: ParticipantEffect[] = [];
    for (const effect of effects) {
      switch (effect.kind) {
        case 'askOutcome':
          this.inBackground(this.askOutcome(effect.txId, effect.attempt));
          break;
        case 'resolve':
          this.inBackground(this.resolve(effect.txId, effect.decision, effect.reason));
          break;
        case 'enlist':
        case 'proceed':
        case 'refuseWork':
        case 'runPrepare':
        case 'vote':
        case 'runCommit':
        case 'committedHere':
        case 'refuseCommit':
        case 'runAbort':
        case 'refuseAbort':
        case 'runCommitOnePhase':
        case 'runResolve':
          answers.push(effect);
          break;
        default:
          assertNever(effect);
      }
    }
    return answers;
  }

  private single(effects: ParticipantEffect[]): ParticipantEffect {
    const [first] = effects;
    if (first === undefined || effects.length !== 1) throw new Error(`expected one answer from the branch state machine, got ${effects.length}`);
    return first;
  }

  private inBackground(work: Promise<void>): void {
    if (this.stopped) return;
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  private async askOutcome(txId: string, attempt: number): Promise<void> {
    const { asks } = this;
    if (asks.coordinatorDown) await new Promise<void>((resolve) => asks.waiting.push(resolve));
    if (this.stopped) return;
    let outcome: 'active' | 'preparing' | 'committed' | 'aborted' | 'unknown' = 'unknown';
    try {
      outcome = await this.options.coordinator.getOutcome(txId, this.participantId);
      if (asks.coordinatorDown) {
        asks.coordinatorDown = false;
        this.options.logger.info({ asksWaiting: asks.waiting.size }, 'coordinator answers again: asking for every branch in doubt');
        for (const go of asks.waiting.drain()) go();
      }
    } catch (err) {
      if (!asks.coordinatorDown) {
        asks.coordinatorDown = true;
        this.options.logger.warn({ err: errorText(err), txId }, 'in doubt: coordinator unreachable; asking again one branch at a time until it answers');
      }
      this.txLogger(txId).debug({ err: errorText(err), attempt }, 'in doubt: coordinator unreachable, asking again');
    }
    if (!this.stopped) this.feed({ kind: 'outcomeLearned', txId, outcome });
  }

  private async resolve(txId: string, decision: 'commit' | 'abort', reason: string): Promise<void> {
    const { resolutions } = this;
    if (resolutions.txIds.has(txId)) return;
    resolutions.txIds.add(txId);
    try {
      if (resolutions.running < limits.participantResolutionsInFlightMax) resolutions.running += 1;
      // a slot is handed over by the one that ends (see below), so `running` stays counted
      else await new Promise<void>((resolve) => resolutions.waiting.push(resolve));
      if (this.stopped) return;
      try {
        if (decision === 'commit') await this.commitOnce(txId);
        else await this.locked(txId, undefined, () => this.abortLocked(txId, reason));
        this.txLogger(txId).info({ decision, reason }, 'branch resolved');
      } catch {
        // logged where it failed; the state machine retries
      }
      const next = resolutions.waiting.shift();
      if (next !== undefined) next();
      else resolutions.running -= 1;
    } finally {
      resolutions.txIds.delete(txId);
    }
  }

  private reportInDoubt(): void {
    const { count, oldest } = inDoubtSummary(this.state);
    if (oldest === undefined) return;
    this.options.logger.warn({ inDoubt: count, oldestInDoubtMs: Math.max(0, this.clock.now() - oldest.preparedAtMs), oldestTxId: oldest.txId }, 'branches in doubt');
  }

  private txLogger(txId: string) {
    return this.options.logger.child({ txId });
  }
}

/** A resource manager that implements the last resource's two calls. */
type LastResourceManager = ResourceManager & Required<Pick<ResourceManager, 'commitOnePhase' | 'resolveOutcome'>>;

function isLastResource(rm: ResourceManager): rm is LastResourceManager {
  return rm.commitOnePhase !== undefined && rm.resolveOutcome !== undefined;
}

function prepareDone(txId: string, vote: PrepareVote): ParticipantInput {
  if (vote.vote === 'yes') return { kind: 'prepareDone', txId, vote: 'yes', reason: '' };
  return { kind: 'prepareDone', txId, vote: 'no', reason: vote.reason, ...(vote.cause === undefined ? {} : { cause: vote.cause }) };
}

function voteOf(effect: Extract<ParticipantEffect, { kind: 'vote' }>): PrepareVote {
  if (effect.vote === 'yes') return { vote: 'yes' };
  return { vote: 'no', reason: effect.reason, ...(effect.cause === undefined ? {} : { cause: effect.cause }) };
}

function validTxId(txId: string): void {
  const problem = txIdProblem(txId);
  if (problem !== undefined) throw new InvalidInputError('tx id', problem);
}
