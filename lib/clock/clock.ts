/**
 * Time as a runtime sees it: the wall clock and timers. A runtime takes its clock as a
 * constructor parameter and reads time nowhere else, so the simulator can run the very
 * runtime that ships on simulated time (STYLE.md rule 13); production passes
 * `systemClock`.
 */
export interface Clock {
  /** Wall clock, Unix ms. May jump (NTP) and may differ between processes. */
  now(): number;
  /** Runs `run` once, `delayMs` from now. A timer never keeps the process alive. */
  after(delayMs: number, run: () => void): Timer;
  /** Runs `run` every `intervalMs` until cancelled. Never keeps the process alive. */
  every(intervalMs: number, run: () => void): Timer;
}

export interface Timer {
  /** Stops the timer; a run already started finishes. Idempotent. */
  cancel(): void;
}

/** The process's own clock (`Date.now`) and Node's timers, unref'd. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(delayMs, run) {
    const handle = setTimeout(run, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  every(intervalMs, run) {
    const handle = setInterval(run, intervalMs);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};
