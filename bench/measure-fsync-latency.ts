import { open, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { latencyStats, type LatencyStats } from './latency-stats.js';

/**
 * The latency of one 4 KiB write + fdatasync in `dir`, one at a time: the unit every
 * durable step of both uploads pays, so the table can be read in multiples of it.
 */
export async function measureFsyncLatency(dir: string, count = 200): Promise<LatencyStats> {
  const path = join(dir, 'fsync-probe');
  const file = await open(path, 'w');
  const samplesMs: number[] = [];
  try {
    const block = randomBytes(4096);
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await file.write(block, 0, block.length, (i % 256) * block.length);
      await file.datasync();
      samplesMs.push(performance.now() - t0);
    }
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
  return latencyStats(samplesMs);
}
