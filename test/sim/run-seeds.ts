import type { SimOptions } from './sim-options.js';
import { simulate, type SimResult } from './simulate.js';
import { emptyStats, type SimStats } from './sim-world.js';

export interface SeedTotals extends SimStats {
  seeds: number;
  wallMs: number;
  quiesceMsMax: number;
  readonly failures: number[];
}

export interface RunSeedsOptions extends Omit<SimOptions, 'seed' | 'trace'> {
  readonly from: number;
  readonly count: number;
  /** Stop after this many failing seeds. */
  readonly maxFailures?: number | undefined;
  readonly onFailure?: ((result: SimResult) => void) | undefined;
  readonly onProgress?: ((done: number, totals: SeedTotals) => void) | undefined;
}

/** Runs seeds `from`, `from + 1`, … and sums their counters. */
export async function runSeeds(o: RunSeedsOptions): Promise<SeedTotals> {
  const { from, count, maxFailures, onFailure, onProgress, ...options } = o;
  const totals: SeedTotals = { ...emptyStats(), seeds: 0, wallMs: 0, quiesceMsMax: 0, failures: [] };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const seed = from + i;
    const r = await simulate({ ...options, seed });
    totals.seeds++;
    for (const key of Object.keys(r.stats) as (keyof SimStats)[]) totals[key] += r.stats[key];
    totals.quiesceMsMax = Math.max(totals.quiesceMsMax, r.stats.quiesceMs);
    if (r.violations.length > 0) {
      totals.failures.push(seed);
      onFailure?.(r);
      if (totals.failures.length >= (maxFailures ?? Infinity)) break;
    }
    if (onProgress !== undefined && (i + 1) % 500 === 0) {
      totals.wallMs = performance.now() - started;
      onProgress(i + 1, totals);
    }
  }
  totals.wallMs = performance.now() - started;
  return totals;
}
