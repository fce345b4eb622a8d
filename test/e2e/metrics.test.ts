import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { Scrape } from '../support/prometheus-text.js';
import { dashboardMetrics } from '../support/dashboard-metrics.js';

let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

const uploads = 12;
const size = 3000;

async function scrapeAll(): Promise<Record<'coordinator' | 'blob' | 'metadata' | 'gateway', Scrape>> {
  const [coordinator, blob, metadata, gateway] = await Promise.all([sys.metricsUrls.coordinator, sys.metricsUrls.blob, sys.metricsUrls.metadata, sys.metricsUrls.gateway].map((url) => Scrape.of(url)));
  return { coordinator: coordinator!, blob: blob!, metadata: metadata!, gateway: gateway! };
}

/** How much a counter or histogram count moved between two scrapes (absent before counts as 0). */
function moved(before: Scrape, after: Scrape, read: (s: Scrape) => number | undefined): number {
  const a = read(after);
  expect(a, 'present after the uploads').toBeDefined();
  return (a ?? 0) - (read(before) ?? 0);
}

describe('Prometheus metrics of every process (dev --metrics-ports)', () => {
  it('move as the uploads did: txs, phases, the decision log, calls served, bytes, HTTP requests', async () => {
    const before = await scrapeAll();
    for (let i = 0; i < uploads; i++) {
      const body = randomBytes(size);
      const res = await fetch(`${sys.http}/v1/files/metrics/f${i}.bin`, { method: 'PUT', body, headers: { 'x-content-sha256': createHash('sha256').update(body).digest('hex') } });
      expect(res.status).toBe(201);
    }
    // one that fails its precondition: an abort the coordinator counts by cause
    const conflict = await fetch(`${sys.http}/v1/files/metrics/f0.bin`, { method: 'PUT', body: 'x', headers: { 'if-match': '"7"' } });
    expect(conflict.status).toBe(412);
    // a tx answered is finished once its END record is written: the gauge comes down to 0
    const settleBy = Date.now() + 10_000;
    while ((await Scrape.of(sys.metricsUrls.coordinator)).value('twophase_coordinator_txs_in_flight') !== 0 && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));
    const after = await scrapeAll();
    const { coordinator: c0, blob: b0, metadata: m0, gateway: g0 } = before;
    const { coordinator: c1, blob: b1, metadata: m1, gateway: g1 } = after;

    expect(c1.type('twophase_coordinator_txs_begun_total')).toBe('counter');
    expect(moved(c0, c1, (s) => s.value('twophase_coordinator_txs_begun_total'))).toBe(uploads + 1);
    expect(moved(c0, c1, (s) => s.value('twophase_coordinator_txs_committed_total'))).toBe(uploads);
    expect(moved(c0, c1, (s) => s.value('twophase_coordinator_txs_aborted_total'))).toBe(1);
    expect(c1.labelSets('twophase_coordinator_txs_aborted_total').map((l) => l.cause).sort()).toEqual(['client', 'conflict', 'deadline', 'outage']);
    expect(c1.value('twophase_coordinator_txs_in_flight')).toBe(0);
    expect(c1.type('twophase_coordinator_commit_duration_seconds')).toBe('histogram');
    expect(moved(c0, c1, (s) => s.histogramCount('twophase_coordinator_commit_duration_seconds', { outcome: 'committed' }))).toBe(uploads);
    expect(moved(c0, c1, (s) => s.histogramCount('twophase_coordinator_phase_duration_seconds', { phase: 'prepare' }))).toBe(2 * uploads);
    expect(moved(c0, c1, (s) => s.histogramCount('twophase_coordinator_phase_duration_seconds', { phase: 'decide' }))).toBe(uploads);
    expect(moved(c0, c1, (s) => s.histogramCount('twophase_coordinator_phase_duration_seconds', { phase: 'phase2' }))).toBeGreaterThanOrEqual(2 * uploads);
    const fsyncs = moved(c0, c1, (s) => s.histogramCount('twophase_decision_log_fsync_duration_seconds'));
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    expect(fsyncs).toBeLessThanOrEqual(uploads);
    expect(moved(c0, c1, (s) => s.histogramCount('twophase_decision_log_records_per_fsync'))).toBe(fsyncs);
    expect(moved(c0, c1, (s) => s.value('twophase_served_calls_total', { call: 'begin', result: 'ok' }))).toBe(uploads + 1);

    expect(moved(b0, b1, (s) => s.value('twophase_served_calls_total', { call: 'prepare', result: 'ok' }))).toBe(uploads);
    expect(moved(b0, b1, (s) => s.value('twophase_served_calls_total', { call: 'commit', result: 'ok' }))).toBe(uploads);
    expect(moved(b0, b1, (s) => s.histogramCount('twophase_served_call_duration_seconds', { call: 'prepare' }))).toBe(uploads);
    // the refused upload's one byte was staged too (and never published)
    expect(moved(b0, b1, (s) => s.value('twophase_blob_staged_bytes_total'))).toBe(uploads * size + 1);
    expect(moved(b0, b1, (s) => s.value('twophase_blob_published_bytes_total'))).toBe(uploads * size);
    expect(b1.value('twophase_participant_in_doubt_branches')).toBe(0);
    expect(b1.value('twophase_participant_oldest_in_doubt_age_seconds')).toBe(0);

    expect(moved(m0, m1, (s) => s.value('twophase_served_calls_total', { call: 'stage_revision', result: 'ok' }))).toBe(uploads);
    expect(moved(m0, m1, (s) => s.value('twophase_served_calls_total', { call: 'stage_revision', result: 'FAILED_PRECONDITION' }))).toBe(1);
    expect(moved(m0, m1, (s) => s.value('twophase_served_calls_total', { call: 'commit', result: 'ok' }))).toBe(uploads);
    expect(m1.labelSets('twophase_postgres_pool_connections').map((l) => `${l.pool}/${l.state}`).sort()).toEqual(
      ['branch/busy', 'branch/idle', 'branch/waiting', 'shared/busy', 'shared/idle', 'shared/waiting'],
    );
    expect(m1.value('twophase_postgres_pool_connections', { state: 'waiting' })).toBe(0);

    const puts = (s: Scrape, status: string) => s.labelSets('twophase_http_requests_total').filter((l) => l.method === 'PUT' && l.status === status);
    expect(puts(g1, '201').map((l) => l.route)).toEqual(['/v1/files/:namespace/*']);
    expect(moved(g0, g1, (s) => s.value('twophase_http_requests_total', { method: 'PUT', status: '201' }))).toBe(uploads);
    expect(moved(g0, g1, (s) => s.value('twophase_http_requests_total', { method: 'PUT', status: '412' }))).toBe(1);
    expect(moved(g0, g1, (s) => s.histogramCount('twophase_http_request_duration_seconds', { method: 'PUT' }))).toBe(uploads + 1);

    // every metric the Grafana dashboard charts is served by some process
    const served = (name: string) => Object.values(after).some((scrape) => scrape.type(name) !== undefined);
    expect(dashboardMetrics().filter((name) => !served(name))).toEqual([]);

    for (const scrape of Object.values(after)) {
      expect(scrape.type('process_cpu_seconds_total')).toBe('counter');
      expect(scrape.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    }
  }, 120_000);

  it('serves nothing but GET /metrics', async () => {
    const res = await fetch(sys.metricsUrls.coordinator.replace('/metrics', '/other'));
    expect(res.status).toBe(404);
  });
});
