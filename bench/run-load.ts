import { performance } from 'node:perf_hooks';
import { latencyStats, type LatencyStats } from './latency-stats.js';

export interface LoadOptions {
  /** Uploads kept in flight at once (closed loop: each worker starts its next one when its last ends). */
  readonly concurrency: number;
  /** Time before the measured window: connections, pools and caches warm up, nothing is counted. */
  readonly warmupMs: number;
  /** Length of the measured window. */
  readonly durationMs: number;
  /** Operations started in one run, warm-up included: a bound on time and disk if an op is fast. */
  readonly opsMax: number;
  /** Failed operations tolerated before the run stops with an error. */
  readonly errorsMax: number;
  /** How long in-flight operations may take to finish after the window closes. */
  readonly drainMsMax: number;
  /** One operation (its result is not used); `worker` and `seq` make a name unique within the run. */
  readonly op: (worker: number, seq: number) => Promise<unknown>;
  /** Called when the measured window opens and closes (e.g. to sample CPU counters). */
  readonly onWindowOpen?: () => void;
  readonly onWindowClose?: () => void;
}

export interface LoadResult {
  readonly concurrency: number;
  /** Operations that completed inside the measured window. */
  readonly ops: number;
  /** Operations that failed (warm-up included), and the first few messages. */
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** The measured window actually used (shorter than asked only when `opsMax` ran out). */
  readonly windowS: number;
  readonly opsMaxReached: boolean;
  readonly txPerS: number;
  readonly latencyMs: LatencyStats;
}

const errorSamplesMax = 5;

/**
 * Runs `op` from `concurrency` workers for a warm-up and then a fixed window. An op counts
 * when it completes inside the window (so throughput is not biased by the ops in flight at
 * either edge); its latency is its own start-to-end time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const startMs = performance.now();
  const windowFromMs = startMs + options.warmupMs;
  const windowToMs = windowFromMs + options.durationMs;
  const latenciesMs: number[] = [];
  const errorSamples: string[] = [];
  let started = 0;
  let errors = 0;
  let lastCompletionMs = startMs;
  let failure: Error | undefined;

  // each hook runs exactly once, even when the ops budget ends the run before its timer
  let windowOpened = false;
  let windowClosed = false;
  const openWindow = (): void => {
    if (windowOpened) return;
    windowOpened = true;
    options.onWindowOpen?.();
  };
  const closeWindow = (): void => {
    if (windowClosed) return;
    openWindow();
    windowClosed = true;
    options.onWindowClose?.();
  };
  const timers = [setTimeout(openWindow, options.warmupMs), setTimeout(closeWindow, options.warmupMs + options.durationMs)];

  const worker = async (w: number): Promise<void> => {
    for (let seq = 0; failure === undefined; seq++) {
      const t0 = performance.now();
      if (t0 >= windowToMs || started >= options.opsMax) return;
      started++;
      try {
        await options.op(w, seq);
      } catch (err) {
        errors++;
        if (errorSamples.length < errorSamplesMax) errorSamples.push(err instanceof Error ? err.message : String(err));
        if (errors > options.errorsMax) failure ??= new Error(`more than ${options.errorsMax} operations failed; first: ${errorSamples[0]}`);
        continue;
      }
      const t1 = performance.now();
      lastCompletionMs = Math.max(lastCompletionMs, t1);
      if (t1 >= windowFromMs && t1 < windowToMs) latenciesMs.push(t1 - t0);
    }
  };

  const workers = Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const drainDeadline = new Promise<'timeout'>((resolve) => {
    timers.push(setTimeout(() => resolve('timeout'), options.warmupMs + options.durationMs + options.drainMsMax));
  });
  try {
    if ((await Promise.race([workers, drainDeadline])) === 'timeout') {
      throw new Error(`operations were still in flight ${options.drainMsMax} ms after the window closed`);
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
    closeWindow();
  }
  if (failure !== undefined) throw failure;

  const opsMaxReached = started >= options.opsMax && lastCompletionMs < windowToMs;
  const windowMs = opsMaxReached ? Math.max(0, lastCompletionMs - windowFromMs) : options.durationMs;
  return {
    concurrency: options.concurrency,
    ops: latenciesMs.length,
    errors,
    errorSamples,
    windowS: windowMs / 1000,
    opsMaxReached,
    txPerS: windowMs > 0 ? latenciesMs.length / (windowMs / 1000) : 0,
    latencyMs: latencyStats(latenciesMs),
  };
}
