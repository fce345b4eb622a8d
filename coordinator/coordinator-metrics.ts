import { Counter, Gauge, Histogram } from 'prom-client';
import { latencyBucketsSeconds, metricsRegistry } from '../lib/metrics/metrics.js';
import { abortCauses } from '../lib/abort-cause/abort-cause.js';
import type { AbortCause } from '../lib/abort-cause/abort-cause.js';

/** Time from a Commit call's arrival at the coordinator to its answer (committed or aborted). */
export const commitDuration = new Histogram({
  name: 'twophase_coordinator_commit_duration_seconds',
  help: 'time from a Commit call to its answer at the coordinator, by outcome',
  labelNames: ['outcome'] as const,
  buckets: latencyBucketsSeconds,
  registers: [metricsRegistry],
});

/**
 * The phases of a commit at the coordinator: `prepare` is one Prepare call to one
 * participant (to its vote), `decide` the commit record's append to the decision log (to
 * durable), `phase2` one Commit or Abort call to one participant (to its ack); in
 * last-resource mode `last_resource` is the one-phase commit at the last resource.
 */
export const phaseDuration = new Histogram({
  name: 'twophase_coordinator_phase_duration_seconds',
  help: 'duration of each phase of a commit: prepare and phase2 per participant call, decide per commit record made durable, last_resource per one-phase commit',
  labelNames: ['phase'] as const,
  buckets: latencyBucketsSeconds,
  registers: [metricsRegistry],
});

/** What the gauges and counters below read: CoordinatorRuntime.stats. */
export interface CoordinatorStatsSource {
  stats(): { readonly live: number; readonly begun: number; readonly commits: number; readonly abortsByCause: Readonly<Record<AbortCause, number>> };
}

/** The runtimes of this process (one in production; tests may run several), read when scraped. */
const runtimes = new Set<CoordinatorStatsSource>();
const sum = (read: (stats: ReturnType<CoordinatorStatsSource['stats']>) => number): number => [...runtimes].reduce((n, r) => n + read(r.stats()), 0);

new Counter({
  name: 'twophase_coordinator_txs_begun_total',
  help: 'transactions begun since the coordinator started',
  registers: [metricsRegistry],
  collect() {
    this.reset();
    this.inc(sum((s) => s.begun));
  },
});
new Counter({
  name: 'twophase_coordinator_txs_committed_total',
  help: 'transactions decided committed since the coordinator started (recovered ones not counted)',
  registers: [metricsRegistry],
  collect() {
    this.reset();
    this.inc(sum((s) => s.commits));
  },
});
new Counter({
  name: 'twophase_coordinator_txs_aborted_total',
  help: 'transactions decided aborted since the coordinator started, by cause (conflict, outage, deadline, client)',
  labelNames: ['cause'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const cause of abortCauses) this.labels(cause).inc(sum((s) => s.abortsByCause[cause]));
  },
});
new Gauge({
  name: 'twophase_coordinator_txs_in_flight',
  help: 'transactions begun and not yet finished (active, preparing, deciding, in phase 2)',
  registers: [metricsRegistry],
  collect() {
    this.set(sum((s) => s.live));
  },
});

/**
 * Counts of `runtime`, read from its state when scraped (nothing on the hot path): txs
 * begun, committed, aborted by cause, unfinished now. Since its start: a restart begins
 * again at 0, as a Prometheus counter may (rate() takes resets in its stride). Returns the
 * call that stops counting it.
 */
export function registerCoordinatorMetrics(runtime: CoordinatorStatsSource): () => void {
  runtimes.add(runtime);
  return () => runtimes.delete(runtime);
}
