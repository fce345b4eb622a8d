import { Counter } from 'prom-client';
import { metricsRegistry } from '../../../lib/metrics/metrics.js';

/** Bytes received into staged objects by the blob participant (whether or not their tx commits). */
export const blobBytesStaged = new Counter({
  name: 'twophase_blob_staged_bytes_total',
  help: 'bytes received into staged objects by the blob participant',
  registers: [metricsRegistry],
});

/** Bytes of objects published (made readable) by committed txs at the blob participant. */
export const blobBytesPublished = new Counter({
  name: 'twophase_blob_published_bytes_total',
  help: 'bytes of objects published by committed transactions at the blob participant',
  registers: [metricsRegistry],
});
