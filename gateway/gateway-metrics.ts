import { Counter, Histogram } from 'prom-client';
import { latencyBucketsSeconds, metricsRegistry } from '../lib/metrics/metrics.js';

/** HTTP requests the gateway answered, by route, method and status. */
export const httpRequests = new Counter({
  name: 'twophase_http_requests_total',
  help: 'HTTP requests answered by the gateway, by route, method and status code',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [metricsRegistry],
});

/** Time the gateway took to answer a request, by route and method. */
export const httpRequestDuration = new Histogram({
  name: 'twophase_http_request_duration_seconds',
  help: 'time the gateway took to answer an HTTP request, by route and method',
  labelNames: ['route', 'method'] as const,
  buckets: latencyBucketsSeconds,
  registers: [metricsRegistry],
});
