import type { SimWorld } from './sim-world.js';

/**
 * Whether a simulated process runs, as SIGSTOP and SIGCONT see it. While it is paused
 * nothing of it runs: its timers do not fire, it reads no message and no answer, it sends
 * nothing; all of that waits, in the order it came, and runs once it is continued, so it
 * carries on exactly where it stood (a commit it had decided is written then). The clock,
 * the network and the shared log's connections of the process ask it before they run
 * anything of the process.
 */
export class SimProcessGate {
  private stopped = false;
  /** Bumped by every pause and every kill: a continue meant for an earlier pause does nothing. */
  private token = 0;
  /** Bumped by every kill: what waited for a killed process never runs, even once it was put back on the agenda. */
  private lives = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly w: SimWorld) {}

  get paused(): boolean {
    return this.stopped;
  }

  /** Runs `run` now, or once the process is continued. */
  whenRunning(run: () => void): void {
    if (this.stopped) this.waiting.push(run);
    else run();
  }

  /** SIGSTOP. Returns the pause's token, for `resume`. */
  pause(): number {
    this.stopped = true;
    return ++this.token;
  }

  /** SIGCONT of the pause `token` (or of any, undefined): what waited runs, one event each, in order. */
  resume(token?: number): void {
    if (!this.stopped || (token !== undefined && token !== this.token)) return;
    this.stopped = false;
    const waiting = this.waiting;
    const life = this.lives;
    this.waiting = [];
    for (const run of waiting) this.w.soon(() => life === this.lives && this.whenRunning(run));
  }

  /** The process was killed (SIGKILL works on a stopped process): what waited for it is gone. */
  kill(): void {
    this.stopped = false;
    this.token++;
    this.lives++;
    this.waiting = [];
  }
}
