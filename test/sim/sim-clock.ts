import type { Clock, Timer } from '../../lib/clock/clock.js';
import type { SimWorld } from './sim-world.js';

/**
 * The clock one incarnation of a simulated process runs on: simulated time, off by the
 * node's skew, with timers on the simulator's agenda. A crash kills it: no timer of the
 * dead incarnation fires again.
 */
export class SimClock implements Clock {
  private dead = false;

  constructor(
    private readonly w: SimWorld,
    private readonly skewMs: number,
  ) {}

  now(): number {
    return Math.floor(this.w.nowMs + this.skewMs);
  }

  after(delayMs: number, run: () => void): Timer {
    const timer = { cancelled: false, cancel: () => void (timer.cancelled = true) };
    this.w.after(delayMs, () => this.fire(timer, run));
    return timer;
  }

  every(intervalMs: number, run: () => void): Timer {
    const timer = { cancelled: false, cancel: () => void (timer.cancelled = true) };
    // a process starts at any phase of its tick
    const tick = (): void => {
      if (this.fire(timer, run)) this.w.after(intervalMs, tick);
    };
    this.w.after(this.w.rng.range(0, intervalMs), tick);
    return timer;
  }


  kill(): void {
    this.dead = true;
  }

  private fire(timer: { cancelled: boolean }, run: () => void): boolean {
    if (this.dead || timer.cancelled) return false;
    run();
    return true;
  }
}
