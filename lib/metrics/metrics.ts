import { Counter, Registry } from 'prom-client';

/**
 * The process's counters, in one prom-client registry. They count the work an upload
 * costs (calls served and sent, fsyncs, SQL round trips), so that a benchmark can print
 * it per upload from the processes themselves (Admin.GetStats reads them).
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
