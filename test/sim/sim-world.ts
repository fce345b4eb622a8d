import { EventQueue } from './event-queue.js';
import { Prng } from '../../lib/prng/prng.js';

/** Counters of one run; summed over many runs by the CLI. */
export interface SimStats {
  txs: number;
  committed: number;
  aborted: number;
  crashes: number;
  machineCrashes: number;
  messages: number;
  dropped: number;
  duplicated: number;
  partitions: number;
  heuristicRollbacks: number;
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
    messages: 0,
    dropped: 0,
    duplicated: 0,
    partitions: 0,
    heuristicRollbacks: 0,
    events: 0,
    coordinatorSteps: 0,
    participantSteps: 0,
    quiesceMs: 0,
    simulatedMs: 0,
  };
}

/**
 * The simulated environment: one clock, one agenda, one PRNG. Callbacks scheduled with
 * `soon` run after the current event, before the next one, like promise continuations
 * run before the next timer or socket callback in Node.
 */
export class SimWorld {
  nowMs = 0;
  readonly rng: Prng;
  readonly stats: SimStats = emptyStats();
  /** False once the faults are healed: no more loss, duplication, partitions or crashes. */
  faultsOn = true;
  stopped = false;
  private readonly queue = new EventQueue();
  private micro: (() => void)[] = [];
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
    this.queue.push(atMs, run);
  }

  after(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + delayMs, run);
  }

  soon(run: () => void): void {
    this.micro.push(run);
  }

  /** Runs events until `untilMs`, the agenda empties, or `stop()`; `check` runs after each event. */
  run(untilMs: number): void {
    const queue = this.queue;
    while (!this.stopped) {
      if (queue.peekTime() > untilMs) {
        this.nowMs = untilMs;
        return;
      }
      const event = queue.pop();
      if (event === undefined) return;
      this.nowMs = event.atMs;
      this.stats.events++;
      event.run();
      if (this.micro.length > 0) this.drainMicro();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private drainMicro(): void {
    // continuations may schedule more continuations; all of them run before the next event
    for (let i = 0; i < this.micro.length; i++) this.micro[i]!();
    this.micro = [];
  }
}
