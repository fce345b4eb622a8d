/** Summary of one run's latencies, in milliseconds. */
export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/**
 * Percentiles by nearest rank over every sample (no histogram buckets: a run keeps at
 * most `opsMax` samples, so sorting them all is cheap and exact).
 */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  if (samplesMs.length === 0) return { count: 0, p50: NaN, p99: NaN, mean: NaN, max: NaN };
  const sorted = Float64Array.from(samplesMs).sort();
  const rank = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), mean: sum / sorted.length, max: sorted[sorted.length - 1] as number };
}
