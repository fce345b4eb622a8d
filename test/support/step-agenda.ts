import { Prng } from '../../lib/prng/prng.js';
import { EventQueue } from '../sim/event-queue.js';
import type { SimDiskWorld } from '../sim/sim-disk.js';

/** Lets every promise continuation (and nextTick) queued so far run, nested ones included. */
function continuations(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A simulated clock and agenda that drives real asynchronous code (a FileDecisionLog, a
 * LocalBlobStore) over a SimDisk in a test: one event at a time, and between two events
 * every promise continuation runs, as the event loop runs them between I/O completions.
 * A run is a function of its seed, as long as the code under test touches no real timer
 * or I/O.
 */
export class StepAgenda implements SimDiskWorld {
  nowMs = 0;
  /** Events run so far. */
  events = 0;
  readonly rng: Prng;
  private readonly queue = new EventQueue();

  constructor(seed: number) {
    this.rng = new Prng(seed);
  }

  after(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + delayMs, run);
  }

  /**
   * Runs events until `promise` settles, and returns what it does. Fails when nothing is
   * left to run first: the promise can never settle (say, an operation of a killed view).
   */
  async until<T>(promise: Promise<T>, eventsMax = 1_000_000): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await this.runWhile(() => !settled, eventsMax);
    return promise;
  }

  /** Runs events while `condition()` holds; fails when none is left first. */
  async runWhile(condition: () => boolean, eventsMax = 1_000_000): Promise<void> {
    await continuations();
    for (let n = 0; condition(); n++) {
      if (n === eventsMax) throw new Error(`still running after ${eventsMax} events`);
      if (!this.step()) throw new Error('nothing left to run, and the awaited condition still holds');
      await continuations();
    }
  }

  /** Runs every event, and those they schedule, until none is left. */
  async drain(eventsMax = 1_000_000): Promise<void> {
    await continuations();
    for (let n = 0; this.queue.size > 0; n++) {
      if (n === eventsMax) throw new Error(`still running after ${eventsMax} events`);
      this.step();
      await continuations();
    }
  }

  private step(): boolean {
    const event = this.queue.pop();
    if (event === undefined) return false;
    this.nowMs = event.atMs;
    this.events++;
    event.run();
    return true;
  }
}
