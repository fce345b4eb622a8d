import { EventQueue } from './event-queue.js';
import { Prng } from '../../lib/prng/prng.js';

/** Counters of one run; summed over many runs by the CLI. */
export interface SimStats {
  txs: number;
  committed: number;
  aborted: number;
  crashes: number;
  /** Power losses of the coordinator's machine. */
  machineCrashes: number;
  /** Power losses of the blob participant's machine. */
  blobMachineCrashes: number;
  messages: number;
  dropped: number;
  duplicated: number;
  partitions: number;
  heuristicRollbacks: number;
  /** Shared log: coordinators paused (SIGSTOP) and continued. */
  pauses: number;
  /** Shared log: coordinators crashed for good. */
  lostCoordinators: number;
  /** Shared log: statements sent to the database, those that failed (refused, cut, cancelled, answer lost, timed out), those that committed and lost their answer. */
  dbStatements: number;
  dbFailures: number;
  dbAmbiguous: number;
  /** Shared log: outages of the database machine. */
  dbOutages: number;
  /** Shared log: txs settled in the log by a coordinator that did not hold them, and commits refused because an abort held the key. */
  settles: number;
  commitsLost: number;
  events: number;
  coordinatorSteps: number;
  participantSteps: number;
  /** Simulated ms from healing the faults until every tx was finished everywhere. */
  quiesceMs: number;
  simulatedMs: number;
}

export function emptyStats(): SimStats {
  return {
    txs: 0,
    committed: 0,
    aborted: 0,
    crashes: 0,
    machineCrashes: 0,
    blobMachineCrashes: 0,
    messages: 0,
    dropped: 0,
    duplicated: 0,
    partitions: 0,
    heuristicRollbacks: 0,
    pauses: 0,
    lostCoordinators: 0,
    dbStatements: 0,
    dbFailures: 0,
    dbAmbiguous: 0,
    dbOutages: 0,
    settles: 0,
    commitsLost: 0,
    events: 0,
    coordinatorSteps: 0,
    participantSteps: 0,
    quiesceMs: 0,
    simulatedMs: 0,
  };
}

/**
 * Resolves once every promise continuation now pending has run. Node runs a nextTick only
 * after the microtask queue is empty, so the whole chain an event set going (however deep
 * its awaits) runs first. The runtimes under simulation schedule no nextTicks of their own
 * (nothing in the simulation does I/O), so nothing else can slip in between; and unlike
 * setImmediate this never goes back to the event loop, which would cost a poll per event.
 */
const settle = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

/**
 * The simulated environment: one clock, one agenda, one PRNG. Each event runs alone: the
 * promise continuations it starts (the production runtimes are async code) all run before
 * the next event, as they run before the next timer or socket callback in Node. Nothing
 * else runs in between, so a seed replays exactly.
 */
export class SimWorld {
  nowMs = 0;
  readonly rng: Prng;
  readonly stats: SimStats = emptyStats();
  /** False once the faults are healed: no more loss, duplication, partitions or crashes. */
  faultsOn = true;
  stopped = false;
  private readonly queue = new EventQueue();
  private readonly traceLine: ((line: string) => void) | undefined;

  constructor(seed: number, trace: ((line: string) => void) | undefined) {
    this.rng = new Prng(seed);
    this.traceLine = trace;
  }

  get tracing(): boolean {
    return this.traceLine !== undefined;
  }

  /** Prints one trace line stamped with the simulated time (only when tracing). */
  trace(line: string): void {
    this.traceLine?.(`${this.nowMs.toFixed(2).padStart(9)} ${line}`);
  }

  at(atMs: number, run: () => void): void {
    this.queue.push(Math.max(atMs, this.nowMs), run);
  }

  after(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + Math.max(0, delayMs), run);
  }

  /** Runs `run` at this instant, after the current event and everything it set going. */
  soon(run: () => void): void {
    this.queue.push(this.nowMs, run);
  }

  /** Runs events until `untilMs`, the agenda empties, or `stop()`. */
  async run(untilMs: number): Promise<void> {
    if ((await this.drive(() => this.stopped, untilMs)) === 'untilReached') this.nowMs = untilMs;
  }

  /** Runs events until `work` settles (or `untilMs`); resolves with whether it settled. */
  async runUntil(work: Promise<unknown>, untilMs: number): Promise<boolean> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    return (await this.drive(() => settled, untilMs)) === 'done';
  }

  /** Runs one event at a time, each with everything it set going, until `done()`, `untilMs` or an empty agenda. */
  private async drive(done: () => boolean, untilMs: number): Promise<'done' | 'untilReached' | 'empty'> {
    const queue = this.queue;
    await settle();
    while (!done()) {
      if (queue.peekTime() > untilMs) return 'untilReached';
      const event = queue.pop();
      if (event === undefined) return 'empty';
      this.nowMs = event.atMs;
      this.stats.events++;
      event.run();
      await settle();
    }
    return 'done';
  }

  stop(): void {
    this.stopped = true;
  }
}
