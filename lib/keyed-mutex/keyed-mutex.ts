import { assert } from '../assert/assert.js';
import { systemClock, type Clock, type Timer } from '../clock/clock.js';
import { KeyQueueFullError } from './key-queue-full-error.js';
import { KeyWaitAbandonedError } from './key-wait-abandoned-error.js';

/** When a caller stops waiting for its turn. */
export interface WaitScope {
  /** Unix ms past which nobody waits for the answer (a gRPC deadline). */
  readonly deadlineMs?: number;
  /** Aborted when the caller went away (a cancelled call, a broken stream). */
  readonly signal?: AbortSignal;
}

interface Waiter {
  readonly start: () => void;
  readonly abandon: (err: KeyWaitAbandonedError) => void;
}

interface KeyQueue {
  /** Waiting for the running section of this key, oldest first. */
  readonly waiters: Waiter[];
}

/**
 * Runs async sections one at a time per key, in arrival order; different keys run
 * concurrently. Bounded: at most `waitersPerKeyMax` sections wait behind the running one
 * of a key (more fail fast with `KeyQueueFullError`), and a waiter whose caller gave up
 * (deadline passed, call cancelled) leaves the queue at once with `KeyWaitAbandonedError`,
 * so a hung section and the retries of its caller cannot pile up. A section that has
 * started is never interrupted: it may be half-way through a commit. Memory is bounded by
 * the keys with work running or queued: an idle key holds nothing.
 */
export class KeyedMutex {
  private readonly queues = new Map<string, KeyQueue>();

  constructor(
    readonly waitersPerKeyMax: number,
    private readonly clock: Clock = systemClock,
  ) {
    assert(Number.isInteger(waitersPerKeyMax) && waitersPerKeyMax >= 0, `waitersPerKeyMax is a whole number, got ${waitersPerKeyMax}`);
  }

  async run<T>(key: string, section: () => Promise<T>, scope: WaitScope = {}): Promise<T> {
    const queue = this.queues.get(key);
    if (queue === undefined) {
      // free: run at once, no waiting to abandon
      this.queues.set(key, { waiters: [] });
      return this.runHeld(key, section);
    }
    if (queue.waiters.length >= this.waitersPerKeyMax) throw new KeyQueueFullError(key, this.waitersPerKeyMax);
    await this.waitTurn(key, queue, scope);
    return this.runHeld(key, section);
  }

  /** Keys with a section running or queued. */
  get size(): number {
    return this.queues.size;
  }

  /** Sections waiting behind the running one of `key`. */
  waiting(key: string): number {
    return this.queues.get(key)?.waiters.length ?? 0;
  }

  private async runHeld<T>(key: string, section: () => Promise<T>): Promise<T> {
    try {
      return await section();
    } finally {
      this.release(key);
    }
  }

  /** Hands the key to the oldest waiter, or frees it. */
  private release(key: string): void {
    const queue = this.queues.get(key);
    assert(queue !== undefined, `release of ${key}, which is not held`);
    const next = queue.waiters.shift();
    if (next === undefined) this.queues.delete(key);
    else next.start();
  }

  private waitTurn(key: string, queue: KeyQueue, scope: WaitScope): Promise<void> {
    const { deadlineMs, signal } = scope;
    if (signal?.aborted === true) return Promise.reject(new KeyWaitAbandonedError(key, 'cancelled'));
    if (deadlineMs !== undefined && this.clock.now() >= deadlineMs) return Promise.reject(new KeyWaitAbandonedError(key, 'deadline'));
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const settle = (): void => {
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        start: () => {
          settle();
          resolve();
        },
        abandon: (err) => {
          const at = queue.waiters.indexOf(waiter);
          if (at < 0) return;
          queue.waiters.splice(at, 1);
          settle();
          reject(err);
        },
      };
      const onAbort = (): void => waiter.abandon(new KeyWaitAbandonedError(key, 'cancelled'));
      queue.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadlineMs !== undefined && Number.isFinite(deadlineMs)) {
        timer = this.clock.after(deadlineMs - this.clock.now(), () => waiter.abandon(new KeyWaitAbandonedError(key, 'deadline')));
      }
    });
  }
}
