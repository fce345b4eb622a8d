import type { Clock, Timer } from '../../lib/clock/clock.js';
import type { SimProcessGate } from './sim-process-gate.js';
import type { SimWorld } from './sim-world.js';

/**
 * The clock one incarnation of a simulated process runs on: simulated time, off by the
 * node's skew, with timers on the simulator's agenda. A crash kills it: no timer of the
 * dead incarnation fires again. A timer that comes due while the process is paused fires
 * once it is continued.
 */
export class SimClock implements Clock {
  private dead = false;

  constructor(
    private readonly w: SimWorld,
    private readonly skewMs: number,
    private readonly gate?: SimProcessGate,
  ) {}

  now(): number {
    return Math.floor(this.w.nowMs + this.skewMs);
  }

  after(delayMs: number, run: () => void): Timer {
    const timer = { cancelled: false, cancel: () => void (timer.cancelled = true) };
    this.w.after(delayMs, () => this.whenRunning(() => this.fire(timer, run)));
    return timer;
  }

  every(intervalMs: number, run: () => void): Timer {
    const timer = { cancelled: false, cancel: () => void (timer.cancelled = true) };
    // a process starts at any phase of its tick
    const tick = (): void =>
      this.whenRunning(() => {
        if (this.fire(timer, run)) this.w.after(intervalMs, tick);
      });
    this.w.after(this.w.rng.range(0, intervalMs), tick);
    return timer;
  }

  kill(): void {
    this.dead = true;
  }

  private whenRunning(run: () => void): void {
    if (this.gate === undefined) run();
    else this.gate.whenRunning(run);
  }

  private fire(timer: { cancelled: boolean }, run: () => void): boolean {
    if (this.dead || timer.cancelled) return false;
    run();
    return true;
  }
}
