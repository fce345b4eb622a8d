import { performance } from 'node:perf_hooks';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The process's metrics, in one prom-client registry: served in the Prometheus text format
 * at `--metrics-listen` (MetricsServer), and read by Admin.GetStats. Those defined here are
 * incremented where the work happens; each process adds gauges and counters read from its
 * own state when scraped (see registerCoordinatorMetrics and its peers), and the Node.js
 * process metrics (collectProcessMetrics). Names follow Prometheus conventions: a
 * `twophase_` prefix, the unit in the name (`_seconds`, `_bytes`), `_total` for counters.
 */
export const metricsRegistry = new Registry();

/** gRPC calls served, by full method name (`/twophase.v1.Coordinator/Begin`); a stream counts once. */
export const rpcServed = new Counter({
  name: 'twophase_rpc_served_total',
  help: 'gRPC calls served, by method (a streaming call counts once)',
  labelNames: ['method'] as const,
  registers: [metricsRegistry],
});

/** Calls answered over Link streams, by the call's kind (`prepare`, `enlist`, …). */
export const linkCallsServed = new Counter({
  name: 'twophase_link_calls_served_total',
  help: 'calls answered over Link streams, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** Calls sent to a peer (over its Link stream, or unary when it has none), by kind. */
export const linkCallsSent = new Counter({
  name: 'twophase_link_calls_sent_total',
  help: 'calls sent to a peer over its Link stream (or unary when it has none), by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** fsync and fdatasync calls, by what they made durable (`log`, `blob-data`, `blob-dir`, …). */
export const fsyncs = new Counter({
  name: 'twophase_fsyncs_total',
  help: 'fsync and fdatasync calls, by what they made durable',
  labelNames: ['target'] as const,
  registers: [metricsRegistry],
});

/** Round trips to PostgreSQL (one simple-query string of several statements counts once). */
export const sqlRoundTrips = new Counter({
  name: 'twophase_sql_round_trips_total',
  help: 'round trips to PostgreSQL (a simple-query string of several statements counts once)',
  registers: [metricsRegistry],
});

/** Latency buckets, in seconds, from 0.5 ms (an fsync on a fast disk) to 10 s (a call's deadline). */
export const latencyBucketsSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Calls a process served, by call (`put`, `stage_revision`, `prepare`, `commit`, `begin`, …;
 * the same name whether it came unary or over a Link stream) and result (`ok` or the gRPC
 * status name): a participant's operations, the coordinator's Begin/Enlist/Commit.
 */
export const servedCalls = new Counter({
  name: 'twophase_served_calls_total',
  help: 'calls served, by call and result (ok or the gRPC status name)',
  labelNames: ['call', 'result'] as const,
  registers: [metricsRegistry],
});

/** How long a served call took, from its arrival to its answer, by call. */
export const servedCallDuration = new Histogram({
  name: 'twophase_served_call_duration_seconds',
  help: 'time from a call\'s arrival to its answer, by call',
  labelNames: ['call'] as const,
  buckets: latencyBucketsSeconds,
  registers: [metricsRegistry],
});

const grpcStatusNames = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
const callNames = new Map<string, string>();

/** `StageRevision` or `stageRevision` → `stage_revision`: one name per call, however it came. */
export function callName(method: string): string {
  let name = callNames.get(method);
  if (name === undefined) {
    name = method.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    callNames.set(method, name);
  }
  return name;
}

/** Counts a served call and its duration; `code` is its gRPC status code (0 or undefined: ok). */
export function observeServedCall(call: string, startedMs: number, code: number | undefined): void {
  const result = code === undefined || code === 0 ? 'ok' : (grpcStatusNames[code] ?? String(code));
  servedCalls.labels(call, result).inc();
  servedCallDuration.labels(call).observe((performance.now() - startedMs) / 1000);
}

/**
 * Every counter as `name` or `name{label="value"}` → value, for Admin.GetStats. Counters
 * never incremented with a label are absent.
 */
export async function countersSnapshot(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const labels = Object.entries(value.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
        .join(',');
      out[labels === '' ? metric.name : `${metric.name}{${labels}}`] = value.value;
    }
  }
  return out;
}
