import { Gauge } from 'prom-client';
import { metricsRegistry } from '../lib/metrics/metrics.js';
import type { ParticipantRuntime } from './participant-runtime.js';

/** The participant runtimes of this process (one in production), read when scraped. */
const runtimes = new Set<ParticipantRuntime>();

new Gauge({
  name: 'twophase_participant_branches',
  help: 'branches the participant holds now (working, prepared, in doubt)',
  registers: [metricsRegistry],
  collect() {
    this.set([...runtimes].reduce((n, r) => n + r.branchCount(), 0));
  },
});
new Gauge({
  name: 'twophase_participant_in_doubt_branches',
  help: 'branches that voted yes and do not know the decision',
  registers: [metricsRegistry],
  collect() {
    this.set([...runtimes].reduce((n, r) => n + r.inDoubtCount(), 0));
  },
});
new Gauge({
  name: 'twophase_participant_oldest_in_doubt_age_seconds',
  help: 'how long the oldest in-doubt branch has waited for its decision (0 when none)',
  registers: [metricsRegistry],
  collect() {
    this.set(Math.max(0, ...[...runtimes].map((r) => r.oldestInDoubtMs())) / 1000);
  },
});

/** Counts `runtime`'s branches in the participant gauges while it runs; returns the call that stops it. */
export function registerParticipantMetrics(runtime: ParticipantRuntime): () => void {
  runtimes.add(runtime);
  return () => runtimes.delete(runtime);
}
