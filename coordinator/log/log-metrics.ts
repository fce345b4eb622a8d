import { Histogram } from 'prom-client';
import { latencyBucketsSeconds, metricsRegistry } from '../../lib/metrics/metrics.js';

/** One fdatasync of the decision log (a group commit: every record of the batch). */
export const decisionLogFsyncDuration = new Histogram({
  name: 'twophase_decision_log_fsync_duration_seconds',
  help: 'duration of one fdatasync of the decision log',
  buckets: latencyBucketsSeconds,
  registers: [metricsRegistry],
});

/** Records made durable by one fdatasync of the decision log (how well group commit shares it). */
export const decisionLogRecordsPerFsync = new Histogram({
  name: 'twophase_decision_log_records_per_fsync',
  help: 'records made durable by one fdatasync of the decision log',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  registers: [metricsRegistry],
});
