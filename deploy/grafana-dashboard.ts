/**
 * The Grafana dashboard of twophase, typed as Grafana's own JSON model (@grafana/schema's
 * Dashboard): `npm run typecheck` refuses a field of the wrong type or shape. The JSON that
 * Grafana loads, deploy/grafana-dashboard.json, is written from this by
 * `npm run gen:dashboard`; a test checks that the two are the same.
 */
import type { Dashboard, DataSourceRef, GridPos, Panel } from '@grafana/schema';

const datasource: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** A time-series panel of PromQL queries, each [expression, legend]. */
function panel(title: string, queries: readonly (readonly [string, string])[], unit: string, gridPos: GridPos, description = ''): Panel {
  return {
    id: 0,
    type: 'timeseries',
    title,
    description,
    datasource,
    gridPos,
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: queries.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource, expr, legendFormat })),
  };
}

const panels: Panel[] = [
  panel("Transactions per second", [["sum(rate(twophase_coordinator_txs_committed_total[$__rate_interval]))", "committed"], ["sum by (cause) (rate(twophase_coordinator_txs_aborted_total[$__rate_interval]))", "aborted: {{cause}}"], ["sum(rate(twophase_coordinator_txs_begun_total[$__rate_interval]))", "begun"]], "ops", { x: 0, y: 0, w: 12, h: 8 }, "Decisions of the coordinator; aborts by cause (conflict, outage, deadline, client)."),
  panel("Commit latency (Commit call to answer)", [["histogram_quantile(0.5, sum by (le) (rate(twophase_coordinator_commit_duration_seconds_bucket[$__rate_interval])))", "p50"], ["histogram_quantile(0.99, sum by (le) (rate(twophase_coordinator_commit_duration_seconds_bucket[$__rate_interval])))", "p99"]], "s", { x: 12, y: 0, w: 12, h: 8 }),
  panel("Phase latency, p99", [["histogram_quantile(0.99, sum by (le, phase) (rate(twophase_coordinator_phase_duration_seconds_bucket[$__rate_interval])))", "{{phase}}"]], "s", { x: 0, y: 8, w: 12, h: 8 }, "prepare and phase2: one call to one participant; decide: the commit record made durable; last_resource: the one-phase commit."),
  panel("Decision log: fdatasync latency and records per fdatasync", [["histogram_quantile(0.99, sum by (le) (rate(twophase_decision_log_fsync_duration_seconds_bucket[$__rate_interval])))", "fdatasync p99 (s)"], ["sum(rate(twophase_decision_log_records_per_fsync_sum[$__rate_interval])) / sum(rate(twophase_decision_log_records_per_fsync_count[$__rate_interval]))", "records per fdatasync"]], "short", { x: 12, y: 8, w: 12, h: 8 }),
  panel("Transactions in flight", [["sum(twophase_coordinator_txs_in_flight)", "in flight"]], "short", { x: 0, y: 16, w: 8, h: 8 }),
  panel("In-doubt branches", [["sum by (job) (twophase_participant_in_doubt_branches)", "{{job}}"]], "short", { x: 8, y: 16, w: 8, h: 8 }, "Branches that voted yes and do not know the decision; they ask the coordinator until it answers."),
  panel("Oldest in-doubt branch", [["max by (job) (twophase_participant_oldest_in_doubt_age_seconds)", "{{job}}"]], "s", { x: 16, y: 16, w: 8, h: 8 }),
  panel("Calls served per second", [["sum by (job, call) (rate(twophase_served_calls_total{result=\"ok\"}[$__rate_interval]))", "{{job}} {{call}}"], ["sum by (job, call, result) (rate(twophase_served_calls_total{result!=\"ok\"}[$__rate_interval]))", "{{job}} {{call}} {{result}}"]], "reqps", { x: 0, y: 24, w: 12, h: 8 }),
  panel("Call latency, p99", [["histogram_quantile(0.99, sum by (le, job, call) (rate(twophase_served_call_duration_seconds_bucket[$__rate_interval])))", "{{job}} {{call}}"]], "s", { x: 12, y: 24, w: 12, h: 8 }),
  panel("Blob bytes per second", [["sum(rate(twophase_blob_staged_bytes_total[$__rate_interval]))", "staged"], ["sum(rate(twophase_blob_published_bytes_total[$__rate_interval]))", "published"]], "Bps", { x: 0, y: 32, w: 8, h: 8 }),
  panel("PostgreSQL connections of the metadata participant", [["sum by (pool, state) (twophase_postgres_pool_connections)", "{{pool}} {{state}}"]], "short", { x: 8, y: 32, w: 8, h: 8 }),
  panel("Decision log and blob fsyncs per second", [["sum by (job, target) (rate(twophase_fsyncs_total[$__rate_interval]))", "{{job}} {{target}}"]], "ops", { x: 16, y: 32, w: 8, h: 8 }),
  panel("Gateway requests per second", [["sum by (route, method, status) (rate(twophase_http_requests_total[$__rate_interval]))", "{{method}} {{route}} {{status}}"]], "reqps", { x: 0, y: 40, w: 12, h: 8 }),
  panel("Gateway latency, p99", [["histogram_quantile(0.99, sum by (le, route, method) (rate(twophase_http_request_duration_seconds_bucket[$__rate_interval])))", "{{method}} {{route}}"]], "s", { x: 12, y: 40, w: 12, h: 8 }),
  panel("CPU per process", [["sum by (job) (rate(process_cpu_seconds_total{job=~\"twophase-.*\"}[$__rate_interval]))", "{{job}}"]], "percentunit", { x: 0, y: 48, w: 12, h: 8 }),
  panel("Resident memory per process", [["sum by (job) (process_resident_memory_bytes{job=~\"twophase-.*\"})", "{{job}}"]], "bytes", { x: 12, y: 48, w: 12, h: 8 }),
].map((p, i) => ({ ...p, id: i + 1 }));

export const dashboard: Dashboard = {
  title: 'twophase',
  uid: 'twophase',
  tags: ['twophase'],
  timezone: 'browser',
  editable: true,
  graphTooltip: 1,
  schemaVersion: 41,
  version: 1,
  refresh: '30s',
  time: { from: 'now-1h', to: 'now' },
  templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: { text: 'Prometheus', value: 'prometheus' }, hide: 0, refresh: 1, options: [] }] },
  annotations: { list: [] },
  panels,
};
